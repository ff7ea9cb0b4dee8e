package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.nn.PrecisionStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DataParallel over FLOAT16 networks: replica 0's loss scaler decides for the global batch. Targets 1000 away make
 * δ(L)·S overflow FLOAT16 at the first scales, so early steps must be skipped on every replica (no NaN reaches a
 * weight), the scale halved until it fits, and every replica must then scale by replica 0's S and hold its weights.
 * Before the fix, replica 0 applied the ∞ gradients (NaN weights) and the replicas kept S = 65536 forever.
 */
class DataParallelFloat16Test {
    @Test
    void replicaZerosScalerSkipsOverflowsAndTheReplicasFollowItsScale() {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            backends.add(Backend.wrap(new ReferenceBackend(), true));
        }
        Backend b0 = backends.get(0);
        int n = 9;
        double[] xs = new double[n * 2];
        double[] ts = new double[n];
        for (int r = 0; r < n; r++) {
            xs[2 * r] = (r - 4) / 4.0;
            xs[2 * r + 1] = (r % 3) / 3.0;
            ts[r] = 1000 + r;
        }
        try (Network net = Network.builder().input(2).dense(4, Activation.TANH).dense(1, Activation.IDENTITY)
                .loss(Loss.MSE).seed(5).precision(DType.FLOAT16).build(b0);
             Optimizer adam = Optimizers.adam(0.05);
             Tensor x = b0.fromArray(xs, n, 2, DType.FLOAT32);
             Tensor t = b0.fromArray(ts, n, 1, DType.FLOAT32)) {
            DataParallel dp = DataParallel.of(net, backends);
            try {
                double first = dp.trainStep(x, t, adam);
                PrecisionStats st = net.precisionStats();
                assertEquals(1, st.skippedSteps(), "the first step overflows: skipped");
                assertEquals(32768, st.lossScale(), "and S halved");
                double last = first;
                for (int s = 1; s < 30; s++) {
                    last = dp.trainStep(x, t, adam);
                }
                st = net.precisionStats();
                assertEquals(30, st.steps());
                assertTrue(st.skippedSteps() > 1 && st.skippedSteps() < 30, "skipped until S fit: " + st);
                assertTrue(Double.isFinite(last) && last < first, "trained: loss " + first + " → " + last);
                for (int l = 0; l < 2; l++) {
                    for (double w : net.weights(l)) {
                        assertTrue(Double.isFinite(w), "W" + l + " finite");
                    }
                }
                for (int r = 1; r < 3; r++) {
                    Network replica = dp.replica(r);
                    assertEquals(st.lossScale(), replica.precisionStats().lossScale(), "replica " + r + "'s S");
                    for (int l = 0; l < 2; l++) {
                        assertArrayEquals(net.weights(l), replica.weights(l), "replica " + r + " W" + l);
                    }
                }
            } finally {
                dp.close();
            }
        }
    }
}
