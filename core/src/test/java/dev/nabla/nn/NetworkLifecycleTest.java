package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.Scope;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.data.DataLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network's life around its training steps: the per-batch-size workspaces it caches (two at most, the evicted one
 * freed), the loss accumulator of {@code trainStep(x, t, optimizer, lossSum)}, and what a closed network refuses.
 */
class NetworkLifecycleTest {
    private Backend be;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    @AfterEach
    void stop() {
        be.close();
    }

    private Network net() {
        return Network.builder().input(4).dense(5, Activation.TANH).dense(3, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).seed(3).build(be);
    }

    /** Three batch sizes in turn evict a workspace on every step: each evicted one is freed, so nothing grows. */
    @Test
    void evictedWorkspacesAreFreed() {
        long before = be.stats().liveTensors();
        try (Scope s = be.scope(); Network net = net(); Optimizer sgd = Optimizers.sgd(0.1)) {
            int[] batches = {2, 3, 5};
            Tensor[] xs = new Tensor[3], ts = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                xs[i] = be.fromArray(HostData.uniform(i, batches[i] * 4, -1, 1), batches[i], 4, DType.FLOAT32);
                ts[i] = be.fromArray(HostData.oneHot(i + 10, batches[i], 3), batches[i], 3, DType.FLOAT32);
            }
            long[] live = new long[4];
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 3; i++) {
                    net.trainStepWithoutLoss(xs[i], ts[i], sgd);
                }
                live[round] = be.stats().liveTensors();
            }
            assertEquals(live[1], live[3], "live tensors after rounds 2 and 4 of three batch sizes");
        }
        assertEquals(before, be.stats().liveTensors(), "everything freed at close");
    }

    /** lossSum += N·L per step: two steps with it equal N₁·L₁ + N₂·L₂ of a twin network's returned losses. */
    @Test
    void theLossAccumulatorAddsTheBatchSizeTimesTheMeanLoss() {
        try (Scope s = be.scope(); Network net = net(); Network twin = net();
             Optimizer opt = Optimizers.sgd(0.2).momentum(0.5); Optimizer twinOpt = Optimizers.sgd(0.2).momentum(0.5)) {
            Tensor x1 = be.fromArray(HostData.uniform(1, 6 * 4, -1, 1), 6, 4, DType.FLOAT32);
            Tensor t1 = be.fromArray(HostData.oneHot(2, 6, 3), 6, 3, DType.FLOAT32);
            Tensor x2 = be.fromArray(HostData.uniform(3, 3 * 4, -1, 1), 3, 4, DType.FLOAT32);
            Tensor t2 = be.fromArray(HostData.oneHot(4, 3, 3), 3, 3, DType.FLOAT32);
            Tensor lossSum = be.zeros(1, 1, DType.FLOAT32);
            net.trainStep(x1, t1, opt, lossSum);
            net.trainStep(x2, t2, opt, lossSum);
            double l1 = twin.trainStep(x1, t1, twinOpt), l2 = twin.trainStep(x2, t2, twinOpt);
            assertEquals(6 * l1 + 3 * l2, lossSum.item(), 1e-5 * (6 * l1 + 3 * l2));
            assertEquals(java.util.Arrays.toString(twin.weights(0)), java.util.Arrays.toString(net.weights(0)),
                    "the accumulator changes nothing else");

            assertThrows(InvalidArgumentException.class, () -> net.trainStep(x1, t1, opt, null));
            assertThrows(ShapeMismatchException.class, () -> net.trainStep(x1, t1, opt, be.zeros(1, 2, DType.FLOAT32)));
            assertThrows(ShapeMismatchException.class, () -> net.trainStep(x1, t1, opt, be.zeros(2, 1, DType.FLOAT32)));
            assertThrows(ShapeMismatchException.class, () -> net.trainStep(x1, t1, opt, be.zeros(1, 1, DType.FLOAT64)));
        }
    }

    @Test
    void aClosedNetworkSaysSoForEvaluate() {
        Network net = net();
        assertFalse(net.isClosed());
        net.close();
        assertTrue(net.isClosed());
        try (Scope s = be.scope();
             DataLoader loader = DataLoader.of(be.fromArray(HostData.uniform(1, 8, -1, 1), 2, 4, DType.FLOAT32),
                     be.fromArray(new int[]{0, 2}, 2, 1), 2)) {
            NablaException e = assertThrows(NablaException.class, () -> net.evaluate(loader));
            assertEquals(NablaException.class, e.getClass());
            assertTrue(e.getMessage().startsWith("evaluate: the network is closed"), e.getMessage());
        }
    }

    /** Network.load rebuilds the dtype recorded in the file: a FLOAT64 network comes back FLOAT64, every bit. */
    @Test
    void aFloat64NetworkLoadsBackAsFloat64(@TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("f64.safetensors");
        try (Network saved = Network.builder().input(3).dense(2, Activation.TANH).loss(Loss.MSE).seed(8)
                .dtype(DType.FLOAT64).build(be)) {
            saved.setBiases(0, new double[]{0.1, -0.3});
            dev.nabla.io.Safetensors.save(saved, file);
            try (Network loaded = Network.load(file, be)) {
                assertEquals(DType.FLOAT64, loaded.dtype());
                assertArrayEquals(saved.weights(0), loaded.weights(0));
                assertArrayEquals(saved.biases(0), loaded.biases(0));
            }
        }
    }
}
