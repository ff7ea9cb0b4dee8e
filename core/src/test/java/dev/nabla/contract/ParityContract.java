package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Cross-backend parity: the same random networks with the same weights give the same loss and the same dW, db on
 * the backend under test and on a baseline backend, under the one {@link Tolerance} rule with K the longest
 * reduction of the network; and 50 training steps from the same weights, under every {@link OptimizerChoice}, keep
 * the weights together. A mismatch names the network, the layer, the worst element, both values and the margin.
 * The networks have random biases, square layers, odd batches above 6 and softmax logits in the hundreds
 * ({@link RandomNetworkSpec}).
 *
 * <p>The 200 gradient networks draw from every activation and loss. The trained networks have continuous
 * derivatives only ({@link RandomNetworkSpec#drawSmooth}): through a ReLU kink, rounding alone may send two correct
 * backends down different paths (see there for the measured case).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class ParityContract {

    /** The backend under test (a fresh instance the suite closes). */
    protected abstract Backend createBackend();

    /** What it is compared with (a fresh instance the suite closes), usually the cpu backend. */
    protected abstract Backend createBaseline();

    /** Number of random networks whose gradients are compared. */
    protected int networks() {
        return 200;
    }

    /**
     * Number of networks trained side by side for {@link #STEPS} steps; they cycle through the
     * {@link OptimizerChoice}s, three networks each.
     */
    protected int trainedNetworks() {
        return 3 * OptimizerChoice.values().length;
    }

    public static final int STEPS = 50;
    /** Seed of the network draws; the same for every backend pair. */
    public static final long SEED = 20261122L;

    private Backend backend;
    private Backend baseline;
    /** Per quantity, the largest fraction of the tolerance and the largest |difference| (printed at the end). */
    private final Map<String, Double> worstMargin = new ConcurrentHashMap<>();
    private final Map<String, Double> worstAbs = new ConcurrentHashMap<>();

    private void record(String quantity, Tolerance.Match m) {
        worstMargin.merge(quantity, m.usedMargin(), Math::max);
        worstAbs.merge(quantity, m.maxAbsDiff(), Math::max);
    }

    @BeforeAll
    void start() {
        backend = createBackend();
        baseline = createBaseline();
    }

    @AfterAll
    void stop() {
        if (!worstMargin.isEmpty()) {
            StringBuilder sb = new StringBuilder("parity " + (backend == null ? "?" : backend.name()) + " vs "
                    + (baseline == null ? "?" : baseline.name()) + ": largest |difference| and fraction of the tolerance used");
            new TreeMap<>(worstMargin).forEach((q, v) -> sb.append(String.format("%n  %-22s |diff| %.3g  tolerance used %.4f",
                    q, worstAbs.get(q), v)));
            System.out.println(sb);
        }
        if (backend != null) {
            backend.close();
        }
        if (baseline != null) {
            baseline.close();
        }
    }

    IntStream networkIndices() {
        return IntStream.range(0, networks());
    }

    IntStream trainedIndices() {
        return IntStream.range(0, trainedNetworks());
    }

    private static Gradients gradients(RandomNetworkSpec spec, Network net, Backend on) {
        try (Scope s = on.scope()) {
            return net.gradients(on.fromArray(spec.inputs(), spec.batch(), spec.widths()[0], DType.FLOAT32),
                    on.fromArray(spec.targets(), spec.batch(), spec.widths()[spec.depth()], DType.FLOAT32));
        }
    }

    @ParameterizedTest(name = "network {0}")
    @MethodSource("networkIndices")
    void lossAndGradientsMatchTheBaseline(int index) {
        RandomNetworkSpec spec = RandomNetworkSpec.draw(SEED, index);
        try (Network here = spec.build(backend, DType.FLOAT32); Network there = here.copyTo(baseline)) {
            Gradients got = gradients(spec, here, backend);
            Gradients want = gradients(spec, there, baseline);
            String who = spec + " [" + backend.name() + " vs " + baseline.name() + "]";
            Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
            record("loss", tol.assertCloseNormwise(who + " loss", new double[]{want.loss()}, new double[]{got.loss()}, 0));
            for (int l = 0; l < spec.depth(); l++) {
                record("dW", tol.assertCloseNormwise(who + " dW" + l, want.dW(l), got.dW(l), spec.widths()[l + 1]));
                record("db", tol.assertCloseNormwise(who + " db" + l, want.db(l), got.db(l), 0));
            }
        }
    }

    @ParameterizedTest(name = "network {0}")
    @MethodSource("trainedIndices")
    void fiftyStepsOfEveryOptimizerKeepTheWeightsTogether(int index) {
        RandomNetworkSpec spec = RandomNetworkSpec.drawSmooth(SEED + 1, index);
        OptimizerChoice choice = OptimizerChoice.forNetwork(index);
        try (Network here = spec.build(backend, DType.FLOAT32); Network there = here.copyTo(baseline);
             Optimizer optHere = choice.create(); Optimizer optThere = choice.create();
             Scope s1 = backend.scope(); Scope s2 = baseline.scope()) {
            int in = spec.widths()[0], out = spec.widths()[spec.depth()];
            var xh = backend.fromArray(spec.inputs(), spec.batch(), in, DType.FLOAT32);
            var th = backend.fromArray(spec.targets(), spec.batch(), out, DType.FLOAT32);
            var xb = baseline.fromArray(spec.inputs(), spec.batch(), in, DType.FLOAT32);
            var tb = baseline.fromArray(spec.targets(), spec.batch(), out, DType.FLOAT32);
            for (int step = 0; step < STEPS; step++) {
                here.trainStepWithoutLoss(xh, th, optHere);
                there.trainStepWithoutLoss(xb, tb, optThere);
            }
            String who = spec + " after " + STEPS + " steps of " + choice + " [" + backend.name() + " vs "
                    + baseline.name() + "]";
            Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
            for (int l = 0; l < spec.depth(); l++) {
                assertFiniteBaseline(who + " W" + l, there.weights(l));
                record("W " + choice.name(), tol.assertCloseNormwise(who + " W" + l, there.weights(l), here.weights(l),
                        spec.widths()[l + 1]));
                record("b " + choice.name(), tol.assertCloseNormwise(who + " b" + l, there.biases(l), here.biases(l), 0));
            }
        }
    }

    /**
     * gemm with α and β ≠ 0, 1 on both backends from the same float32 operands. No network path uses β (their
     * products overwrite), so this is where a gemm that drops or misapplies β meets a second backend. Each side is
     * within u·(c + λ·√K)·Σ|terms| of the exact value, so they are judged within twice that of each other.
     */
    @Test
    void gemmWithAlphaAndBetaMatchesTheBaseline() {
        int[][] shapes = {{1, 1, 1}, {7, 13, 37}, {37, 7, 13}, {64, 65, 129}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int aRows = ta ? k : m, aCols = ta ? m : k;
                int bRows = tb ? n : k, bCols = tb ? k : n;
                double alpha = t % 2 == 0 ? 0.5 : -1.25, beta = t < 2 ? 1.5 : -0.75;
                double[] a = HostData.uniform(SEED + 11L * m + t, aRows * aCols, -1, 1);
                double[] b = HostData.uniform(SEED + 13L * n + t, bRows * bCols, -1, 1);
                double[] c = HostData.uniform(SEED + 17L * k + t, m * n, -2, 2);
                double[] twiceAbsTerms = new double[m * n];          // 2·(|α|·Σ_p |a_ip·b_pj| + |β|·|c_ij|)
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        CompensatedSum absDot = new CompensatedSum();
                        for (int p = 0; p < k; p++) {
                            absDot.add(Math.abs((ta ? a[p * m + i] : a[i * k + p])
                                    * (tb ? b[j * k + p] : b[p * n + j])));
                        }
                        twiceAbsTerms[i * n + j] = 2 * (Math.abs(alpha) * absDot.value()
                                + Math.abs(beta) * Math.abs(c[i * n + j]));
                    }
                }
                double[] here = gemmOn(backend, ta, tb, alpha, a, aRows, aCols, b, bRows, bCols, beta, c, m, n);
                double[] there = gemmOn(baseline, ta, tb, alpha, a, aRows, aCols, b, bRows, bCols, beta, c, m, n);
                Tolerance.of(DType.FLOAT32, k + 1).assertReduction("gemm " + (ta ? "Aᵀ" : "A") + "·"
                        + (tb ? "Bᵀ" : "B") + " m=" + m + " n=" + n + " k=" + k + " α=" + alpha + " β=" + beta + " [" + backend.name()
                        + " vs " + baseline.name() + "]", there, here, twiceAbsTerms, n);
            }
        }
    }

    private static double[] gemmOn(Backend on, boolean ta, boolean tb, double alpha, double[] a, int aRows, int aCols,
                                   double[] b, int bRows, int bCols, double beta, double[] c, int m, int n) {
        try (Scope s = on.scope()) {
            Tensor ct = on.fromArray(c, m, n, DType.FLOAT32);
            on.ops().gemm(ta, tb, alpha, on.fromArray(a, aRows, aCols, DType.FLOAT32),
                    on.fromArray(b, bRows, bCols, DType.FLOAT32), beta, ct);
            return ct.toDoubleArray();
        }
    }

    /** A run that diverged on the baseline compares nothing: its weights must stay finite. */
    private static void assertFiniteBaseline(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new AssertionError(what + ": the baseline's element " + i + " is " + values[i]
                        + ": the run diverged, choose a smaller rate");
            }
        }
    }
}
