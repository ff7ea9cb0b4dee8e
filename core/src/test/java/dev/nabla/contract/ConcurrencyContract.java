package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.NetworkBuilder;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.spi.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The thread-safety contract of a backend (docs/reliability.md): independent networks trained from {@value #THREADS}
 * threads at once on ONE backend give exactly, bit for bit, what they give trained one after another on one thread;
 * a dataset tensor read by every thread at once is fine; tensors and scopes made and closed by many threads at once
 * neither interfere nor leak. The backend runs with leak detection on, and must report nothing.
 *
 * <p>A backend module extends this with {@link #createCompute()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class ConcurrencyContract {
    public static final int THREADS = 8;
    /** Rounds of the concurrent run: each starts all threads together again, so interleavings differ. */
    public static final int ROUNDS = 3;
    public static final int STEPS = 40;

    /** A new instance of the backend implementation under test; the contract closes it. */
    protected abstract ComputeBackend createCompute();

    private Backend be;
    private Tensor shared;
    private float[] sharedColumnSums;

    @BeforeAll
    void start() {
        be = Backend.wrap(createCompute(), true);
        shared = be.fromArray(HostData.uniform(99, 48 * 16, -1, 1), 48, 16, DType.FLOAT32).detach();
        try (Tensor sums = shared.sumColumns()) {
            sharedColumnSums = sums.toFloatArray();
        }
    }

    @AfterAll
    void stop() {
        if (shared != null) {
            shared.close();
        }
        if (be != null) {
            be.close();
            assertEquals(List.of(), be.leakReports(), "no thread left a tensor open");
        }
    }

    /** Job i: its own architecture, batch, loss and optimizer; even jobs read the shared dataset tensor. */
    private List<double[]> job(int i) {
        int batch = 48;                                   // the shared dataset's rows
        int inputs = 16;
        int hidden = 5 + 7 * i;
        int outputs = 2 + i % 3;
        Activation[] hiddenActs = {Activation.TANH, Activation.RELU, Activation.SIGMOID, Activation.IDENTITY};
        Loss loss = i % 3 == 0 ? Loss.CROSS_ENTROPY : i % 3 == 1 ? Loss.MSE : Loss.BINARY_CROSS_ENTROPY;
        Activation out = loss == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : loss == Loss.MSE ? Activation.TANH
                : Activation.SIGMOID;
        NetworkBuilder b = Network.builder().input(inputs).dense(hidden, hiddenActs[i % 4]);
        if (i % 2 == 1) {
            b.dense(hidden / 2 + 1, hiddenActs[(i + 1) % 4]);
        }
        List<double[]> results = new ArrayList<>();
        try (Scope s = be.scope();
             Network net = b.dense(outputs, out).loss(loss).seed(1000 + i).build(be);
             Optimizer opt = i % 2 == 0 ? Optimizers.adam(0.01) : Optimizers.sgd(0.2).momentum(0.9).weightDecay(1e-4)) {
            Tensor x = i % 2 == 0 ? shared
                    : be.fromArray(HostData.uniform(200 + i, batch * inputs, -1, 1), batch, inputs, DType.FLOAT32);
            Tensor t = be.fromArray(RandomNetworkSpec.targets(loss, out, 300 + i, batch, outputs), batch, outputs,
                    DType.FLOAT32);
            Tensor xSmall = be.fromArray(HostData.uniform(400 + i, 7 * inputs, -1, 1), 7, inputs, DType.FLOAT32);
            Tensor tSmall = be.fromArray(RandomNetworkSpec.targets(loss, out, 500 + i, 7, outputs), 7, outputs,
                    DType.FLOAT32);
            double[] losses = new double[STEPS];
            for (int step = 0; step < STEPS; step++) {
                boolean last = step % 5 == 4;             // a smaller "last batch" now and then
                losses[step] = last ? net.trainStep(xSmall, tSmall, opt) : net.trainStep(x, t, opt);
                if (step % 10 == 9) {
                    try (Scope inner = be.scope()) {     // temporaries made and closed by this thread
                        results.add(net.forward(x).toDoubleArray());
                        results.add(x.matmulTransA(x).sigmoid().sumColumns().toDoubleArray());
                    }
                }
            }
            results.add(losses);
            Gradients g = net.gradients(x, t);
            results.add(new double[]{g.loss()});
            for (int l = 0; l < net.layers().size(); l++) {
                results.add(net.weights(l));
                results.add(net.biases(l));
                results.add(g.dW(l));
            }
        }
        return results;
    }

    private static void assertSameBits(List<double[]> expected, List<double[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int k = 0; k < expected.size(); k++) {
            double[] e = expected.get(k);
            double[] a = actual.get(k);
            assertEquals(e.length, a.length, what + ", result " + k);
            for (int j = 0; j < e.length; j++) {
                if (Double.doubleToRawLongBits(e[j]) != Double.doubleToRawLongBits(a[j])) {
                    throw new AssertionError(what + ", result " + k + "[" + j + "]: single-threaded " + e[j]
                            + ", concurrent " + a[j]);
                }
            }
        }
    }

    @Test
    void eightThreadsTrainingIndependentNetworksGetTheSingleThreadedBitsExactly() throws Exception {
        long live = be.stats().liveTensors();
        List<List<double[]>> sequential = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            sequential.add(job(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CyclicBarrier go = new CyclicBarrier(THREADS);
                List<Future<List<double[]>>> futures = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    int job = i;
                    futures.add(pool.submit(() -> {
                        go.await();
                        return job(job);
                    }));
                }
                for (int i = 0; i < THREADS; i++) {
                    assertSameBits(sequential.get(i), futures.get(i).get(10, TimeUnit.MINUTES),
                            be.name() + ": network " + i + ", round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(live, be.stats().liveTensors(), "every thread closed what it made");
        System.out.println("[concurrency] " + be.name() + ": " + THREADS + " threads × " + ROUNDS + " rounds × "
                + STEPS + " steps, bitwise equal to the sequential run");
    }

    @Test
    void tensorsAndScopesMadeAndClosedByManyThreadsAtOnceNeitherInterfereNorLeak() throws Exception {
        long live = be.stats().liveTensors();
        long deviceBytes = be.stats().counter("liveDeviceBytes");
        int iterations = 300;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier go = new CyclicBarrier(THREADS);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int id = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    int checked = 0;
                    for (int k = 0; k < iterations; k++) {
                        float v = id * 1000 + k;                    // exact in float32, different per thread
                        Tensor kept;
                        try (Scope outer = be.scope()) {
                            try (Scope inner = be.scope()) {
                                Tensor a = be.full(3, 4, v);
                                Tensor ones = be.full(4, 2, 1.0);
                                kept = inner.keep(a.matmul(ones));  // each element 4v
                                a.add(a).relu();                     // temporaries the inner scope closes
                                assertEquals(4, inner.size(), "a, ones, a + a and its relu");
                            }
                            assertEquals(1, outer.size(), "what the inner scope kept moved to this thread's outer scope");
                            assertArrayEquals(new float[]{4 * v, 4 * v, 4 * v, 4 * v, 4 * v, 4 * v}, kept.toFloatArray());
                            Tensor own = be.fromArray(new float[]{v}, 1, 1).detach();
                            assertEquals(v, own.item());
                            own.close();
                            assertEquals(12.0 * v, be.full(3, 4, v).sum().item());
                            assertArrayEquals(sharedColumnSums, shared.sumColumns().toFloatArray(),
                                    "the shared tensor, read by every thread at once");
                            checked++;
                        }
                        if (!kept.isClosed()) {
                            throw new AssertionError("the outer scope did not close what it owned");
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : futures) {
                assertEquals(iterations, f.get(10, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(live, be.stats().liveTensors(), "no tensor left alive");
        assertEquals(deviceBytes, be.stats().counter("liveDeviceBytes"), "no device memory left in use");
    }
}
