package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.DeviceException;
import dev.nabla.DeviceOutOfMemoryException;
import dev.nabla.InvalidDeviceException;
import dev.nabla.ReplicaFailedException;
import dev.nabla.Tensor;
import dev.nabla.contract.FaultyBackend;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A device fault on replica j at every device operation and every allocation that a data-parallel step makes there
 * (a {@link FaultyBackend} under each of 3 replicas): the step fails with a {@link ReplicaFailedException} naming the
 * call, the replica, its backend and the stage, whose cause is the device's own error; and
 * <ul>
 *   <li>in the {@link ReplicaFailedException.Stage#GRADIENTS GRADIENTS} stage nothing changed: every replica still
 *       holds the weights of before the step, and retrying the step, then one more, gives the fault-free run's losses
 *       and weights bit for bit (so the optimizer's state, Adam's moments and step count, did not move);</li>
 *   <li>in the {@link ReplicaFailedException.Stage#BROADCAST BROADCAST} stage the step was taken: the next step
 *       re-sends the weights and gives the fault-free run's next loss and weights bit for bit;</li>
 *   <li>in the {@link ReplicaFailedException.Stage#UPDATE UPDATE} stage (replica 0 only) the next step leaves every
 *       replica with replica 0's weights again.</li>
 * </ul>
 * After every case, no tensor is left on any backend and the leak detector reports nothing.
 */
class DataParallelFaultTest {
    private static final int K = 3;
    private static final int ROWS = 11;

    /** Three replicas on fault-injecting reference backends, a network, Adam, one batch on replica 0's backend. */
    private static final class Rig implements AutoCloseable {
        final FaultyBackend[] faulty = new FaultyBackend[K];
        final List<Backend> backends = new ArrayList<>();
        final Network net;
        final DataParallel dp;
        final Optimizer adam = Optimizers.adam(0.02);
        final Tensor x;
        final Tensor t;

        Rig() {
            for (int i = 0; i < K; i++) {
                faulty[i] = new FaultyBackend(new ReferenceBackend());
                backends.add(Backend.wrap(faulty[i], true));
            }
            Backend b0 = backends.get(0);
            net = Network.builder().input(5).dense(6, Activation.TANH).dense(3, Activation.SOFTMAX)
                    .loss(Loss.CROSS_ENTROPY).seed(3).build(b0);
            dp = DataParallel.of(net, backends);
            x = b0.fromArray(HostData.uniform(1, ROWS * 5, -1, 1), ROWS, 5, DType.FLOAT32).detach();
            t = b0.fromArray(HostData.oneHot(2, ROWS, 3), ROWS, 3, DType.FLOAT32).detach();
        }

        double step() {
            return dp.trainStep(x, t, adam);
        }

        List<double[]> weights(int replica) {
            Network r = dp.replica(replica);
            return List.of(r.weights(0), r.biases(0), r.weights(1), r.biases(1));
        }

        @Override
        public void close() {
            adam.close();
            dp.close();
            net.close();
            x.close();
            t.close();
            for (Backend b : backends) {
                assertEquals(0, b.stats().liveTensors(), "tensors left: " + b.liveTensorDescriptions());
                b.close();
                assertTrue(b.leakReports().isEmpty(), "leaks: " + b.leakReports());
            }
        }
    }

    /** The fault-free run: losses of steps A, B, C, the weights after A and after C. */
    private record Clean(double[] losses, List<double[]> afterA, List<double[]> afterC, long[] ops, long[] allocations) {
    }

    private static Clean clean() {
        try (Rig r = new Rig()) {
            double a = r.step();
            List<double[]> afterA = r.weights(0);
            long[] ops = new long[K];
            long[] allocations = new long[K];
            for (FaultyBackend f : r.faulty) {
                f.reset();
            }
            double b = r.step();
            for (int i = 0; i < K; i++) {
                ops[i] = r.faulty[i].operations();
                allocations[i] = r.faulty[i].allocations();
            }
            double c = r.step();
            return new Clean(new double[]{a, b, c}, afterA, r.weights(0), ops, allocations);
        }
    }

    private static void assertSameWeights(List<double[]> want, List<double[]> got, String what) {
        for (int p = 0; p < want.size(); p++) {
            assertArrayEquals(want.get(p), got.get(p), what + ", parameter " + p);
        }
    }

    @Test
    void aDeviceFaultAtEveryOperationOfEveryReplica() {
        Clean clean = clean();
        sweep(clean, false);
    }

    @Test
    void outOfDeviceMemoryAtEveryAllocationOfEveryReplica() {
        Clean clean = clean();
        sweep(clean, true);
    }

    private static void sweep(Clean clean, boolean allocations) {
        Map<ReplicaFailedException.Stage, Integer> seen = new EnumMap<>(ReplicaFailedException.Stage.class);
        int cases = 0;
        for (int j = 0; j < K; j++) {
            long count = allocations ? clean.allocations()[j] : clean.ops()[j];
            for (long n = 0; n < count; n++) {
                String where = (allocations ? "allocation " : "operation ") + n + " of replica " + j;
                try (Rig r = new Rig()) {
                    assertEquals(clean.losses()[0], r.step(), 0.0, where + ": step A");
                    DeviceException[] injected = new DeviceException[1];
                    long at = n;
                    if (allocations) {
                        r.faulty[j].failAllocation(n, () -> injected[0] =
                                new DeviceOutOfMemoryException("injected: allocation " + at));
                    } else {
                        r.faulty[j].failOperation(n, () -> injected[0] =
                                new InvalidDeviceException("injected: operation " + at));
                    }
                    ReplicaFailedException e = null;
                    try {
                        r.step();
                        fail(where + ": the step did not fail");
                    } catch (ReplicaFailedException caught) {
                        e = caught;
                    }
                    check(e, injected[0], j, where);
                    seen.merge(e.stage(), 1, Integer::sum);
                    cases++;
                    switch (e.stage()) {
                        case GRADIENTS -> {
                            for (int i = 0; i < K; i++) {
                                assertSameWeights(clean.afterA(), r.weights(i), where + ": " + e.stage()
                                        + " failure changed replica " + i);
                            }
                            assertEquals(clean.losses()[1], r.step(), 0.0, where + ": the retried step B");
                            assertEquals(clean.losses()[2], r.step(), 0.0, where + ": step C");
                            for (int i = 0; i < K; i++) {
                                assertSameWeights(clean.afterC(), r.weights(i), where + ": after the retry and step "
                                        + "C, replica " + i + " (the optimizer state must not have moved)");
                            }
                        }
                        case BROADCAST -> {
                            assertEquals(clean.losses()[2], r.step(), 0.0, where + ": step C after a " + e.stage()
                                    + " failure (the step was taken; its weights are re-sent first)");
                            for (int i = 0; i < K; i++) {
                                assertSameWeights(clean.afterC(), r.weights(i), where + ": replica " + i
                                        + " after step C");
                            }
                        }
                        case UPDATE -> {
                            assertEquals(0, j, where + ": only replica 0 updates");
                            assertTrue(Double.isFinite(r.step()), where + ": step C");
                            for (int i = 1; i < K; i++) {
                                assertSameWeights(r.weights(0), r.weights(i), where + ": replica " + i
                                        + " after step C holds replica 0's weights again");
                            }
                        }
                    }
                }
            }
        }
        assertTrue(seen.containsKey(ReplicaFailedException.Stage.GRADIENTS), "stages reached: " + seen);
        if (!allocations) {
            assertTrue(seen.keySet().containsAll(List.of(ReplicaFailedException.Stage.values())),
                    "every stage reached by some operation fault: " + seen);
        }
        // a step allocates on the device only for the shards copied to replicas 1, 2 and the views staged on replica
        // 0 (11 allocations); the update and the broadcast write into the tensors they change, allocating nothing
        assertTrue(cases > (allocations ? 10 : 20), cases + " cases");
        System.out.println("DataParallel " + (allocations ? "allocation" : "operation") + " faults: " + cases
                + " cases, by stage " + seen);
    }

    private static void check(ReplicaFailedException e, DeviceException injected, int j, String where) {
        assertEquals("DataParallel.trainStep", e.call(), where);
        assertEquals("reference", e.backendName(), where);
        if (j > 0) {
            assertEquals(j, e.replica(), where + ": the failed replica is named: " + e.getMessage());
        }
        Throwable cause = rootDeviceError(e);
        if (injected instanceof DeviceOutOfMemoryException) {     // re-thrown naming the op, the injected text kept
            assertEquals(DeviceOutOfMemoryException.class, cause.getClass(), where + ": " + e);
            assertTrue(cause.getMessage().contains(injected.getMessage()), where + ": " + cause.getMessage());
        } else {
            assertSame(injected, cause, where + ": the device's own error is the cause: " + e);
        }
        assertTrue(e.getMessage().startsWith("DataParallel.trainStep: replica " + e.replica() + " of 3 [reference] "
                + "failed"), where + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("injected"), where + ": the cause's message is quoted: " + e.getMessage());
    }

    private static Throwable rootDeviceError(Throwable e) {
        Throwable c = e.getCause();
        while (c != null && !(c instanceof DeviceException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
