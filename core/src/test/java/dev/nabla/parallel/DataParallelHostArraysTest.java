package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A DataParallel reuses the host arrays of its steps (docs/parallel.md): nothing of one step leaks into the next.
 * One DataParallel kept over steps of changing batch sizes (so changing shard sizes) against a fresh DataParallel
 * for every step over the same network and optimizer (fresh arrays each time): the same losses and weights, bit for
 * bit; and {@link DataParallel#gradients} gives a copy that later steps do not overwrite.
 */
class DataParallelHostArraysTest {
    private static final int[] BATCHES = {11, 7, 11, 3, 12, 11};

    private static Network network(Backend b) {
        return Network.builder().input(5).dense(6, Activation.TANH).dense(3, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).seed(3).build(b);
    }

    /** Losses of the steps, then every replica's weights and biases, flattened. */
    private static List<double[]> run(boolean fresh) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            backends.add(Backend.wrap(new ReferenceBackend(), true));
        }
        Backend b0 = backends.get(0);
        List<double[]> out = new ArrayList<>();
        try (Network net = network(b0); Optimizer adam = Optimizers.adam(0.02)) {
            DataParallel dp = DataParallel.of(net, backends);
            double[] losses = new double[BATCHES.length];
            for (int s = 0; s < BATCHES.length; s++) {
                int n = BATCHES[s];
                if (fresh && s > 0) {
                    dp.close();
                    dp = DataParallel.of(net, backends);   // copies replica 0's weights: the replicas agree
                }
                try (Tensor x = b0.fromArray(HostData.uniform(s, n * 5, -1, 1), n, 5, DType.FLOAT32);
                     Tensor t = b0.fromArray(HostData.oneHot(50 + s, n, 3), n, 3, DType.FLOAT32)) {
                    losses[s] = dp.trainStep(x, t, adam);
                }
            }
            out.add(losses);
            for (int r = 0; r < 3; r++) {
                for (int l = 0; l < 2; l++) {
                    out.add(dp.replica(r).weights(l));
                    out.add(dp.replica(r).biases(l));
                }
            }
            dp.close();
        } finally {
            backends.forEach(Backend::close);
        }
        return out;
    }

    @Test
    void reusedArraysGiveWhatFreshOnesGive() {
        List<double[]> fresh = run(true);
        List<double[]> reused = run(false);
        assertArrayEquals(fresh.get(0), reused.get(0), 0.0, "the losses of batches of 11, 7, 11, 3, 12, 11 rows");
        for (int p = 1; p < fresh.size(); p++) {
            assertArrayEquals(fresh.get(p), reused.get(p), 0.0, "replica " + (p - 1) / 4 + ", parameter "
                    + (p - 1) % 4 + " after the steps");
        }
    }

    @Test
    void gradientsAreACopyThatLaterStepsLeaveAlone() {
        List<Backend> backends = List.of(Backend.wrap(new ReferenceBackend(), true),
                Backend.wrap(new ReferenceBackend(), true));
        Backend b0 = backends.get(0);
        try (Network net = network(b0); Optimizer sgd = Optimizers.sgd(0.5);
             DataParallel dp = DataParallel.of(net, backends);
             Tensor x = b0.fromArray(HostData.uniform(1, 9 * 5, -1, 1), 9, 5, DType.FLOAT32);
             Tensor t = b0.fromArray(HostData.oneHot(2, 9, 3), 9, 3, DType.FLOAT32)) {
            Gradients g = dp.gradients(x, t);
            double[] dW0 = g.dW(0);
            double loss = g.loss();
            dp.trainStep(x, t, sgd);
            Gradients later = dp.gradients(x, t);
            assertArrayEquals(dW0, g.dW(0), 0.0, "the first gradients after a step and another gradients call");
            assertEquals(loss, g.loss(), 0.0);
            assertEquals(dW0.length, later.dW(0).length);
        } finally {
            backends.forEach(Backend::close);
        }
    }
}
