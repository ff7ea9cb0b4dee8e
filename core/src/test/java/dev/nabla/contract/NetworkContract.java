package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.GradientCheck;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.spi.BinaryOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Networks on a backend: the worked examples of the lecture notes with values computed by hand in float64, a
 * gradient check for every activation × loss pair, the optimizer update rules, training that lowers the loss, and
 * a training step that allocates nothing after warm-up; shaped random networks (odd batches, square layers, large
 * softmax logits, random biases) and 50 steps of every optimizer option against the float64 reference. A backend module extends this with a fresh backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class NetworkContract {

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

    protected Backend backend() {
        return backend;
    }

    private void requireFloat64() {
        assumeTrue(backend.supports(DType.FLOAT64), backend.name() + " has no FLOAT64 here: " + backend.description());
    }

    // ---- QBUS6850: 4 examples, 2 features, 3 hidden sigmoid units, sigmoid output, MSE -------------------------------

    static final double[] QBUS_X = {1, 0.875, 0.25, 1, 0.5, 0.45, 0.75, 0.25};
    static final double[] QBUS_T = {1, 0.4, 0.5, 0.6};
    static final double[] QBUS_W1 = {0.1, -0.2, 0.3, 0.4, 0.5, -0.6};   // 2×3, chosen (the notes print none)
    static final double[] QBUS_W2 = {0.7, -0.8, 0.9};                    // 3×1

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /**
     * The notes' gradients by hand: L = ½Σ(f − t)², no bias, ∂L/∂W2_j = Σ_n (f−t)σ'(z3) a2_j and
     * ∂L/∂W1_ij = Σ_n (f−t)σ'(z3) W2_j σ'(z2_j) x_i. Returns {L, dW1 (6), dW2 (3)} flattened.
     */
    static double[] qbusByHand() {
        double loss = 0;
        double[] dW1 = new double[6];
        double[] dW2 = new double[3];
        for (int n = 0; n < 4; n++) {
            double x1 = QBUS_X[2 * n], x2 = QBUS_X[2 * n + 1];
            double[] a2 = new double[3];
            double z3 = 0;
            for (int j = 0; j < 3; j++) {
                a2[j] = sigmoid(x1 * QBUS_W1[j] + x2 * QBUS_W1[3 + j]);
                z3 += a2[j] * QBUS_W2[j];
            }
            double f = sigmoid(z3);
            double err = f - QBUS_T[n];
            loss += 0.5 * err * err;
            double d3 = err * f * (1 - f);
            for (int j = 0; j < 3; j++) {
                dW2[j] += d3 * a2[j];
                double d2 = d3 * QBUS_W2[j] * a2[j] * (1 - a2[j]);
                dW1[j] += d2 * x1;
                dW1[3 + j] += d2 * x2;
            }
        }
        double[] out = new double[10];
        out[0] = loss;
        System.arraycopy(dW1, 0, out, 1, 6);
        System.arraycopy(dW2, 0, out, 7, 3);
        return out;
    }

    private Network qbusNetwork(DType dtype) {
        Network net = Network.builder().input(2).dense(3, Activation.SIGMOID).dense(1, Activation.SIGMOID)
                .loss(Loss.MSE).dtype(dtype).build(backend);
        net.setWeights(0, QBUS_W1);
        net.setWeights(1, QBUS_W2);
        return net;   // biases start at 0: the notes' network has none
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void qbusRegressionGradientsMatchTheHandComputation(DType dtype) {
        if (dtype == DType.FLOAT64) {
            requireFloat64();
        }
        double[] hand = qbusByHand();
        try (Scope s = backend.scope(); Network net = qbusNetwork(dtype)) {
            Tensor x = backend.fromArray(QBUS_X, 4, 2, dtype);
            Tensor t = backend.fromArray(QBUS_T, 4, 1, dtype);
            Gradients g = net.gradients(x, t);
            // Nabla's loss is a mean, L/N: the notes' sums are N = 4 times larger
            double[] ours = new double[10];
            ours[0] = 4 * g.loss();
            double[] dW1 = g.dW(0), dW2 = g.dW(1);
            for (int i = 0; i < 6; i++) {
                ours[1 + i] = 4 * dW1[i];
            }
            for (int i = 0; i < 3; i++) {
                ours[7 + i] = 4 * dW2[i];
            }
            Tolerance.of(dtype, 4).assertClose("QBUS6850 loss, dW1, dW2 on " + backend.name() + " " + dtype, hand,
                    ours, 0);
        }
    }

    // ---- notes 004: one hidden ReLU layer, sigmoid output, BCE ---------------------------------------------------------

    /** The notes' XOR weights: W1 (2×2, inputs × units) = w'ᵀ, b1 = (1, 0.5), W2 = (−1, 0.5)ᵀ, b2 = 1. */
    private Network notesReluNetwork(DType dtype) {
        Network net = Network.builder().input(2).dense(2, Activation.RELU).dense(1, Activation.SIGMOID)
                .loss(Loss.BINARY_CROSS_ENTROPY).dtype(dtype).build(backend);
        net.setWeights(0, new double[]{1, -0.5, 0.5, 1});
        net.setBiases(0, new double[]{1, 0.5});
        net.setWeights(1, new double[]{-1, 0.5});
        net.setBiases(1, new double[]{1});
        return net;
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void reluSigmoidBceFollowsTheNotesFormula(DType dtype) {
        if (dtype == DType.FLOAT64) {
            requireFloat64();
        }
        Tolerance tol = Tolerance.of(dtype, 2);
        try (Scope s = backend.scope(); Network net = notesReluNetwork(dtype)) {
            // the notes' table: ŷ = 0.562, 0.562, 0.27, 0.27 for (0,0), (0,1), (1,0), (1,1)
            Tensor xor = backend.fromArray(new double[]{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2, dtype);
            double[] yHat = net.forward(xor).toDoubleArray();
            assertArrayEquals(new double[]{0.562, 0.562, 0.27, 0.27}, yHat, 0.005, "the notes' ŷ column");

            // sample (1, 0), y = 1: z1(1) = 2 > 0, so ∂L/∂w11(1) = (ŷ − y)·w11(2)·x1 and ∂L/∂b1(1) = (ŷ − y)·w11(2)
            Tensor x = backend.fromArray(new double[]{1, 0}, 1, 2, dtype);
            Tensor y = backend.fromArray(new double[]{1}, 1, 1, dtype);
            Gradients g = net.gradients(x, y);
            double yh = sigmoid(-1 * 2 + 0.5 * 0 + 1);           // h = (relu(2), relu(0)) = (2, 0)
            double w11 = (yh - 1) * -1 * 1;
            // z2(1) = −0.5·1 + 1·0 + 0.5 = 0 is not > 0: its weights get no gradient
            tol.assertClose("notes 004 dW1", new double[]{w11, 0, 0, 0}, g.dW(0), 2);
            tol.assertClose("notes 004 db1", new double[]{(yh - 1) * -1, 0}, g.db(0), 0);
            tol.assertClose("notes 004 dW2 = (ŷ − y)·h", new double[]{(yh - 1) * 2, 0}, g.dW(1), 0);
            tol.assertClose("notes 004 BCE", new double[]{-Math.log(yh)}, new double[]{g.loss()}, 0);
        }
    }

    // ---- cross-entropies of saturated outputs: exact from the logits --------------------------------------------------

    /**
     * Output layer W (3 × 4), b (1 × 4), fed the 3 × 3 identity so that the logits are z = W + 1·b exactly: row 0
     * saturated on the wrong class (z = 160 against 0), row 1 moderate, row 2 at ±1e4.
     */
    static final double[] SATURATED_W = {0, 160, -3, 5, 2, -1, 0.5, 0, -1e4, 1e4, 0, 3};
    static final double[] SATURATED_B = {0.25, -0.5, 0, 1};

    private static double[] saturatedLogits(int cols) {
        double[] z = new double[3 * cols];
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < cols; j++) {
                z[r * cols + j] = SATURATED_W[r * 4 + j] + SATURATED_B[j];
            }
        }
        return z;
    }

    private static final double[] EYE3 = {1, 0, 0, 0, 1, 0, 0, 0, 1};

    /**
     * CROSS_ENTROPY after SOFTMAX where the output saturates: loss, gradients().loss and trainStep's return value are
     * the float64 value from the logits (≈ 6719.6 here, the mean of each row's lse − z_target; the clamp of f at 1e-7
     * reported ≈ 10.88), and δ = (f − t)/N is unchanged: dW of this one-layer network is xᵀ·(f − t)/N with
     * f = softmax(z).
     */
    @ParameterizedTest
    @MethodSource("dtypes")
    void crossEntropyOfSaturatedOutputsIsExactFromTheLogits(DType dtype) {
        if (dtype == DType.FLOAT64) {
            requireFloat64();
        }
        double[] z = saturatedLogits(4);
        double[] t = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
        double expected = LogitLosses.crossEntropy(z, t, 3, 4);
        double[] f = LogitLosses.softmaxRows(z, 3, 4);
        double[] dW = new double[12];
        for (int i = 0; i < 12; i++) {
            dW[i] = (f[i] - t[i]) / 3;           // x = I: dW = (f − t)/N
        }
        assertSaturatedLoss(Loss.CROSS_ENTROPY, Activation.SOFTMAX, 4, t, expected, dW, dtype);
    }

    /**
     * The same for BINARY_CROSS_ENTROPY after SIGMOID: max(z, 0) − t·z + log1p(e^−|z|) in float64 from z (≈ 6721.8
     * here; the clamp reported ≈ 18.3).
     */
    @ParameterizedTest
    @MethodSource("dtypes")
    void binaryCrossEntropyOfSaturatedOutputsIsExactFromTheLogits(DType dtype) {
        if (dtype == DType.FLOAT64) {
            requireFloat64();
        }
        double[] z = saturatedLogits(4);
        double[] t = {0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1};
        double expected = LogitLosses.binaryCrossEntropy(z, t, 3);
        double[] f = LogitLosses.sigmoid(z);
        double[] dW = new double[12];
        for (int i = 0; i < 12; i++) {
            dW[i] = (f[i] - t[i]) / 3;
        }
        assertSaturatedLoss(Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID, 4, t, expected, dW, dtype);
    }

    private void assertSaturatedLoss(Loss loss, Activation output, int cols, double[] t, double expected, double[] dW,
                                     DType dtype) {
        Tolerance tol = Tolerance.of(dtype, 3 * cols);
        String what = loss + " of saturated outputs [" + backend.name() + ", " + dtype + "]";
        try (Scope s = backend.scope();
             Network net = Network.builder().input(3).dense(cols, output).loss(loss).dtype(dtype).build(backend);
             Optimizer opt = Optimizers.sgd(0.01)) {
            net.setWeights(0, SATURATED_W);
            net.setBiases(0, SATURATED_B);
            Tensor x = backend.fromArray(EYE3, 3, 3, dtype);
            Tensor tt = backend.fromArray(t, 3, cols, dtype);
            // x = I: the logits are W + 1·b, and the loss is one reduction of them, judged by Σ|terms|
            double absTerms = LogitLosses.absTerms(loss == Loss.CROSS_ENTROPY ? BinaryOp.CROSS_ENTROPY
                    : BinaryOp.BINARY_CROSS_ENTROPY, saturatedLogits(cols), t, 3, cols);
            tol.assertReduction(what + ": loss", expected, net.loss(x, tt), absTerms);
            Gradients g = net.gradients(x, tt);
            tol.assertReduction(what + ": gradients().loss", expected, g.loss(), absTerms);
            Tolerance.of(dtype, 3).assertClose(what + ": dW = xᵀ(f − t)/N", dW, g.dW(0), cols);
            tol.assertReduction(what + ": trainStep's loss", expected, net.trainStep(x, tt, opt), absTerms);
        }
    }

    /**
     * Random networks whose output logits reach |z| ≈ 1e4 (a large last layer): loss() equals the float64 value
     * computed here from the logits, which the test forms itself from the network's weights and hidden activations.
     */
    @ParameterizedTest
    @MethodSource("dtypes")
    void crossEntropiesOfLargeLogitsMatchFloat64(DType dtype) {
        if (dtype == DType.FLOAT64) {
            requireFloat64();
        }
        int batch = 7, in = 5, hidden = 6, outputs = 3;
        for (Loss loss : new Loss[]{Loss.CROSS_ENTROPY, Loss.BINARY_CROSS_ENTROPY}) {
            Activation output = loss == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
            try (Scope s = backend.scope();
                 Network net = Network.builder().input(in).dense(hidden, Activation.RELU).dense(outputs, output)
                         .loss(loss).dtype(dtype).seed(3).build(backend)) {
                double[] w0 = HostData.uniform(31, in * hidden, -1, 1);
                double[] w1 = HostData.uniform(32, hidden * outputs, -3000, 3000);
                double[] b1 = HostData.uniform(33, outputs, -100, 100);
                net.setWeights(0, w0);
                net.setWeights(1, w1);
                net.setBiases(1, b1);
                double[] x = HostData.uniform(34, batch * in, 0, 1);
                double[] t = loss == Loss.CROSS_ENTROPY ? HostData.oneHot(35, batch, outputs)
                        : HostData.bits(35, batch * outputs);
                double[] z = new double[batch * outputs];          // z = relu(x·W0)·W1 + b1 in float64
                double maxAbs = 0;
                for (int r = 0; r < batch; r++) {
                    for (int j = 0; j < outputs; j++) {
                        double zj = b1[j];
                        for (int h = 0; h < hidden; h++) {
                            double a = 0;
                            for (int i = 0; i < in; i++) {
                                a += x[r * in + i] * w0[i * hidden + h];
                            }
                            zj += Math.max(a, 0) * w1[h * outputs + j];
                        }
                        z[r * outputs + j] = zj;
                        maxAbs = Math.max(maxAbs, Math.abs(zj));
                    }
                }
                assertTrue(maxAbs > 1000, "the logits reach " + maxAbs);
                double expected = loss == Loss.CROSS_ENTROPY ? LogitLosses.crossEntropy(z, t, batch, outputs)
                        : LogitLosses.binaryCrossEntropy(z, t, batch);
                double actual = net.loss(backend.fromArray(x, batch, in, dtype),
                        backend.fromArray(t, batch, outputs, dtype));
                Tolerance.of(dtype, hidden * outputs).assertCloseNormwise(loss + " of logits up to " + maxAbs + " ["
                        + backend.name() + ", " + dtype + "]", new double[]{expected}, new double[]{actual}, 0);
            }
        }
    }

    // ---- gradient checks: every activation × loss pair -------------------------------------------------------------------

    static Stream<Arguments> activationLossPairs() {
        List<Arguments> cases = new ArrayList<>();
        Activation[] hidden = {Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.IDENTITY};
        Object[][] outputs = {{Activation.SIGMOID, Loss.MSE}, {Activation.TANH, Loss.MSE}, {Activation.RELU, Loss.MSE},
                {Activation.IDENTITY, Loss.MSE}, {Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY},
                {Activation.SOFTMAX, Loss.CROSS_ENTROPY}};
        for (Activation h : hidden) {
            for (Object[] o : outputs) {
                cases.add(Arguments.of(h, o[0], o[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("activationLossPairs")
    void gradientsPassTheCentralDifferenceCheck(Activation hidden, Activation output, Loss loss) {
        requireFloat64();
        int batch = 6, outputs = 3;
        try (Scope s = backend.scope();
             Network net = Network.builder().input(4).dense(5, hidden).dense(4, hidden).dense(outputs, output)
                     .loss(loss).seed(11).dtype(DType.FLOAT64).build(backend)) {
            for (int l = 0; l < 3; l++) {           // non-zero biases, so their gradients are exercised too
                net.setBiases(l, HostData.uniform(l + 100, net.layers().get(l).outputs(), -0.5, 0.5));
            }
            Tensor x = backend.fromArray(HostData.uniform(5, batch * 4, -1, 1), batch, 4, DType.FLOAT64);
            Tensor t = backend.fromArray(RandomNetworkSpec.targets(loss, output, 6, batch, outputs), batch, outputs, DType.FLOAT64);
            GradientCheck.run(net, x, t).assertBelow(1e-6);
        }
    }

    // ---- optimizer rules -------------------------------------------------------------------------------------------------

    @Test
    void sgdFollowsTheUpdateRuleWithDecayOnWeightsOnly() {
        requireFloat64();
        double lr = 0.3, lambda = 0.01;
        try (Scope s = backend.scope(); Network net = qbusNetwork(DType.FLOAT64);
             Optimizer sgd = Optimizers.sgd(lr).weightDecay(lambda)) {
            net.setBiases(0, new double[]{0.1, 0.2, 0.3});
            Tensor x = backend.fromArray(QBUS_X, 4, 2), t = backend.fromArray(QBUS_T, 4, 1);
            Gradients g = net.gradients(x, t);
            double[] w0 = net.weights(0), b0 = net.biases(0);
            net.trainStep(x, t, sgd);
            double[] w1 = net.weights(0), b1 = net.biases(0);
            double[] gw = g.dW(0), gb = g.db(0);
            double[] expectW = new double[w0.length], expectB = new double[b0.length];
            for (int i = 0; i < w0.length; i++) {
                expectW[i] = w0[i] - lr * (gw[i] + lambda * w0[i]);      // W := W − α(∂L/∂W + λW)
            }
            for (int i = 0; i < b0.length; i++) {
                expectB[i] = b0[i] - lr * gb[i];                         // b := b − α ∂L/∂b
            }
            Tolerance.of(DType.FLOAT64, 1).assertClose("sgd W", expectW, w1, 3);
            Tolerance.of(DType.FLOAT64, 1).assertClose("sgd b (no decay)", expectB, b1, 0);
        }
    }

    @Test
    void momentumAccumulatesAVelocity() {
        requireFloat64();
        double lr = 0.5, mu = 0.9;
        try (Scope s = backend.scope(); Network net = qbusNetwork(DType.FLOAT64);
             Optimizer sgd = Optimizers.sgd(lr).momentum(mu)) {
            Tensor x = backend.fromArray(QBUS_X, 4, 2), t = backend.fromArray(QBUS_T, 4, 1);
            double[] w0 = net.weights(1);
            double[] g1 = net.gradients(x, t).dW(1);
            net.trainStep(x, t, sgd);
            double[] w1 = net.weights(1);
            double[] g2 = net.gradients(x, t).dW(1);
            net.trainStep(x, t, sgd);
            double[] w2 = net.weights(1);
            double[] expect1 = new double[3], expect2 = new double[3];
            for (int i = 0; i < 3; i++) {
                double v1 = g1[i];
                expect1[i] = w0[i] - lr * v1;
                double v2 = mu * v1 + g2[i];
                expect2[i] = expect1[i] - lr * v2;
            }
            Tolerance.of(DType.FLOAT64, 1).assertClose("momentum step 1", expect1, w1, 0);
            Tolerance.of(DType.FLOAT64, 1).assertClose("momentum step 2", expect2, w2, 0);
        }
    }

    @Test
    void adamsFirstStepIsTheSignOfTheGradientTimesTheRate() {
        requireFloat64();
        double lr = 0.01;
        try (Scope s = backend.scope(); Network net = qbusNetwork(DType.FLOAT64);
             Optimizer adam = Optimizers.adam(lr).epsilon(1e-12)) {
            Tensor x = backend.fromArray(QBUS_X, 4, 2), t = backend.fromArray(QBUS_T, 4, 1);
            double[] w0 = net.weights(0);
            double[] g = net.gradients(x, t).dW(0);
            net.trainStep(x, t, adam);
            double[] w1 = net.weights(0);
            double[] expect = new double[w0.length];
            for (int i = 0; i < w0.length; i++) {   // m̂ = g, v̂ = g²: the step is lr·g/|g|
                expect[i] = w0[i] - lr * g[i] / (Math.abs(g[i]) + 1e-12);
            }
            Tolerance.of(DType.FLOAT64, 1).assertClose("adam step 1", expect, w1, 3);
        }
    }

    // ---- training --------------------------------------------------------------------------------------------------------

    @Test
    void xorIsLearned() {
        try (Scope s = backend.scope();
             Network net = Network.builder().input(2).dense(8, Activation.TANH).dense(1, Activation.SIGMOID)
                     .loss(Loss.BINARY_CROSS_ENTROPY).seed(3).build(backend);
             Optimizer adam = Optimizers.adam(0.05)) {
            Tensor x = backend.fromArray(new float[]{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
            Tensor y = backend.fromArray(new float[]{0, 1, 1, 0}, 4, 1);
            double first = net.trainStep(x, y, adam);
            double last = first;
            for (int i = 0; i < 400; i++) {
                last = net.trainStep(x, y, adam);
            }
            assertTrue(last < 0.05 && last < first / 10, "XOR loss " + first + " → " + last);
            try (Tensor p = net.forward(x)) {
                float[] yHat = p.toFloatArray();
                assertTrue(yHat[0] < 0.5 && yHat[1] > 0.5 && yHat[2] > 0.5 && yHat[3] < 0.5,
                        "XOR predictions " + java.util.Arrays.toString(yHat));
            }
        }
    }

    @Test
    void theQbusRegressionLossFallsUnderTraining() {
        try (Scope s = backend.scope();
             Network net = Network.builder().input(2).dense(3, Activation.SIGMOID).dense(1, Activation.SIGMOID)
                     .loss(Loss.MSE).seed(5).build(backend);
             Optimizer sgd = Optimizers.sgd(2.0).momentum(0.5)) {
            Tensor x = backend.fromArray(QBUS_X, 4, 2, DType.FLOAT32), t = backend.fromArray(QBUS_T, 4, 1, DType.FLOAT32);
            double first = net.loss(x, t);
            for (int i = 0; i < 500; i++) {
                net.trainStep(x, t, sgd);
            }
            double last = net.loss(x, t);
            assertTrue(last < first / 4, "regression loss " + first + " → " + last);
        }
    }

    @Test
    void aTrainingStepAfterWarmUpCreatesNoTensors() {
        try (Scope s = backend.scope();
             Network net = Network.builder().input(20).dense(16, Activation.RELU).dense(5, Activation.SOFTMAX)
                     .loss(Loss.CROSS_ENTROPY).build(backend);
             Optimizer opt = Optimizers.sgd(0.1).momentum(0.9)) {
            Tensor x = backend.fromArray(HostData.uniform(1, 32 * 20, -1, 1), 32, 20, DType.FLOAT32);
            Tensor t = backend.fromArray(HostData.oneHot(2, 32, 5), 32, 5, DType.FLOAT32);
            net.trainStepWithoutLoss(x, t, opt);
            long created = backend.stats().tensorsCreated();
            for (int i = 0; i < 5; i++) {
                net.trainStepWithoutLoss(x, t, opt);
            }
            assertEquals(created, backend.stats().tensorsCreated(), "tensors created by warm training steps");
        }
    }

    @Test
    void copyToAnotherBackendKeepsWeightsAndGradients() {
        try (Backend ref = Backend.wrap(new ReferenceBackend()); Scope s = backend.scope();
             Network net = Network.builder().input(6).dense(7, Activation.TANH).dense(3, Activation.SOFTMAX)
                     .loss(Loss.CROSS_ENTROPY).seed(9).build(backend);
             Network copy = net.copyTo(ref)) {
            double[] x = HostData.uniform(3, 10 * 6, -1, 1), t = HostData.oneHot(4, 10, 3);
            Gradients here = net.gradients(backend.fromArray(x, 10, 6, DType.FLOAT32),
                    backend.fromArray(t, 10, 3, DType.FLOAT32));
            Gradients there;
            try (Scope r = ref.scope()) {
                there = copy.gradients(ref.fromArray(x, 10, 6, DType.FLOAT32), ref.fromArray(t, 10, 3, DType.FLOAT32));
            }
            assertArrayEquals(net.weights(0), copy.weights(0), "weights copied exactly");
            for (int l = 0; l < 2; l++) {
                Tolerance.of(DType.FLOAT32, 10).assertCloseNormwise("dW" + l + " after copyTo", there.dW(l), here.dW(l), 0);
                Tolerance.of(DType.FLOAT32, 10).assertCloseNormwise("db" + l + " after copyTo", there.db(l), here.db(l), 0);
            }
        }
    }

    // ---- shaped random networks and every optimizer, against the float64 reference --------------------------------------

    /**
     * Parity networks ({@link RandomNetworkSpec}, random biases) of each rarely-taken shape: odd batches above 6
     * (indices 3, 8, 13), square first layers with batch = nIn = nOut (7, 17) and a softmax with logits in the
     * hundreds (11, 23).
     */
    static Stream<Integer> shapedNetworks() {
        return Stream.of(3, 7, 8, 11, 13, 17, 23);
    }

    @ParameterizedTest(name = "network {0}")
    @MethodSource("shapedNetworks")
    void shapedRandomNetworksMatchTheFloat64Reference(int index) {
        RandomNetworkSpec spec = RandomNetworkSpec.draw(ParityContract.SEED, index);
        try (Backend ref = Backend.wrap(new ReferenceBackend());
             Network here = spec.build(backend, DType.FLOAT32); Network there = here.copyTo(ref)) {
            Gradients got, want;
            try (Scope s = backend.scope()) {
                got = here.gradients(backend.fromArray(spec.inputs(), spec.batch(), spec.widths()[0], DType.FLOAT32),
                        backend.fromArray(spec.targets(), spec.batch(), spec.widths()[spec.depth()], DType.FLOAT32));
            }
            try (Scope s = ref.scope()) {
                want = there.gradients(ref.fromArray(spec.inputs(), spec.batch(), spec.widths()[0], DType.FLOAT32),
                        ref.fromArray(spec.targets(), spec.batch(), spec.widths()[spec.depth()], DType.FLOAT32));
            }
            String who = spec + " [" + backend.name() + " vs reference]";
            Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
            tol.assertCloseNormwise(who + " loss", new double[]{want.loss()}, new double[]{got.loss()}, 0);
            for (int l = 0; l < spec.depth(); l++) {
                tol.assertCloseNormwise(who + " dW" + l, want.dW(l), got.dW(l), spec.widths()[l + 1]);
                tol.assertCloseNormwise(who + " db" + l, want.db(l), got.db(l), 0);
            }
        }
    }

    /**
     * 50 steps of each optimizer option on a square, odd-batch network with random biases (13 examples,
     * 13 → 13 TANH → 4 SOFTMAX, cross-entropy) keep W and b with the float64 reference's.
     */
    @ParameterizedTest
    @EnumSource(OptimizerChoice.class)
    void everyOptimizerFollowsTheFloat64Reference(OptimizerChoice choice) {
        RandomNetworkSpec spec = new RandomNetworkSpec(41, 13, new int[]{13, 13, 4},
                new Activation[]{Activation.TANH, Activation.SOFTMAX}, Loss.CROSS_ENTROPY, 1);
        try (Backend ref = Backend.wrap(new ReferenceBackend());
             Network here = spec.build(backend, DType.FLOAT32); Network there = here.copyTo(ref);
             Optimizer optHere = choice.create(); Optimizer optThere = choice.create();
             Scope s1 = backend.scope(); Scope s2 = ref.scope()) {
            Tensor xh = backend.fromArray(spec.inputs(), 13, 13, DType.FLOAT32);
            Tensor th = backend.fromArray(spec.targets(), 13, 4, DType.FLOAT32);
            Tensor xr = ref.fromArray(spec.inputs(), 13, 13, DType.FLOAT32);
            Tensor tr = ref.fromArray(spec.targets(), 13, 4, DType.FLOAT32);
            for (int step = 0; step < ParityContract.STEPS; step++) {
                here.trainStepWithoutLoss(xh, th, optHere);
                there.trainStepWithoutLoss(xr, tr, optThere);
            }
            String who = spec + " after " + ParityContract.STEPS + " steps of " + choice + " [" + backend.name()
                    + " vs reference]";
            Tolerance tol = Tolerance.of(DType.FLOAT32, 13);
            for (int l = 0; l < 2; l++) {
                tol.assertCloseNormwise(who + " W" + l, there.weights(l), here.weights(l), spec.widths()[l + 1]);
                tol.assertCloseNormwise(who + " b" + l, there.biases(l), here.biases(l), 0);
            }
        }
    }

    protected Stream<DType> dtypes() {
        return Stream.of(DType.FLOAT32, DType.FLOAT64);
    }

}
