package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.parallel.DataParallel;
import dev.nabla.parallel.Shards;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data parallelism is a parity problem: k replicas ({@link DataParallel}) on a global batch give the loss, the
 * gradients and a {@value #STEPS}-step trajectory of one backend on that batch ({@link Network#gradients},
 * {@link Network#trainStep}), under the one {@link Tolerance} rule judged norm-wise (compositions), K the longest
 * reduction of the network. k = 1, 2, 3 over the random networks of {@link RandomNetworkSpec} (batches of 7, 13, 37
 * rows and others: uneven shards), every {@link OptimizerChoice} (SGD with momentum, Adam, weight decay). After every
 * step every replica holds bit for bit replica 0's weights; one replica equals {@code Network.trainStep} bit for bit;
 * and no tensor outlives the test on any backend. A backend module extends this with the backends of its replicas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class DataParallelParityContract {
    public static final int STEPS = 50;
    public static final long SEED = 20261130L;
    /** The largest number of replicas tested. */
    public static final int MAX_REPLICAS = 3;
    /** The widest layer of a trained network. */
    public static final int TRAINED_WIDTH = 24;

    /**
     * The backend of replica {@code index} (0 … {@value #MAX_REPLICAS}−1), a fresh instance the suite closes; k
     * replicas use backends 0 … k−1. Different indices may give different kinds of backend (cpu + opencl).
     */
    protected abstract Backend createReplicaBackend(int index);

    /** The single backend the replicas are compared with (a fresh instance the suite closes). */
    protected abstract Backend createBaseline();

    /**
     * The dtype of the one-replica bit-for-bit check: FLOAT32, unless the backend does not store what it computes in
     * FLOAT32 (the float64 reference keeps FLOAT32 values unrounded, while gradients read back are rounded).
     */
    protected DType bitExactDType() {
        return DType.FLOAT32;
    }

    /** How many random networks' gradients are compared for each k. */
    protected int networks() {
        return 8;
    }

    private final List<Backend> backends = new ArrayList<>();
    private Backend baseline;

    @BeforeAll
    void start() {
        for (int i = 0; i < MAX_REPLICAS; i++) {
            backends.add(createReplicaBackend(i));
        }
        baseline = createBaseline();
    }

    @AfterAll
    void stop() {
        backends.forEach(Backend::close);
        if (baseline != null) {
            baseline.close();
        }
    }

    /**
     * The first {@code count} specs whose batch splits over {@value #MAX_REPLICAS} replicas; trained ones (smooth) also
     * no wider than {@value #TRAINED_WIDTH}, so that {@value #STEPS} steps stay quick on the float64 reference.
     */
    private List<RandomNetworkSpec> specs(long seed, boolean smooth, int count) {
        List<RandomNetworkSpec> out = new ArrayList<>();
        for (int index = 0; out.size() < count; index++) {
            RandomNetworkSpec s = smooth ? RandomNetworkSpec.drawSmooth(seed, index) : RandomNetworkSpec.draw(seed, index);
            boolean small = !smooth || java.util.Arrays.stream(s.widths()).max().orElse(0) <= TRAINED_WIDTH;
            if (s.batch() >= MAX_REPLICAS && small) {
                out.add(s);
            }
        }
        return out;
    }

    Stream<Arguments> gradientCases() {
        return IntStream.rangeClosed(1, MAX_REPLICAS).boxed()
                .flatMap(k -> IntStream.range(0, networks()).mapToObj(n -> Arguments.of(k, n)));
    }

    Stream<Arguments> trajectoryCases() {
        return IntStream.rangeClosed(1, MAX_REPLICAS).boxed()
                .flatMap(k -> Stream.of(OptimizerChoice.values()).map(c -> Arguments.of(k, c)));
    }

    private List<Backend> firstBackends(int k) {
        return backends.subList(0, k);
    }

    private long[] liveTensors() {
        long[] live = new long[backends.size() + 1];
        for (int i = 0; i < backends.size(); i++) {
            live[i] = backends.get(i).stats().liveTensors();
        }
        live[backends.size()] = baseline.stats().liveTensors();
        return live;
    }

    private static String shardSizes(int rows, int k) {
        int[] b = Shards.bounds(rows, k);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < k; i++) {
            sb.append(i == 0 ? "" : "+").append(b[i + 1] - b[i]);
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "k = {0}, network {1}")
    @MethodSource("gradientCases")
    void lossAndGradientsMatchOneBackend(int k, int index) {
        RandomNetworkSpec spec = specs(SEED, false, networks()).get(index);
        long[] before = liveTensors();
        Backend b0 = backends.get(0);
        int in = spec.widths()[0], out = spec.widths()[spec.depth()];
        try (Network net = spec.build(b0, DType.FLOAT32); Network single = net.copyTo(baseline);
             DataParallel dp = DataParallel.of(net, firstBackends(k));
             Scope s0 = b0.scope(); Scope sb = baseline.scope()) {
            Gradients got = dp.gradients(b0.fromArray(spec.inputs(), spec.batch(), in, DType.FLOAT32),
                    b0.fromArray(spec.targets(), spec.batch(), out, DType.FLOAT32));
            Gradients want = single.gradients(baseline.fromArray(spec.inputs(), spec.batch(), in, DType.FLOAT32),
                    baseline.fromArray(spec.targets(), spec.batch(), out, DType.FLOAT32));
            String who = spec + ", " + k + " replicas (shards " + shardSizes(spec.batch(), k) + ") on " + names(k)
                    + " vs " + baseline.name();
            Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
            tol.assertCloseNormwise(who + " loss", new double[]{want.loss()}, new double[]{got.loss()}, 0);
            for (int l = 0; l < spec.depth(); l++) {
                tol.assertCloseNormwise(who + " dW" + l, want.dW(l), got.dW(l), spec.widths()[l + 1]);
                tol.assertCloseNormwise(who + " db" + l, want.db(l), got.db(l), 0);
            }
        }
        assertArrayEquals(before, liveTensors(), "live tensors on " + names(k) + " and the baseline after the test");
    }

    @ParameterizedTest(name = "k = {0}, {1}")
    @MethodSource("trajectoryCases")
    void fiftyStepsMatchOneBackendAndKeepTheReplicasIdentical(int k, OptimizerChoice choice) {
        RandomNetworkSpec spec = specs(SEED + 1, true, OptimizerChoice.values().length)
                .get(choice.ordinal());
        long[] before = liveTensors();
        Backend b0 = backends.get(0);
        int in = spec.widths()[0], out = spec.widths()[spec.depth()];
        try (Network net = spec.build(b0, DType.FLOAT32); Network single = net.copyTo(baseline);
             DataParallel dp = DataParallel.of(net, firstBackends(k));
             Optimizer optDp = choice.create(); Optimizer optSingle = choice.create();
             Scope s0 = b0.scope(); Scope sb = baseline.scope()) {
            Tensor x = b0.fromArray(spec.inputs(), spec.batch(), in, DType.FLOAT32);
            Tensor t = b0.fromArray(spec.targets(), spec.batch(), out, DType.FLOAT32);
            Tensor xb = baseline.fromArray(spec.inputs(), spec.batch(), in, DType.FLOAT32);
            Tensor tb = baseline.fromArray(spec.targets(), spec.batch(), out, DType.FLOAT32);
            double[] lossDp = new double[STEPS];
            double[] lossSingle = new double[STEPS];
            for (int step = 0; step < STEPS; step++) {
                lossDp[step] = dp.trainStep(x, t, optDp);
                lossSingle[step] = single.trainStep(xb, tb, optSingle);
                if (step == 0 || step == STEPS - 1) {
                    assertReplicasIdentical(dp, spec.depth(), "after step " + (step + 1));
                }
            }
            String who = spec + " after " + STEPS + " steps of " + choice + ", " + k + " replicas (shards "
                    + shardSizes(spec.batch(), k) + ") on " + names(k) + " vs " + baseline.name();
            Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
            tol.assertCloseNormwise(who + " loss per step", lossSingle, lossDp, 0);
            for (int l = 0; l < spec.depth(); l++) {
                double[] want = single.weights(l);
                for (double v : want) {
                    assertTrue(Double.isFinite(v), who + ": the single backend's run diverged");
                }
                tol.assertCloseNormwise(who + " W" + l, want, net.weights(l), spec.widths()[l + 1]);
                tol.assertCloseNormwise(who + " b" + l, single.biases(l), net.biases(l), 0);
            }
        }
        assertArrayEquals(before, liveTensors(), "live tensors on " + names(k) + " and the baseline after the test");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneReplicaCases")
    void oneReplicaIsNetworkTrainStepBitForBit(OptimizerChoice choice) {
        RandomNetworkSpec spec = specs(SEED + 2, true, 1).get(0);
        Backend b0 = backends.get(0);
        int in = spec.widths()[0], out = spec.widths()[spec.depth()];
        DType dtype = bitExactDType();
        try (Network net = spec.build(b0, dtype); Network alone = net.copyTo(b0);
             DataParallel dp = DataParallel.of(net, List.of(b0));
             Optimizer optDp = choice.create(); Optimizer optAlone = choice.create(); Scope s0 = b0.scope()) {
            Tensor x = b0.fromArray(spec.inputs(), spec.batch(), in, dtype);
            Tensor t = b0.fromArray(spec.targets(), spec.batch(), out, dtype);
            for (int step = 0; step < 10; step++) {
                double want = alone.trainStep(x, t, optAlone);
                assertEquals(want, dp.trainStep(x, t, optDp), 0.0, spec + " loss at step " + (step + 1) + " [" + b0.name() + "]");
            }
            for (int l = 0; l < spec.depth(); l++) {
                assertArrayEquals(alone.weights(l), net.weights(l), spec + " W" + l + " after 10 steps of " + choice
                        + " in " + dtype + ": one replica must be Network.trainStep bit for bit [" + b0.name() + "]");
                assertArrayEquals(alone.biases(l), net.biases(l), spec + " b" + l + " [" + b0.name() + "]");
            }
        }
    }

    Stream<OptimizerChoice> oneReplicaCases() {
        return Stream.of(OptimizerChoice.SGD_MOMENTUM, OptimizerChoice.ADAM);
    }

    private static void assertReplicasIdentical(DataParallel dp, int depth, String when) {
        Network master = dp.replica(0);
        for (int i = 1; i < dp.replicas(); i++) {
            Network r = dp.replica(i);
            for (int l = 0; l < depth; l++) {
                assertArrayEquals(master.weights(l), r.weights(l), "replica " + i + " [" + r.backend().name()
                        + "] W" + l + " differs from replica 0's " + when);
                assertArrayEquals(master.biases(l), r.biases(l), "replica " + i + " [" + r.backend().name()
                        + "] b" + l + " differs from replica 0's " + when);
            }
        }
    }

    private String names(int k) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < k; i++) {
            sb.append(i == 0 ? "" : ", ").append(backends.get(i).name());
        }
        return sb.append(']').toString();
    }
}
