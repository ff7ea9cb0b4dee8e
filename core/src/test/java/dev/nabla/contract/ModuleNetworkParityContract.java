package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.io.HostTensor;
import dev.nabla.module.Identity;
import dev.nabla.module.Linear;
import dev.nabla.module.Module;
import dev.nabla.module.ReLU;
import dev.nabla.module.Sequential;
import dev.nabla.module.Sigmoid;
import dev.nabla.module.Tanh;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14, item 4: the same MLP built from modules ({@link Sequential} of {@link Linear} and activation modules, the
 * loss through {@link Var#crossEntropyWithLogits}, {@link Var#binaryCrossEntropyWithLogits} or {@link Var#mse})
 * gives, on the backend under test, the same loss and parameter gradients as {@link Network} (the fused Dense path)
 * with the same weights, for every activation × loss pair Network allows:
 *
 * <ul>
 *   <li>hidden activation: SIGMOID, TANH, RELU, IDENTITY (two hidden layers, so δ passes through g′ twice);</li>
 *   <li>output: SOFTMAX + CROSS_ENTROPY ⇔ Linear logits + crossEntropyWithLogits; SIGMOID + BINARY_CROSS_ENTROPY ⇔
 *       Linear logits + binaryCrossEntropyWithLogits; g + MSE ⇔ Linear, the activation module g, mse, for g each of
 *       SIGMOID, TANH, RELU, IDENTITY.</li>
 * </ul>
 *
 * Network's W(l) is inputs × outputs; a Linear's weight is PyTorch's out × in, so the module gets Wᵀ (and its
 * gradient is transposed back before the comparison); biases are the same 1 × out row. FLOAT32 on every backend,
 * FLOAT64 where the backend has it, compared under the one {@link Tolerance} rule with K the sum of the reductions
 * a gradient passes through (the batch rows and every layer width). Nothing may stay allocated.
 *
 * <p>A backend module extends this class with a fresh backend, as it extends {@link NetworkContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class ModuleNetworkParityContract {

    /** The backend under test (a fresh instance the suite closes). */
    protected abstract Backend createBackend();

    /** Batch rows (odd on purpose), input features, two hidden widths, outputs. */
    private static final int N = 9, IN = 5, H1 = 7, H2 = 6, OUT = 4;
    private static final int[] WIDTHS = {IN, H1, H2, OUT};
    private static final long SEED = 20261214L;

    /** The output layer and loss pairs Network accepts. */
    enum Head {
        SOFTMAX_CROSS_ENTROPY(Activation.SOFTMAX, Loss.CROSS_ENTROPY),
        SIGMOID_BINARY_CROSS_ENTROPY(Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY),
        SIGMOID_MSE(Activation.SIGMOID, Loss.MSE),
        TANH_MSE(Activation.TANH, Loss.MSE),
        RELU_MSE(Activation.RELU, Loss.MSE),
        IDENTITY_MSE(Activation.IDENTITY, Loss.MSE);

        final Activation output;
        final Loss loss;

        Head(Activation output, Loss loss) {
            this.output = output;
            this.loss = loss;
        }
    }

    private static final Activation[] HIDDEN = {Activation.SIGMOID, Activation.TANH, Activation.RELU,
            Activation.IDENTITY};

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

    /** Every hidden activation × head, in FLOAT32 and (where the backend has it) FLOAT64. */
    Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<DType> dtypes = backend.supports(DType.FLOAT64) ? List.of(DType.FLOAT32, DType.FLOAT64)
                : List.of(DType.FLOAT32);
        for (DType dtype : dtypes) {
            for (Activation hidden : HIDDEN) {
                for (Head head : Head.values()) {
                    out.add(Arguments.of(hidden, head, dtype));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} hidden, {1}, {2}")
    @MethodSource("cases")
    void moduleMlpGivesNetworksLossAndGradients(Activation hidden, Head head, DType dtype) {
        long before = backend.stats().liveTensors();
        String who = hidden + " hidden, " + head + ", " + dtype + " [" + backend.name() + "]";
        int layers = WIDTHS.length - 1;
        double[][] w = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = HostData.uniform(SEED + 2 * l, WIDTHS[l] * WIDTHS[l + 1], -0.8, 0.8);
            b[l] = HostData.uniform(SEED + 2 * l + 1, WIDTHS[l + 1], -0.3, 0.3);
        }
        double[] x = HostData.uniform(SEED + 100, N * IN, -1, 1);
        double[] t = targets(head, SEED + 101);

        Gradients want;
        Network net = Network.builder().input(IN).dense(H1, hidden).dense(H2, hidden).dense(OUT, head.output)
                .loss(head.loss).dtype(dtype).seed(1).build(backend);
        try (net; Tensor xt = backend.fromArray(x, N, IN, dtype).detach();
             Tensor tt = backend.fromArray(t, N, OUT, dtype).detach()) {
            for (int l = 0; l < layers; l++) {
                net.setWeights(l, w[l]);
                net.setBiases(l, b[l]);
            }
            want = net.gradients(xt, tt);
        }

        double moduleLoss;
        Map<String, double[]> grads = new LinkedHashMap<>();
        try (Sequential model = module(hidden, head, dtype);
             Tensor xt = backend.fromArray(x, N, IN, dtype).detach();
             Tensor tt = backend.fromArray(t, N, OUT, dtype).detach()) {
            Map<String, HostTensor> state = new LinkedHashMap<>();
            for (int l = 0; l < layers; l++) {
                state.put(2 * l + ".weight", host(transpose(w[l], WIDTHS[l], WIDTHS[l + 1]), dtype,
                        WIDTHS[l + 1], WIDTHS[l]));
                state.put(2 * l + ".bias", host(b[l], dtype, WIDTHS[l + 1]));
            }
            model.loadStateDict(state);
            try (Graph g = Graph.record(backend)) {
                Var out = model.forward(Var.constant(xt));
                Var loss = switch (head.loss) {
                    case CROSS_ENTROPY -> out.crossEntropyWithLogits(tt);
                    case BINARY_CROSS_ENTROPY -> out.binaryCrossEntropyWithLogits(tt);
                    case MSE -> out.mse(tt);
                };
                moduleLoss = loss.value().item();
                loss.backward();
            }
            for (Map.Entry<String, Var> e : model.parameters().entrySet()) {
                Tensor grad = e.getValue().grad();
                grads.put(e.getKey(), grad == null ? null : grad.toDoubleArray());
            }
        }
        assertEquals(before, backend.stats().liveTensors(), () -> who + ": left alive: "
                + backend.liveTensorDescriptions());

        int k = N;
        for (int width : WIDTHS) {
            k += width;
        }
        Tolerance tol = Tolerance.of(dtype, k);
        tol.assertCloseNormwise(who + ": loss, modules vs Network", new double[]{want.loss()}, new double[]{moduleLoss}, 0);
        for (int l = 0; l < layers; l++) {
            double[] dW = grads.get(2 * l + ".weight");
            double[] db = grads.get(2 * l + ".bias");
            if (dW == null || db == null) {
                throw new AssertionError(who + ": layer " + l + " of the module got no gradient");
            }
            tol.assertCloseNormwise(who + ": ∂L/∂W(" + l + "), modules (transposed) vs Network", want.dW(l),
                    transpose(dW, WIDTHS[l + 1], WIDTHS[l]), WIDTHS[l + 1]);
            tol.assertCloseNormwise(who + ": ∂L/∂b(" + l + "), modules vs Network", want.db(l), db, 0);
        }
    }

    /** Linear, g, Linear, g, Linear, then g(L) for MSE only (the cross-entropies take the logits). */
    private Sequential module(Activation hidden, Head head, DType dtype) {
        List<Module> parts = new ArrayList<>();
        for (int l = 0; l < WIDTHS.length - 1; l++) {
            parts.add(new Linear(WIDTHS[l], WIDTHS[l + 1], backend, 7 + l, dtype));
            if (l < WIDTHS.length - 2) {
                parts.add(activation(hidden));
            }
        }
        if (head.loss == Loss.MSE) {
            parts.add(activation(head.output));
        }
        return new Sequential(parts.toArray(new Module[0]));
    }

    private static Module activation(Activation a) {
        return switch (a) {
            case SIGMOID -> new Sigmoid();
            case TANH -> new Tanh();
            case RELU -> new ReLU();
            case IDENTITY -> new Identity();
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not elementwise: it is in the loss");
        };
    }

    /** One-hot rows for cross-entropy, bits for BCE, values in the output activation's range for MSE. */
    private static double[] targets(Head head, long seed) {
        return switch (head) {
            case SOFTMAX_CROSS_ENTROPY -> HostData.oneHot(seed, N, OUT);
            case SIGMOID_BINARY_CROSS_ENTROPY -> HostData.bits(seed, N * OUT);
            case SIGMOID_MSE, RELU_MSE -> HostData.uniform(seed, N * OUT, 0, 1);
            case TANH_MSE, IDENTITY_MSE -> HostData.uniform(seed, N * OUT, -1, 1);
        };
    }

    /** The rows × cols row-major matrix a as cols × rows. */
    private static double[] transpose(double[] a, int rows, int cols) {
        double[] out = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = a[i * cols + j];
            }
        }
        return out;
    }

    /** Host values in the module's dtype (the same rounding Network's setWeights applies for FLOAT32). */
    private static HostTensor host(double[] values, DType dtype, int... shape) {
        if (dtype == DType.FLOAT64) {
            return HostTensor.of(values, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return HostTensor.of(f, shape);
    }
}
