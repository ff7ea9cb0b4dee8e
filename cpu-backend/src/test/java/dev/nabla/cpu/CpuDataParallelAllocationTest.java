package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.parallel.DataParallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data-parallel step allocates no host array that grows with the network or the batch: the gradients, their float64
 * sums, the weights sent to the replicas and the shard copied to the second backend all go through host arrays made
 * once and reused (docs/parallel.md). Measured as the heap bytes every thread of the JVM allocates
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}: the caller's thread, the replicas' threads and
 * the cpu backends' own threads) over 20 steps of a 784-256-10 network on 2 cpu backends, batch 64, after 20 steps of
 * warm-up. The backends run the SCALAR path: the Vector API allocates its vector objects until C2 has compiled the
 * kernels' loops (hundreds of steps), which would measure the JIT, not DataParallel.
 *
 * <p>The bound ({@link #bound}): fewer than |θ| bytes per step, |θ| = 203,530 parameters. A float32 copy of the
 * parameters is 4·|θ| bytes, a float64 one 8·|θ|, so one parameter-sized host array made per step fails it; so do two
 * shard-sized ones (32 rows × 784 inputs · 4 = 100,352 bytes each: the copy of replica 1's shard through the host
 * takes a read and a write). Measured on the 2-core machine: 18.9 MB per step before the host arrays were reused
 * (float64 sums and gradient copies, weight copies, float32 staging), about 40 KB after (small objects: views,
 * futures, lambdas, and the cpu backend's own, then about 16 KB per step with one backend; a warmed-up VECTOR step of
 * one backend now allocates 2–3 KB, docs/performance.md).
 */
class CpuDataParallelAllocationTest {
    private static final int BATCH = 64;
    private static final int WARMUP = 20;
    private static final int STEPS = 20;

    private final List<Backend> backends = new ArrayList<>();
    private Network net;
    private DataParallel dp;
    private Optimizer sgd;
    private Tensor x;
    private Tensor t;

    @BeforeEach
    void setUp() {
        for (int i = 0; i < 2; i++) {
            backends.add(Backend.wrap(new CpuBackend(CpuPath.SCALAR, 1)));
        }
        Backend b0 = backends.get(0);
        net = Network.builder().input(784).dense(256, Activation.RELU).dense(10, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).seed(7).build(b0);
        dp = DataParallel.of(net, backends);
        sgd = Optimizers.sgd(0.01).momentum(0.9);
        x = b0.rand(BATCH, 784, 1L).detach();
        float[] oneHot = new float[BATCH * 10];
        for (int i = 0; i < BATCH; i++) {
            oneHot[i * 10 + i % 10] = 1f;
        }
        t = b0.fromArray(oneHot, BATCH, 10).detach();
    }

    @AfterEach
    void tearDown() {
        x.close();
        t.close();
        sgd.close();
        dp.close();
        net.close();
        backends.forEach(Backend::close);
    }

    /** |θ|: every weight and bias of the network. */
    private long parameters() {
        long n = 0;
        for (Dense d : net.layers()) {
            n += (long) d.inputs() * d.outputs() + d.outputs();
        }
        return n;
    }

    /** |θ| bytes: a quarter of the smallest parameter-sized host array (float32, 4·|θ|); see the class comment. */
    private long bound() {
        return parameters();
    }

    @Test
    void aStepAllocatesFarLessThanTheParameters() {
        ThreadBytes threads = ThreadBytes.counter();
        double sink = 0;
        for (int s = 0; s < WARMUP; s++) {
            sink += dp.trainStep(x, t, sgd);
        }
        threads.start();
        for (int s = 0; s < STEPS; s++) {
            sink += dp.trainStep(x, t, sgd);
        }
        long bytes = threads.sinceStart();
        long perStep = bytes / STEPS;
        System.out.println("DataParallel 784-256-10 on 2 cpu backends, batch " + BATCH + ": " + perStep
                + " bytes allocated per step (all threads; |θ| = " + parameters() + ", |θ|·8 = " + 8 * parameters()
                + ", bound " + bound() + ")");
        assertTrue(Double.isFinite(sink), "the losses are finite");
        assertTrue(perStep < bound(), "a step allocated " + perStep + " bytes on the heap, more than the bound "
                + bound() + " (|θ| = " + parameters() + "): some host array of the parameters' or a shard's size is "
                + "made per step again");
    }
}
