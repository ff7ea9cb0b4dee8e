package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.UnsupportedDTypeException;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Adam;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.NetworkBuilder;
import dev.nabla.nn.Optimizers;
import dev.nabla.nn.PrecisionStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mixed-precision training of {@link Network} ({@code NetworkBuilder.precision}): a BFLOAT16 and a FLOAT16 network
 * train a small classification problem to nearly the loss the FLOAT32 network reaches from the same seed; a FLOAT16
 * step whose scaled gradients overflow is skipped (no parameter, no optimizer state changes) and halves the loss
 * scale, until the scale fits and steps apply again; 2000 clean steps double it; precision FLOAT32 trains bit for bit
 * as a network built without the call. A backend whose gemm has no 16-bit inputs refuses the build by name.
 *
 * <p>A backend module extends this class as it extends {@link BackendContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class MixedPrecisionContract {

    /** A new backend instance the contract owns and closes. */
    protected abstract Backend createBackend();

    private Backend backend;

    @BeforeAll
    void start() {
        backend = createBackend();
    }

    @AfterAll
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    private static final int ROWS = 96, FEATURES = 12, CLASSES = 3, STEPS = 30;

    /** Three noisy clusters in 12 dimensions, one-hot targets. */
    private static double[][] problem() {
        double[] noise = HostData.uniform(5, ROWS * FEATURES, -1, 1);
        double[] centres = HostData.uniform(6, CLASSES * FEATURES, -2, 2);
        double[] x = new double[ROWS * FEATURES];
        double[] t = new double[ROWS * CLASSES];
        for (int r = 0; r < ROWS; r++) {
            int c = r % CLASSES;
            t[r * CLASSES + c] = 1;
            for (int j = 0; j < FEATURES; j++) {
                x[r * FEATURES + j] = centres[c * FEATURES + j] + noise[r * FEATURES + j];
            }
        }
        return new double[][]{x, t};
    }

    private static NetworkBuilder classifier(DType precision) {
        return Network.builder().input(FEATURES).dense(16, Activation.TANH).dense(16, Activation.RELU)
                .dense(CLASSES, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(11).precision(precision);
    }

    /** The loss after {@code steps} SGD steps, on the whole problem. */
    private double train(DType precision, int steps) {
        double[][] p = problem();
        try (Scope s = backend.scope(); Network net = classifier(precision).build(backend)) {
            Tensor x = backend.fromArray(p[0], ROWS, FEATURES, DType.FLOAT32);
            Tensor t = backend.fromArray(p[1], ROWS, CLASSES, DType.FLOAT32);
            var sgd = Optimizers.sgd(0.1);
            for (int i = 0; i < steps; i++) {
                net.trainStep(x, t, sgd);
            }
            PrecisionStats st = net.precisionStats();
            assertEquals(precision, st.precision(), label("precisionStats().precision", precision));
            assertEquals(precision == DType.FLOAT32 ? 0 : steps, st.steps(), label("steps", precision));
            return net.loss(x, t);
        }
    }

    private String label(String what, DType precision) {
        return what + " [" + backend.name() + ", precision " + precision + "]";
    }

    /** Whether the backend trains in mixed precision; where it does not, asserts that it refuses by name. */
    private boolean trainsInHalves() {
        if (backend.compute().gemmOnHalves()) {
            return true;
        }
        for (DType half : new DType[]{DType.BFLOAT16, DType.FLOAT16}) {
            UnsupportedDTypeException e = assertThrows(UnsupportedDTypeException.class,
                    () -> classifier(half).build(backend));
            assertEquals("network: precision " + half + " needs gemm on " + half + " inputs, which " + backend.name()
                    + " does not have; use precision FLOAT32 [" + backend.name() + "]", e.getMessage());
        }
        return false;
    }

    @Test
    void bfloat16AndFloat16TrainToNearlyTheFloat32Loss() {
        if (!trainsInHalves()) {
            return;
        }
        double initial = train(DType.FLOAT32, 0);
        double full = train(DType.FLOAT32, STEPS);
        assertTrue(full < 0.2 * initial, label("float32 learns: loss " + initial + " → " + full, DType.FLOAT32));
        for (DType half : new DType[]{DType.BFLOAT16, DType.FLOAT16}) {
            double mixed = train(half, STEPS);
            // the 16-bit GEMM inputs carry 2⁻⁹ (bf16) or 2⁻¹² (fp16) relative rounding into every step; measured
            // on cpu: 0.09% (bf16) and 0.004% (fp16) of the float32 loss 0.046 (from 1.70) after 30 steps
            double allowed = 0.03 * full;
            assertTrue(Math.abs(mixed - full) <= allowed, label("loss after " + STEPS + " steps " + mixed
                    + ", float32 " + full + ", allowed |diff| " + allowed, half));
        }
    }

    @Test
    void float16OverflowSkipsTheStepAndHalvesTheScale() {
        if (!trainsInHalves()) {
            return;
        }
        // a 1-row batch whose target is 1000 away: δ(L)·65536 exceeds FLOAT16's 65504, so the 16-bit δ is ∞
        try (Scope s = backend.scope(); Network net = Network.builder().input(2).dense(3, Activation.TANH)
                .dense(1, Activation.IDENTITY).loss(Loss.MSE).seed(3).precision(DType.FLOAT16).build(backend);
             Adam adam = Optimizers.adam(0.01)) {
            Tensor x = backend.fromArray(new double[]{0.5, -0.25}, 1, 2, DType.FLOAT32);
            Tensor t = backend.fromArray(new double[]{1000}, 1, 1, DType.FLOAT32);
            double[] w0 = net.weights(0), w1 = net.weights(1), b1 = net.biases(1);
            assertEquals(new PrecisionStats(DType.FLOAT16, 65536, 0, 0), net.precisionStats());
            double loss = net.trainStep(x, t, adam);
            assertTrue(loss > 1e5 && Double.isFinite(loss), label("the loss is float32 and finite: " + loss,
                    DType.FLOAT16));
            assertEquals(new PrecisionStats(DType.FLOAT16, 32768, 1, 1), net.precisionStats(),
                    label("one skipped step halves the scale", DType.FLOAT16));
            assertArrayEquals(w0, net.weights(0), label("a skipped step leaves W0", DType.FLOAT16));
            assertArrayEquals(w1, net.weights(1), label("a skipped step leaves W1", DType.FLOAT16));
            assertArrayEquals(b1, net.biases(1), label("a skipped step leaves b1", DType.FLOAT16));
            assertEquals(0, adam.steps(), label("a skipped step leaves the optimizer state", DType.FLOAT16));
            int steps = 1;
            while (net.precisionStats().skippedSteps() == steps && steps < 30) {
                net.trainStep(x, t, adam);
                steps++;
            }
            PrecisionStats st = net.precisionStats();
            long skipped = st.skippedSteps();
            assertEquals(steps - 1, skipped, label("skipped until the scale fit", DType.FLOAT16));
            // |δ(L)·S| < 65504 first when S ≤ 64 (|f − t| ≈ 1000, N = 1, MSE δ = (f − t)·2/N or (f − t)/N)
            assertTrue(skipped >= 9 && skipped <= 11, label("skipped " + skipped + " steps", DType.FLOAT16));
            assertEquals(65536 * Math.pow(0.5, skipped), st.lossScale(), label("scale", DType.FLOAT16));
            assertEquals(1, adam.steps(), label("then a step applied", DType.FLOAT16));
            assertNotEquals(w1[0], net.weights(1)[0], label("the applied step moved W1", DType.FLOAT16));
        }
    }

    /**
     * The route of a data-parallel master (DataParallel, nabla-spark): gradients computed with the network's S, then
     * applyGradients, which must skip a step whose gradients overflowed and halve S exactly as trainStep does. Two
     * identical FLOAT16 networks, one on each route, skip the same steps, keep the same scale and step counts, and
     * their parameters agree to float32 rounding. (Not bit for bit everywhere: the reference keeps FLOAT32 gradients
     * unrounded on the device, while gradients() hands them over rounded to float32.)
     */
    @Test
    void float16ApplyGradientsSkipsOverflowsAsTrainStepDoes() {
        if (!trainsInHalves()) {
            return;
        }
        try (Scope s = backend.scope();
             Network viaStep = Network.builder().input(2).dense(3, Activation.TANH).dense(1, Activation.IDENTITY)
                     .loss(Loss.MSE).seed(3).precision(DType.FLOAT16).build(backend);
             Network viaGradients = Network.builder().input(2).dense(3, Activation.TANH)
                     .dense(1, Activation.IDENTITY).loss(Loss.MSE).seed(3).precision(DType.FLOAT16).build(backend);
             Adam a1 = Optimizers.adam(0.01); Adam a2 = Optimizers.adam(0.01)) {
            Tensor x = backend.fromArray(new double[]{0.5, -0.25}, 1, 2, DType.FLOAT32);
            Tensor t = backend.fromArray(new double[]{1000}, 1, 1, DType.FLOAT32);
            for (int step = 0; step < 14; step++) {
                viaStep.trainStep(x, t, a1);
                viaGradients.applyGradients(viaGradients.gradients(x, t), a2);
                String at = "after step " + (step + 1);
                assertEquals(viaStep.precisionStats(), viaGradients.precisionStats(), label(at, DType.FLOAT16));
                assertEquals(a1.steps(), a2.steps(), label(at + ": optimizer steps", DType.FLOAT16));
                for (int l = 0; l < 2; l++) {
                    assertClose(viaStep.weights(l), viaGradients.weights(l), label(at + ": W" + l, DType.FLOAT16));
                    assertClose(viaStep.biases(l), viaGradients.biases(l), label(at + ": b" + l, DType.FLOAT16));
                }
            }
            long skipped = viaGradients.precisionStats().skippedSteps();
            assertTrue(skipped >= 9 && skipped <= 11 && a2.steps() == 14 - skipped, label("skipped " + skipped
                    + " of 14 steps, applied " + a2.steps(), DType.FLOAT16));
        }
    }

    /** The scaler's state (GradScaler's scale and growth tracker) read, restored into another network, validated. */
    @Test
    void lossScalerStateRoundTripsAndIsValidated() {
        if (!trainsInHalves()) {
            return;
        }
        try (Scope s = backend.scope();
             Network net = Network.builder().input(2).dense(3, Activation.TANH).dense(1, Activation.IDENTITY)
                     .loss(Loss.MSE).seed(3).precision(DType.FLOAT16).build(backend);
             Network other = Network.builder().input(2).dense(3, Activation.TANH).dense(1, Activation.IDENTITY)
                     .loss(Loss.MSE).seed(4).precision(DType.FLOAT16).build(backend);
             Network bf16 = Network.builder().input(2).dense(1, Activation.IDENTITY).loss(Loss.MSE).seed(3)
                     .precision(DType.BFLOAT16).build(backend)) {
            Tensor x = backend.fromArray(new double[]{0.5, -0.25}, 1, 2, DType.FLOAT32);
            Tensor t = backend.fromArray(new double[]{1000}, 1, 1, DType.FLOAT32);
            var sgd = Optimizers.sgd(1e-6);
            for (int i = 0; i < 16; i++) {
                net.trainStep(x, t, sgd);
            }
            PrecisionStats st = net.precisionStats();
            assertTrue(st.skippedSteps() > 0 && st.skippedSteps() < 16, label("some skipped: " + st, DType.FLOAT16));
            // every skip came first (the scale then fits), so the clean steps since S last changed are the others
            java.util.Map<String, Double> state = net.lossScalerState();
            assertEquals(java.util.List.of("scale", "growth_tracker"), java.util.List.copyOf(state.keySet()));
            assertEquals(st.lossScale(), state.get("scale"));
            assertEquals((double) (16 - st.skippedSteps()), state.get("growth_tracker"));
            other.loadLossScalerState(state);
            assertEquals(state, other.lossScalerState());
            assertEquals(st.lossScale(), other.precisionStats().lossScale());
            assertEquals(java.util.Map.of("scale", 1.0, "growth_tracker", 0.0), bf16.lossScalerState());
            bf16.loadLossScalerState(java.util.Map.of("scale", 1.0, "growth_tracker", 0.0));
            java.util.List<java.util.Map<String, Double>> bad = new java.util.ArrayList<>(java.util.List.of(
                    java.util.Map.of("scale", 3.0, "growth_tracker", 0.0),
                    java.util.Map.of("scale", 1024.0, "growth_tracker", -1.0),
                    java.util.Map.of("scale", 1024.0, "growth_tracker", 2000.0),
                    java.util.Map.of("scale", 1024.0, "growth_tracker", 1.5),
                    java.util.Map.of("scale", 1024.0),
                    java.util.Map.of("scale", 1024.0, "growth_tracker", 0.0, "extra", 1.0)));
            bad.add(null);
            for (java.util.Map<String, Double> b : bad) {
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                        () -> other.loadLossScalerState(b), "state " + b);
                assertTrue(e.getMessage().startsWith("loadLossScalerState: "), e.getMessage());
            }
            assertEquals(state, other.lossScalerState(), "a refused state changes nothing");
            assertThrows(InvalidArgumentException.class,
                    () -> bf16.loadLossScalerState(java.util.Map.of("scale", 2.0, "growth_tracker", 0.0)));
        }
    }

    /** |a − b| ≤ 1e-5·max(1, |a|) elementwise: a few float32 roundings apart after a dozen Adam steps. */
    private static void assertClose(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            assertTrue(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(a[i])), what + " [" + i + "]: " + a[i]
                    + " vs " + b[i]);
        }
    }

    /** setLossScale: what replicas are given; FLOAT16 only, a finite power of two. */
    @Test
    void setLossScaleTakesAPowerOfTwoOnFloat16Only() {
        if (!trainsInHalves()) {
            return;
        }
        try (Scope s = backend.scope();
             Network fp16 = Network.builder().input(2).dense(1, Activation.IDENTITY).loss(Loss.MSE).seed(3)
                     .precision(DType.FLOAT16).build(backend);
             Network bf16 = Network.builder().input(2).dense(1, Activation.IDENTITY).loss(Loss.MSE).seed(3)
                     .precision(DType.BFLOAT16).build(backend)) {
            fp16.setLossScale(1024);
            assertEquals(new PrecisionStats(DType.FLOAT16, 1024, 0, 0), fp16.precisionStats());
            // δ(L) = 2·(f − t) ≈ −2000 at N = 1: times 1024 it overflows FLOAT16, so the step is skipped, S halves
            Tensor x = backend.fromArray(new double[]{0.5, -0.25}, 1, 2, DType.FLOAT32);
            Tensor t = backend.fromArray(new double[]{1000}, 1, 1, DType.FLOAT32);
            fp16.trainStep(x, t, Optimizers.sgd(0.01));
            assertEquals(new PrecisionStats(DType.FLOAT16, 512, 1, 1), fp16.precisionStats(),
                    label("the set scale is the one the step used", DType.FLOAT16));
            fp16.setLossScale(Math.scalb(1.0, -3));
            assertEquals(0.125, fp16.precisionStats().lossScale());
            for (double bad : new double[]{3, 0, -2, 0.75, Double.NaN, Double.POSITIVE_INFINITY}) {
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> fp16.setLossScale(bad),
                        "loss scale " + bad);
                assertTrue(e.getMessage().startsWith("setLossScale: "), e.getMessage());
            }
            bf16.setLossScale(1);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> bf16.setLossScale(2));
            assertTrue(e.getMessage().contains("BFLOAT16"), e.getMessage());
            assertEquals(1, bf16.precisionStats().lossScale());
        }
    }

    @Test
    void float16ScaleDoublesAfter2000CleanSteps() {
        if (!trainsInHalves()) {
            return;
        }
        try (Scope s = backend.scope(); Network net = Network.builder().input(2).dense(1, Activation.SIGMOID)
                .loss(Loss.MSE).seed(3).precision(DType.FLOAT16).build(backend)) {
            Tensor x = backend.fromArray(new double[]{0.5, -0.25}, 1, 2, DType.FLOAT32);
            Tensor t = backend.fromArray(new double[]{0.75}, 1, 1, DType.FLOAT32);
            var sgd = Optimizers.sgd(0.01);
            for (int i = 0; i < 1999; i++) {
                net.trainStep(x, t, sgd);
            }
            assertEquals(new PrecisionStats(DType.FLOAT16, 65536, 1999, 0), net.precisionStats());
            net.trainStep(x, t, sgd);
            assertEquals(new PrecisionStats(DType.FLOAT16, 131072, 2000, 0), net.precisionStats(),
                    label("2000 clean steps double the scale", DType.FLOAT16));
        }
    }

    /** The normwise bound of a 16-bit network's gradients, in units of the 16-bit type's u (see the test). */
    static final double GRADIENT_BOUND_IN_U = 16;

    /**
     * GradientCheck-style parity: the gradients of a BFLOAT16 and a FLOAT16 network (16-bit GEMM inputs, 16-bit
     * hidden activations and errors) against the float64 network with the same weights on the reference, judged
     * normwise per tensor: max|g − g₆₄| ≤ {@value #GRADIENT_BOUND_IN_U}·u·max|g₆₄|, u of the 16-bit type. Why 16:
     * each of X̃, W̃, b̃, Z, A, δ and δ̃ is rounded once to the 16-bit type (relative error ≤ u), and a layer's
     * gradient sums the errors of the forward values it depends on and the backward values through the layers above;
     * across this 3-layer network that is at most about a dozen roundings of one sign, and errors of random sign
     * partly cancel (measured: see docs/precision.md).
     */
    @Test
    void halfGradientsMatchTheFloat64ReferenceWithinTheBound() {
        if (!trainsInHalves()) {
            return;
        }
        double[][] p = problem();
        for (DType half : new DType[]{DType.BFLOAT16, DType.FLOAT16}) {
            try (Backend ref = Backend.wrap(new ReferenceBackend());
                 Network exact = Network.builder().input(FEATURES).dense(16, Activation.TANH)
                         .dense(16, Activation.RELU).dense(CLASSES, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY)
                         .dtype(DType.FLOAT64).build(ref);
                 Network net = classifier(half).build(backend);
                 Scope s = backend.scope()) {
                for (int l = 0; l < 3; l++) {
                    exact.setWeights(l, net.weights(l));
                    exact.setBiases(l, net.biases(l));
                }
                dev.nabla.nn.Gradients g64;
                try (Scope rs = ref.scope()) {
                    g64 = exact.gradients(ref.fromArray(p[0], ROWS, FEATURES, DType.FLOAT64),
                            ref.fromArray(p[1], ROWS, CLASSES, DType.FLOAT64));
                }
                dev.nabla.nn.Gradients g = net.gradients(backend.fromArray(p[0], ROWS, FEATURES, DType.FLOAT32),
                        backend.fromArray(p[1], ROWS, CLASSES, DType.FLOAT32));
                double u = half.unitRoundoff();
                for (int l = 0; l < 3; l++) {
                    for (int which = 0; which < 2; which++) {
                        double[] want = which == 0 ? g64.dW(l) : g64.db(l);
                        double[] got = which == 0 ? g.dW(l) : g.db(l);
                        double scale = 0, diff = 0;
                        for (int i = 0; i < want.length; i++) {
                            scale = Math.max(scale, Math.abs(want[i]));
                            diff = Math.max(diff, Math.abs(got[i] - want[i]));
                        }
                        String what = (which == 0 ? "dW" : "db") + l + ": max|g − g64| " + diff + " = "
                                + String.format("%.2f", diff / (u * scale)) + "·u·max|g64| (max|g64| " + scale + ")";
                        System.out.println("gradient parity " + half + " [" + backend.name() + "] " + what);
                        assertTrue(diff <= GRADIENT_BOUND_IN_U * u * scale, label(what + ", allowed "
                                + GRADIENT_BOUND_IN_U + "·u·max|g64|", half));
                    }
                }
            }
        }
    }

    /**
     * The element bytes a training step's workspace holds per row of the batch, counted by {@code backend.stats()}:
     * {@code tensorBytesAllocated} of the first step at a batch size (workspace, per-batch 16-bit copies, and the
     * step's own temporaries) minus that of the next step at that size (the temporaries alone), at two batch sizes;
     * their difference over the difference of the sizes leaves the per-row bytes (gradients and the 16-bit W̃, b̃
     * do not depend on N).
     */
    private long bytesPerRow(Network net, double[][] p, DType inputType) {
        long[] workspace = new long[2];
        int[] sizes = {48, 24};
        try (Scope s = backend.scope()) {
            var sgd = Optimizers.sgd(0.01);
            Tensor x0 = backend.fromArray(p[0], ROWS, FEATURES, DType.FLOAT32).sliceRows(0, 8);
            Tensor t0 = backend.fromArray(p[1], ROWS, CLASSES, DType.FLOAT32).sliceRows(0, 8);
            net.trainStep(x0, t0, sgd);                     // the 16-bit copies of W and b exist from here on
            for (int i = 0; i < sizes.length; i++) {
                Tensor x = backend.fromArray(p[0], ROWS, FEATURES, inputType).sliceRows(0, sizes[i]);
                Tensor t = backend.fromArray(p[1], ROWS, CLASSES, DType.FLOAT32).sliceRows(0, sizes[i]);
                long before = backend.stats().tensorBytesAllocated();
                net.trainStep(x, t, sgd);
                long first = backend.stats().tensorBytesAllocated() - before;
                before = backend.stats().tensorBytesAllocated();
                net.trainStep(x, t, sgd);
                long again = backend.stats().tensorBytesAllocated() - before;
                workspace[i] = first - again;
            }
        }
        long diff = workspace[0] - workspace[1];
        assertEquals(0, diff % (sizes[0] - sizes[1]), label("the workspace grows linearly in N: " + workspace[0]
                + " bytes at N = " + sizes[0] + ", " + workspace[1] + " at N = " + sizes[1], net.precision()));
        return diff / (sizes[0] - sizes[1]);
    }

    /**
     * The check: a BFLOAT16 step keeps the hidden layers' activations A and errors δ in 2 bytes an element,
     * so they take half the device bytes of a FLOAT32 step's; the output layer (Z, A, δ in FLOAT32 for the softmax and
     * the loss, plus the 16-bit copy δ̃ the GEMMs read) and the 16-bit copy X̃ of the input come on top. Counted by
     * {@code backend.stats().tensorBytesAllocated()} per row of the batch, for the classifier 12 → 16 → 16 → 3.
     */
    @Test
    void bfloat16StepStoresTheHiddenActivationsInHalfTheBytes() {
        if (!trainsInHalves()) {
            return;
        }
        double[][] p = problem();
        int[] hidden = {16, 16};
        long hiddenFloat32 = 0;
        for (int n : hidden) {
            hiddenFloat32 += 2L * n * 4;                     // A(l) and δ(l), FLOAT32
        }
        long outputFloat32 = 3L * CLASSES * 4;               // Z(L) (the logits), A(L), δ(L)
        long measuredFloat32;
        try (Network net = classifier(DType.FLOAT32).build(backend)) {
            measuredFloat32 = bytesPerRow(net, p, DType.FLOAT32);
        }
        assertEquals(hiddenFloat32 + outputFloat32, measuredFloat32, label("bytes per row of a step",
                DType.FLOAT32));
        boolean halves = backend.compute().fusedActivationsOnHalves() && backend.compute().sumColumnsOnHalves();
        for (DType half : new DType[]{DType.BFLOAT16, DType.FLOAT16}) {
            try (Network net = classifier(half).build(backend)) {
                assertEquals(halves ? List.of(half, half, DType.FLOAT32) : List.of(DType.FLOAT32, DType.FLOAT32,
                        DType.FLOAT32), net.activationStorage(), label("activationStorage", half));
                // else FLOAT32, plus the 16-bit copies Ã(l) and δ̃(l) the GEMMs read: 2 + 2 bytes per unit
                long hiddenHalf = halves ? hiddenFloat32 / 2 : hiddenFloat32 + hiddenFloat32 / 2;
                long copies = 2L * FEATURES + 2L * CLASSES;  // X̃ and δ̃(L)
                long measured = bytesPerRow(net, p, DType.FLOAT32);
                assertEquals(hiddenHalf + outputFloat32 + copies, measured, label("bytes per row of a step (float32: "
                        + measuredFloat32 + ")", half));
                // fed 16-bit inputs, the first gemm reads them as they are: no X̃
                long fromHalfInputs = bytesPerRow(net, p, half);
                assertEquals(hiddenHalf + outputFloat32 + 2L * CLASSES, fromHalfInputs, label("bytes per row of a "
                        + "step from " + half + " inputs", half));
                System.out.println("bytes per row of a step [" + backend.name() + "]: FLOAT32 " + measuredFloat32
                        + ", " + half + " " + measured + ", from " + half + " inputs " + fromHalfInputs);
            }
        }
    }

    /**
     * A mixed-precision network takes inputs of its own 16-bit type: the first gemm reads them as they are, which is
     * what it reads of a FLOAT32 input after the cast (both round to nearest even), so the loss and the gradients are
     * the same bit for bit. Another 16-bit type is refused by name.
     */
    @Test
    void halfInputsGiveTheGradientsOfTheirFloat32Values() {
        if (!trainsInHalves()) {
            return;
        }
        double[][] p = problem();
        for (DType half : new DType[]{DType.BFLOAT16, DType.FLOAT16}) {
            try (Scope s = backend.scope(); Network net = classifier(half).build(backend)) {
                Tensor t = backend.fromArray(p[1], ROWS, CLASSES, DType.FLOAT32);
                dev.nabla.nn.Gradients fromFloat = net.gradients(backend.fromArray(p[0], ROWS, FEATURES,
                        DType.FLOAT32), t);
                dev.nabla.nn.Gradients fromHalf = net.gradients(backend.fromArray(p[0], ROWS, FEATURES, half), t);
                assertEquals(fromFloat.loss(), fromHalf.loss(), label("loss from 16-bit inputs", half));
                for (int l = 0; l < 3; l++) {
                    assertArrayEquals(fromFloat.dW(l), fromHalf.dW(l), label("dW" + l + " from 16-bit inputs", half));
                    assertArrayEquals(fromFloat.db(l), fromHalf.db(l), label("db" + l + " from 16-bit inputs", half));
                }
                DType other = half == DType.BFLOAT16 ? DType.FLOAT16 : DType.BFLOAT16;
                Tensor wrong = backend.fromArray(p[0], ROWS, FEATURES, other);
                dev.nabla.DTypeMismatchException e = assertThrows(dev.nabla.DTypeMismatchException.class,
                        () -> net.trainStep(wrong, t, Optimizers.sgd(0.1)));
                assertEquals("trainStep: input " + ROWS + "×" + FEATURES + " is " + other + " but the network is "
                        + "FLOAT32 (inputs may be " + half + ", its precision) [" + backend.name() + "]",
                        e.getMessage());
            }
        }
    }

    @Test
    void precisionFloat32TrainsBitForBitAsWithoutTheCall() {
        double[][] p = problem();
        double[][] weights = new double[2][];
        for (int run = 0; run < 2; run++) {
            NetworkBuilder b = Network.builder().input(FEATURES).dense(16, Activation.TANH).dense(16, Activation.RELU)
                    .dense(CLASSES, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(11);
            if (run == 1) {
                b.precision(DType.FLOAT32);
            }
            try (Scope s = backend.scope(); Network net = b.build(backend); Adam adam = Optimizers.adam(0.01)) {
                Tensor x = backend.fromArray(p[0], ROWS, FEATURES, DType.FLOAT32);
                Tensor t = backend.fromArray(p[1], ROWS, CLASSES, DType.FLOAT32);
                for (int i = 0; i < 20; i++) {
                    net.trainStep(x, t, adam);
                }
                assertEquals(DType.FLOAT32, net.precision());
                assertEquals(new PrecisionStats(DType.FLOAT32, 1, 0, 0), net.precisionStats());
                weights[run] = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(net.weights(0)),
                        java.util.Arrays.stream(net.weights(2))).toArray();
            }
        }
        assertArrayEquals(weights[0], weights[1], label("precision(FLOAT32) is the default", DType.FLOAT32));
    }

    @Test
    void aMixedPrecisionNetworkSaysSoOrTheBackendRefusesItByName() {
        if (trainsInHalves()) {
            try (Network net = classifier(DType.BFLOAT16).build(backend)) {
                assertEquals(DType.BFLOAT16, net.precision());
                assertTrue(net.toString().contains("precision BFLOAT16"), net.toString());
            }
        }
    }
}
