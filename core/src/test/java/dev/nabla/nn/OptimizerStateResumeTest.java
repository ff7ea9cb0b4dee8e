package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.io.HostTensor;
import dev.nabla.io.Safetensors;
import dev.nabla.io.WeightsMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Network#optimizerState} and {@link Network#loadOptimizerState}: N steps, then weights and optimizer state
 * saved (through a safetensors file), restored into a fresh network and a fresh optimizer, then M more steps, equal
 * N + M uninterrupted steps bit for bit, for SGD (plain, momentum, weight decay) and Adam (with weight decay); a state
 * that does not fit is refused with a typed error before anything changes.
 *
 * <p>The resume runs are FLOAT64: the reference backend stores FLOAT32 tensors unrounded in float64 and rounds only
 * when they are read, so a FLOAT32 network's state there is more than its readable values (two reference networks with
 * the same read-back weights step differently). On a real backend FLOAT32 storage is the state: nabla-spark's
 * CheckpointResumeTest resumes a FLOAT32 fit on the cpu backend bit for bit.
 */
class OptimizerStateResumeTest {
    private static final int N = 4;
    private static final int M = 5;

    /** A different seed for the resumed network: its weights must come from the checkpoint, not from the seed. */
    private static Network network(Backend b, DType dtype, long seed) {
        return Network.builder().input(3).dense(5, Activation.TANH).dense(2, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).dtype(dtype).seed(seed).build(b);
    }

    /** Batch {@code i} of a fixed sequence (different rows each step, as a shuffled epoch would give). */
    private static Tensor[] batch(Backend b, DType dtype, int i) {
        return new Tensor[]{b.fromArray(HostData.uniform(100 + i, 6 * 3, -1, 1), 6, 3, dtype),
                b.fromArray(HostData.oneHot(200 + i, 6, 2), 6, 2, dtype)};
    }

    private static void train(Network net, Optimizer opt, DType dtype, int from, int to) {
        for (int i = from; i < to; i++) {
            Tensor[] xt = batch(net.backend(), dtype, i);
            try {
                net.trainStep(xt[0], xt[1], opt);
            } finally {
                xt[0].close();
                xt[1].close();
            }
        }
    }

    private void assertResumesBitForBit(Supplier<Optimizer> optimizer, DType dtype, Path dir) throws Exception {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true)) {
            double[][] straight = new double[4][];
            try (Network net = network(b, dtype, 7); Optimizer opt = optimizer.get()) {
                train(net, opt, dtype, 0, N + M);
                for (int l = 0; l < 2; l++) {
                    straight[2 * l] = net.weights(l);
                    straight[2 * l + 1] = net.biases(l);
                }
            }
            Path weights = dir.resolve("weights.safetensors");
            Path state = dir.resolve("optimizer.safetensors");
            try (Network net = network(b, dtype, 7); Optimizer opt = optimizer.get()) {
                train(net, opt, dtype, 0, N);
                Safetensors.save(net, weights);
                Safetensors.write(state, net.optimizerState(opt), null);
            }
            try (Network net = network(b, dtype, 99); Optimizer opt = optimizer.get()) {
                Safetensors.load(net, weights);
                net.loadOptimizerState(opt, Safetensors.read(state));
                if (opt instanceof Adam adam) {
                    assertEquals(N, adam.steps(), "Adam's step count restored");
                }
                train(net, opt, dtype, N, N + M);
                for (int l = 0; l < 2; l++) {
                    assertArrayEquals(straight[2 * l], net.weights(l), "W" + l + " after resuming, " + opt);
                    assertArrayEquals(straight[2 * l + 1], net.biases(l), "b" + l + " after resuming, " + opt);
                }
            }
            assertEquals(0, b.stats().liveTensors(), "nothing left allocated");
        }
    }

    @Test
    void sgdResumesBitForBit(@TempDir Path dir) throws Exception {
        assertResumesBitForBit(() -> Optimizers.sgd(0.3), DType.FLOAT64, dir);
    }

    @Test
    void sgdWithMomentumAndWeightDecayResumesBitForBit(@TempDir Path dir) throws Exception {
        assertResumesBitForBit(() -> Optimizers.sgd(0.3).momentum(0.9).weightDecay(1e-2), DType.FLOAT64, dir);
        assertResumesBitForBit(() -> Optimizers.sgd(0.3).momentum(0.5), DType.FLOAT64, dir);
    }

    @Test
    void adamResumesBitForBit(@TempDir Path dir) throws Exception {
        assertResumesBitForBit(() -> Optimizers.adam(0.05), DType.FLOAT64, dir);
        assertResumesBitForBit(() -> Optimizers.adam(0.05).betas(0.8, 0.99).epsilon(1e-6).weightDecay(1e-3),
                DType.FLOAT64, dir);
    }

    /** Without the optimizer's state the resumed run differs: the tests above would catch a hook that loaded nothing. */
    @Test
    void resumingWithoutTheStateDiffers() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true)) {
            try (Network a = network(b, DType.FLOAT64, 7); Optimizer adamA = Optimizers.adam(0.05);
                 Network c = network(b, DType.FLOAT64, 7); Optimizer first = Optimizers.adam(0.05);
                 Optimizer fresh = Optimizers.adam(0.05)) {
                train(a, adamA, DType.FLOAT64, 0, N + M);
                train(c, first, DType.FLOAT64, 0, N);
                first.close();                                 // releases c: fresh may step it
                train(c, fresh, DType.FLOAT64, N, N + M);
                assertNotEquals(a.weights(0)[0], c.weights(0)[0]);
            }
        }
    }

    @Test
    void theStateHasTheDocumentedEntries() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true); Network net = network(b, DType.FLOAT32, 7);
             Adam adam = Optimizers.adam(0.05); Sgd sgd = Optimizers.sgd(0.1).momentum(0.9)) {
            assertEquals(List.of("param_groups.lr", "param_groups.beta1", "param_groups.beta2", "param_groups.eps",
                    "param_groups.weight_decay"), List.copyOf(net.optimizerState(adam).keySet()), "before a step");
            train(net, adam, DType.FLOAT32, 0, 3);
            Map<String, HostTensor> s = net.optimizerState(adam);
            assertEquals(5 + 4 * 3, s.size(), "settings, then step, exp_avg, exp_avg_sq of W0, b0, W1, b1");
            assertEquals(3.0, s.get("state.W1.step").doubles()[0]);
            assertEquals(DType.FLOAT32, s.get("state.W0.exp_avg").dtype());
            assertArrayEquals(new int[]{3, 5}, s.get("state.W0.exp_avg_sq").shape());
            assertArrayEquals(new int[]{1, 2}, s.get("state.b1.exp_avg").shape());
            try (Network other = network(b, DType.FLOAT32, 7)) {
                train(other, sgd, DType.FLOAT32, 0, 1);
                assertEquals(List.of("param_groups.lr", "param_groups.momentum", "param_groups.weight_decay",
                        "state.W0.momentum_buffer", "state.b0.momentum_buffer", "state.W1.momentum_buffer",
                        "state.b1.momentum_buffer"), List.copyOf(other.optimizerState(sgd).keySet()));
            }
        }
    }

    @Test
    void aStateThatDoesNotFitIsRefusedBeforeAnythingChanges() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true); Network net = network(b, DType.FLOAT32, 7);
             Adam adam = Optimizers.adam(0.05); Sgd sgd = Optimizers.sgd(0.05).momentum(0.9)) {
            train(net, adam, DType.FLOAT32, 0, 2);
            Map<String, HostTensor> adamState = net.optimizerState(adam);
            Map<String, HostTensor> before = net.optimizerState(adam);

            // wrong kind
            String kind = assertThrows(WeightsMismatchException.class, () -> net.loadOptimizerState(sgd, adamState))
                    .getMessage();
            assertTrue(kind.startsWith("loadOptimizerState: the state is adam's (it has param_groups.beta1), not sgd's"),
                    kind);

            // another learning rate
            try (Adam other = Optimizers.adam(0.01)) {
                String lr = assertThrows(WeightsMismatchException.class, () -> net.loadOptimizerState(other, adamState))
                        .getMessage();
                assertTrue(lr.contains("param_groups.lr is 0.05 but this optimizer's is 0.01"), lr);
            }

            // wrong shape, a missing and an extra parameter
            Map<String, HostTensor> bad = new LinkedHashMap<>(adamState);
            bad.put("state.W0.exp_avg", HostTensor.of(new float[15], 5, 3));
            bad.remove("state.b1.exp_avg_sq");
            bad.put("state.W9.exp_avg", HostTensor.of(new float[2], 1, 2));
            String msg = assertThrows(WeightsMismatchException.class, () -> net.loadOptimizerState(adam, bad))
                    .getMessage();
            assertTrue(msg.startsWith("loadOptimizerState: the state does not fit adam(lr=0.05"), msg);
            assertTrue(msg.contains("state.W0.exp_avg is FLOAT32 [5, 3] but parameter W0 is FLOAT32 3×5"), msg);
            assertTrue(msg.contains("state.b1.exp_avg_sq is missing"), msg);
            assertTrue(msg.contains("unexpected entries [state.W9.exp_avg]"), msg);
            assertTrue(msg.endsWith("[reference]"), msg);

            // wrong dtype
            Map<String, HostTensor> wide = new LinkedHashMap<>(adamState);
            wide.put("state.W1.exp_avg", HostTensor.of(new double[10], 5, 2));
            assertTrue(assertThrows(WeightsMismatchException.class, () -> net.loadOptimizerState(adam, wide))
                    .getMessage().contains("state.W1.exp_avg is FLOAT64 [5, 2] but parameter W1 is FLOAT32 5×2"));

            // the state of a network of another shape
            try (Network wider = Network.builder().input(3).dense(6, Activation.TANH).dense(2, Activation.SOFTMAX)
                    .loss(Loss.CROSS_ENTROPY).seed(1).build(b); Adam fresh = Optimizers.adam(0.05)) {
                String shape = assertThrows(WeightsMismatchException.class,
                        () -> wider.loadOptimizerState(fresh, adamState)).getMessage();
                assertTrue(shape.contains("state.W0.exp_avg is FLOAT32 [3, 5] but parameter W0 is FLOAT32 3×6"),
                        shape);
                // a refused load binds nothing: the fresh optimizer still steps any network
                train(wider, fresh, DType.FLOAT32, 0, 1);
            }

            // an optimizer of another network
            try (Network other = network(b, DType.FLOAT32, 7)) {
                assertTrue(assertThrows(InvalidArgumentException.class,
                        () -> other.loadOptimizerState(adam, adamState)).getMessage()
                        .startsWith("adam: this optimizer belongs to the network it first stepped"));
                assertThrows(InvalidArgumentException.class, () -> other.optimizerState(adam));
            }
            assertThrows(InvalidArgumentException.class, () -> net.loadOptimizerState(adam, null));
            assertTrue(assertThrows(InvalidArgumentException.class, () -> net.optimizerState(null)).getMessage()
                    .startsWith("optimizerState: the optimizer is null"));

            // nothing changed: the same state, and the next step is the one it would have been
            Map<String, HostTensor> after = net.optimizerState(adam);
            assertEquals(before, after);
            assertEquals(2, adam.steps());
        }
    }

    /** A state exported before the first step loads as a fresh start; loading resets an optimizer that has stepped. */
    @Test
    void anEmptyStateResetsTheOptimizer() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true); Network net = network(b, DType.FLOAT32, 7);
             Adam adam = Optimizers.adam(0.05); Adam fresh = Optimizers.adam(0.05)) {
            Map<String, HostTensor> empty = net.optimizerState(fresh);
            train(net, adam, DType.FLOAT32, 0, 2);
            net.loadOptimizerState(adam, empty);
            assertEquals(0, adam.steps());
            assertEquals(empty, net.optimizerState(adam));
        }
    }
}
