package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.BackendClosedException;
import dev.nabla.BackendMismatchException;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.UnsupportedDTypeException;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to {@link DataParallel} is the caller's error: a typed exception whose message starts with the call and
 * names what is wrong and the backends, thrown before any replica starts, so nothing changes (weights, optimizer
 * state) and nothing stays allocated. Also the shard plan ({@link Shards}).
 */
class DataParallelErrorsTest {
    private final List<Backend> backends = new ArrayList<>();
    private Backend b0;
    private Backend b1;
    private Backend b2;

    @BeforeEach
    void start() {
        b0 = backend();
        b1 = backend();
        b2 = backend();
    }

    @AfterEach
    void stop() {
        for (Backend b : backends) {
            assertEquals(0, b.stats().liveTensors(), "tensors left on a backend: " + b.liveTensorDescriptions());
            b.close();
            assertTrue(b.leakReports().isEmpty(), "leaks: " + b.leakReports());
        }
    }

    private Backend backend() {
        Backend b = Backend.wrap(new ReferenceBackend(), true);
        backends.add(b);
        return b;
    }

    private static Network network(Backend b) {
        return Network.builder().input(4).dense(5, Activation.TANH).dense(3, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).seed(11).build(b);
    }

    private static <T extends Throwable> T assertFails(Class<T> type, String start, String mentions, Executable call) {
        T e = assertThrows(type, call);
        assertEquals(type, e.getClass(), "exact type; got " + e);
        assertTrue(e.getMessage().startsWith(start), "message starts with '" + start + "': " + e.getMessage());
        assertTrue(e.getMessage().contains(mentions), "message mentions '" + mentions + "': " + e.getMessage());
        return e;
    }

    @Test
    void shardsAreContiguousNonEmptyAndDifferByAtMostOne() {
        for (int k = 1; k <= 7; k++) {
            for (int n = k; n <= 40; n++) {
                int[] b = Shards.bounds(n, k);
                assertEquals(k + 1, b.length);
                assertEquals(0, b[0]);
                assertEquals(n, b[k]);
                int min = Integer.MAX_VALUE, max = 0;
                for (int i = 0; i < k; i++) {
                    int size = b[i + 1] - b[i];
                    min = Math.min(min, size);
                    max = Math.max(max, size);
                }
                assertTrue(min >= 1 && max - min <= 1, n + " rows over " + k + ": " + Arrays.toString(b));
            }
        }
        assertArrayEquals(new int[]{0, 5, 9, 13}, Shards.bounds(13, 3), "the first N mod k shards take one row more");
        assertFails(InvalidArgumentException.class, "Shards.bounds:", "2 rows cannot be split into 3",
                () -> Shards.bounds(2, 3));
        assertFails(InvalidArgumentException.class, "Shards.bounds:", "0 non-empty", () -> Shards.bounds(5, 0));
    }

    @Test
    void constructionRefusesBadBackendListsAndNetworks() {
        try (Network net = network(b0)) {
            assertFails(InvalidArgumentException.class, "DataParallel.of:", "the network is null",
                    () -> DataParallel.of(null, List.of(b0)));
            assertFails(InvalidArgumentException.class, "DataParallel.of:", "backend list is null",
                    () -> DataParallel.of(net, null));
            assertFails(InvalidArgumentException.class, "DataParallel.of:", "backend list is empty",
                    () -> DataParallel.of(net, List.of()));
            assertFails(InvalidArgumentException.class, "DataParallel.of:", "backend 1 of 3 is null",
                    () -> DataParallel.of(net, Arrays.asList(b0, null, b2)));
            assertFails(BackendMismatchException.class, "DataParallel.of:", "replica 0 is the network itself",
                    () -> DataParallel.of(net, List.of(b1, b0)));
            Backend closed = backend();
            closed.close();
            assertFails(BackendClosedException.class, "DataParallel.of:", "backend 1 (reference) is closed",
                    () -> DataParallel.of(net, List.of(b0, closed)));
        }
        Network closedNet = network(b0);
        closedNet.close();
        assertFails(NablaException.class, "DataParallel.of:", "the network is closed [reference]",
                () -> DataParallel.of(closedNet, List.of(b0, b1)));
        assertEquals(0, b1.stats().liveTensors(), "no replica made for a refused network");
    }

    @Test
    void mixedDTypesAreRefused() {
        Backend noFloat64 = Backend.wrap(new ReferenceBackend(false), true);
        backends.add(noFloat64);
        try (Network net = Network.builder().input(4).dense(3, Activation.SIGMOID).loss(Loss.MSE)
                .dtype(DType.FLOAT64).seed(3).build(b0)) {
            assertFails(UnsupportedDTypeException.class, "DataParallel.of:", "backend 1 (reference) cannot hold FLOAT64",
                    () -> DataParallel.of(net, List.of(b0, noFloat64)));
            assertEquals(0, noFloat64.stats().liveTensors(), "nothing allocated on the refused backend");
        }
        try (Network net = network(b0); DataParallel dp = DataParallel.of(net, List.of(b0, b1));
             Optimizer sgd = Optimizers.sgd(0.1);
             Tensor x64 = b0.fromArray(HostData.uniform(1, 6 * 4, -1, 1), 6, 4, DType.FLOAT64);
             Tensor x = b0.fromArray(HostData.uniform(1, 6 * 4, -1, 1), 6, 4, DType.FLOAT32);
             Tensor t64 = b0.fromArray(HostData.oneHot(2, 6, 3), 6, 3, DType.FLOAT64);
             Tensor t = b0.fromArray(HostData.oneHot(2, 6, 3), 6, 3, DType.FLOAT32)) {
            double[] w = net.weights(0);
            assertFails(DTypeMismatchException.class, "DataParallel.trainStep:", "input 6×4 is FLOAT64 but the network is "
                    + "FLOAT32", () -> dp.trainStep(x64, t, sgd));
            assertFails(DTypeMismatchException.class, "DataParallel.trainStep:", "targets 6×3 is FLOAT64",
                    () -> dp.trainStep(x, t64, sgd));
            assertArrayEquals(w, net.weights(0), "a refused step changes nothing");
            assertArrayEquals(w, dp.replica(1).weights(0), "a refused step changes nothing on replica 1");
        }
    }

    @Test
    void badBatchesAreRefusedBeforeAnyReplicaStarts() {
        try (Network net = network(b0); DataParallel dp = DataParallel.of(net, List.of(b0, b1, b2));
             Optimizer adam = Optimizers.adam(0.01);
             Tensor x2 = b0.fromArray(HostData.uniform(1, 2 * 4, -1, 1), 2, 4, DType.FLOAT32);
             Tensor t2 = b0.fromArray(HostData.oneHot(2, 2, 3), 2, 3, DType.FLOAT32);
             Tensor x = b0.fromArray(HostData.uniform(3, 7 * 4, -1, 1), 7, 4, DType.FLOAT32);
             Tensor t = b0.fromArray(HostData.oneHot(4, 7, 3), 7, 3, DType.FLOAT32);
             Tensor tOn1 = b1.fromArray(HostData.oneHot(4, 7, 3), 7, 3, DType.FLOAT32);
             Tensor wide = b0.fromArray(HostData.uniform(5, 7 * 5, -1, 1), 7, 5, DType.FLOAT32);
             Tensor t6 = b0.fromArray(HostData.oneHot(4, 6, 3), 6, 3, DType.FLOAT32)) {
            double[] w = net.weights(1);
            String all = "[reference, reference, reference]";
            assertFails(ShapeMismatchException.class, "DataParallel.trainStep:",
                    "a batch of 2 rows cannot be split over 3 replicas", () -> dp.trainStep(x2, t2, adam));
            assertFails(ShapeMismatchException.class, "DataParallel.gradients:", all, () -> dp.gradients(x2, t2));
            assertFails(BackendMismatchException.class, "DataParallel.trainStep:", "the targets on reference",
                    () -> dp.trainStep(x, tOn1, adam));
            assertFails(ShapeMismatchException.class, "DataParallel.trainStep:", "input 7×5 does not fit the "
                    + "network's 4 inputs", () -> dp.trainStep(wide, t, adam));
            assertFails(ShapeMismatchException.class, "DataParallel.trainStep:", "targets 6×3 do not match the output "
                    + "7×3", () -> dp.trainStep(x, t6, adam));
            assertFails(InvalidArgumentException.class, "DataParallel.trainStep:", "the input is null",
                    () -> dp.trainStep(null, t, adam));
            assertFails(InvalidArgumentException.class, "DataParallel.trainStep:", "the optimizer is null",
                    () -> dp.trainStep(x, t, null));
            Tensor closed = b0.fromArray(HostData.uniform(1, 7 * 4, -1, 1), 7, 4, DType.FLOAT32);
            closed.close();
            assertFails(TensorClosedException.class, "DataParallel.trainStep:", "the input 7×4 is closed",
                    () -> dp.trainStep(closed, t, adam));
            assertEquals(0, adam instanceof dev.nabla.nn.Adam a ? a.steps() : -1, "no refused step reached the optimizer");
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(w, dp.replica(i).weights(1), "a refused step changes nothing on replica " + i);
            }
            assertFails(InvalidArgumentException.class, "DataParallel.replica:", "replica 3 does not exist",
                    () -> dp.replica(3));
        }
    }

    @Test
    void anOptimizerOfAnotherNetworkIsTheCallersErrorAndChangesNothing() {
        try (Network net = network(b0); Network other = network(b0); DataParallel dp = DataParallel.of(net, List.of(b0, b1));
             Optimizer sgd = Optimizers.sgd(0.1).momentum(0.9);
             Tensor x = b0.fromArray(HostData.uniform(3, 5 * 4, -1, 1), 5, 4, DType.FLOAT32);
             Tensor t = b0.fromArray(HostData.oneHot(4, 5, 3), 5, 3, DType.FLOAT32)) {
            other.trainStep(x, t, sgd);                         // binds sgd to the other network
            double[] w = net.weights(0);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> dp.trainStep(x, t, sgd));
            assertTrue(e.getMessage().contains("belongs to the network it first stepped"), e.getMessage());
            assertArrayEquals(w, net.weights(0));
            assertArrayEquals(w, dp.replica(1).weights(0));
        }
    }

    @Test
    void closedThingsAreNamed() {
        Tensor x = b0.fromArray(HostData.uniform(3, 5 * 4, -1, 1), 5, 4, DType.FLOAT32);
        Tensor t = b0.fromArray(HostData.oneHot(4, 5, 3), 5, 3, DType.FLOAT32);
        try (Optimizer sgd = Optimizers.sgd(0.1)) {
            Network net = network(b0);
            DataParallel dp = DataParallel.of(net, List.of(b0, b1));
            net.close();
            assertFails(NablaException.class, "DataParallel.trainStep:", "the network is closed [reference]",
                    () -> dp.trainStep(x, t, sgd));
            dp.close();
            dp.close();                                         // idempotent
            assertTrue(dp.isClosed());
            assertFails(NablaException.class, "DataParallel.trainStep:", "this DataParallel is closed",
                    () -> dp.trainStep(x, t, sgd));
            assertEquals(0, b1.stats().liveTensors(), "close() closed the copy on backend 1");
        } finally {
            x.close();
            t.close();
        }
    }

    @Test
    void theNetworkStaysTheCallersAndTheBatchMayLiveOnAnyBackend() {
        Backend elsewhere = backend();
        // FLOAT64: the reference stores FLOAT32 values unrounded, so only FLOAT64 is bit for bit whichever way it moves
        try (Network net = Network.builder().input(4).dense(5, Activation.TANH).dense(3, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).dtype(DType.FLOAT64).seed(11).build(b0); Network twin = net.copyTo(b0); Optimizer a = Optimizers.adam(0.01);
             Optimizer b = Optimizers.adam(0.01);
             Tensor x = b0.fromArray(HostData.uniform(3, 9 * 4, -1, 1), 9, 4, DType.FLOAT64);
             Tensor t = b0.fromArray(HostData.oneHot(4, 9, 3), 9, 3, DType.FLOAT64);
             Tensor xe = elsewhere.fromArray(HostData.uniform(3, 9 * 4, -1, 1), 9, 4, DType.FLOAT64);
             Tensor te = elsewhere.fromArray(HostData.oneHot(4, 9, 3), 9, 3, DType.FLOAT64)) {
            try (DataParallel dp = DataParallel.of(net, List.of(b0, b1, b0));
                 DataParallel dpTwin = DataParallel.of(twin, List.of(b0, b1, b0))) {
                assertSame(net, dp.replica(0));
                assertEquals(List.of(b0, b1, b0), dp.backends());
                for (int step = 0; step < 3; step++) {
                    assertEquals(dp.trainStep(x, t, a), dpTwin.trainStep(xe, te, b), 0.0,
                            "a batch on a backend outside the replicas gives the same step, bit for bit");
                }
            }
            assertTrue(!net.isClosed(), "DataParallel.close() leaves the caller's network open");
            assertArrayEquals(twin.weights(0), net.weights(0));
            assertEquals(0, b1.stats().liveTensors(), "the copies are closed");
        }
    }

    @Test
    void syncReplicasSendsReplicaZerosWeightsToEveryReplica() {
        try (Network net = network(b0); DataParallel dp = DataParallel.of(net, List.of(b0, b1, b2));
             Optimizer sgd = Optimizers.sgd(0.5);
             Tensor x = b0.fromArray(HostData.uniform(3, 2 * 4, -1, 1), 2, 4, DType.FLOAT32);
             Tensor t = b0.fromArray(HostData.oneHot(4, 2, 3), 2, 3, DType.FLOAT32)) {
            double[] before = dp.replica(1).weights(0);
            net.trainStep(x, t, sgd);                           // 2 rows, fewer than 3 replicas: replica 0 alone
            assertTrue(!Arrays.equals(before, net.weights(0)), "the step moved replica 0");
            assertArrayEquals(before, dp.replica(2).weights(0), "the others do not know yet");
            dp.syncReplicas();
            for (int i = 1; i < 3; i++) {
                assertArrayEquals(net.weights(0), dp.replica(i).weights(0), "replica " + i + " after syncReplicas");
                assertArrayEquals(net.biases(1), dp.replica(i).biases(1), "replica " + i + " after syncReplicas");
            }
        }
    }
}
