package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * No vector of σ is boxed in a wide sigmoid network's training step: 784-1024-1024-10, σ everywhere, MSE, plain SGD,
 * batch 64, on the VECTOR path, every thread's heap bytes counted. On JDK 17 this step used to box every vector of
 * bias + σ in most JVMs (C2 left the σ loop's final store as a call), about 800 KB a step at this batch (3–4 MB at
 * 256); σ's two loops on JDK 17 ended it. The bound is issue 15's target, {@value #BOUND} bytes a step: the step
 * allocated about 6 KB until the optimizer's broadcasts stopped boxing and the ops' argument checks stopped building
 * varargs arrays (about 2.9 KB since, docs/performance.md). Windows of steps as in {@link CpuStepAllocationTest}:
 * C1 code boxes until C2 has compiled the loops. Its own class, so its own JVM in the `allocation` execution.
 */
class CpuWideSigmoidStepAllocationTest {
    private static final int BATCH = 64;
    private static final int WINDOW = 100;
    private static final long BOUND = 4096;
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    @Test
    @Timeout(120)
    void aWideSigmoidStepStaysUnderFourKilobytes() {
        try (Backend be = Backend.wrap(new CpuBackend(CpuPath.VECTOR, 2))) {
            Network net = Network.builder().input(784).dense(1024, Activation.SIGMOID).dense(1024, Activation.SIGMOID)
                    .dense(10, Activation.SIGMOID).loss(Loss.MSE).seed(7).build(be);
            Optimizer sgd = Optimizers.sgd(0.01);
            Tensor x = be.rand(BATCH, 784, 1L).detach();
            float[] oneHot = new float[BATCH * 10];
            for (int i = 0; i < BATCH; i++) {
                oneHot[i * 10 + i % 10] = 1f;
            }
            Tensor t = be.fromArray(oneHot, BATCH, 10).detach();
            List<Long> windows = ThreadBytes.counter().stepWindows(() -> net.trainStepWithoutLoss(x, t, sgd),
                    be::synchronize, WINDOW, BOUND, LIMIT_NANOS);
            long perStep = windows.get(windows.size() - 1);
            if (perStep < BOUND) {
                System.out.println("784-1024-1024-10 sigmoid-MSE b" + BATCH + " on cpu VECTOR: " + perStep
                        + " bytes per step in window " + windows.size() + " (windows: " + windows + ")");
                assertTrue(Double.isFinite(net.trainStep(x, t, sgd)), "the loss is finite");
                return;
            }
            fail("a 784-1024-1024-10 sigmoid-MSE training step at batch " + BATCH + " on cpu VECTOR allocated at least "
                    + BOUND + " heap bytes per step in every window of " + WINDOW + " steps for "
                    + TimeUnit.NANOSECONDS.toSeconds(LIMIT_NANOS) + " s (issue 15's target; boxed vectors?); "
                    + "bytes per step by window: " + windows);
        }
    }
}
