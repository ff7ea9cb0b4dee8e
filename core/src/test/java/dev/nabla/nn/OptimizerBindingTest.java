package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An optimizer belongs to the first network it steps (Optimizer's javadoc): another network's step is refused before
 * anything changes, the first network trains on as if nothing happened, and after close() the optimizer starts
 * afresh (Adam's step count from 0) with the next network.
 */
class OptimizerBindingTest {
    private Backend be;
    private Scope scope;
    private Tensor x;
    private Tensor t;
    private Tensor xSmall;
    private Tensor tSmall;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
        scope = be.scope();
        x = be.fromArray(HostData.uniform(1, 8 * 4, -1, 1), 8, 4, DType.FLOAT32);
        t = be.fromArray(HostData.oneHot(2, 8, 2), 8, 2, DType.FLOAT32);
        xSmall = be.fromArray(HostData.uniform(3, 5 * 4, -1, 1), 5, 4, DType.FLOAT32);
        tSmall = be.fromArray(HostData.oneHot(4, 5, 2), 5, 2, DType.FLOAT32);
    }

    @AfterEach
    void stop() {
        scope.close();
        be.close();
    }

    private Network net(long seed) {
        return Network.builder().input(4).dense(3, Activation.TANH).dense(2, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).seed(seed).build(be);
    }

    private static double[][] params(Network n) {
        return new double[][]{n.weights(0), n.biases(0), n.weights(1), n.biases(1)};
    }

    private static void assertSameParams(double[][] expected, double[][] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], what + ": parameter " + i);
        }
    }

    /** {@code steps} steps on net(seed) with a fresh optimizer, alternating the two batch sizes. */
    private double[][] trainedFresh(Supplier<Optimizer> optimizer, long seed, int steps) {
        try (Network n = net(seed); Optimizer opt = optimizer.get()) {
            for (int i = 0; i < steps; i++) {
                n.trainStep(i % 2 == 0 ? x : xSmall, i % 2 == 0 ? t : tSmall, opt);
            }
            return params(n);
        }
    }

    @Test
    void anotherNetworksStepIsRefusedAndChangesNothing() {
        for (Supplier<Optimizer> kind : java.util.List.<Supplier<Optimizer>>of(() -> Optimizers.sgd(0.3).momentum(0.9),
                () -> Optimizers.adam(0.05))) {
            double[][] expected = trainedFresh(kind, 1, 5);
            try (Network first = net(1); Network second = net(2); Optimizer opt = kind.get()) {
                for (int i = 0; i < 2; i++) {
                    first.trainStep(i % 2 == 0 ? x : xSmall, i % 2 == 0 ? t : tSmall, opt);
                }
                double[][] secondBefore = params(second);
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                        () -> second.trainStep(x, t, opt));
                assertTrue(e.getMessage().contains("this optimizer belongs to the network it first stepped (W0 4×3, "
                        + "b0 1×3, W1 3×2, b1 1×2 FLOAT32 [reference]), not to this one"), e.getMessage());
                assertSameParams(secondBefore, params(second), opt + ": the refused network");
                for (int i = 2; i < 5; i++) {
                    first.trainStep(i % 2 == 0 ? x : xSmall, i % 2 == 0 ? t : tSmall, opt);
                }
                assertSameParams(expected, params(first), opt + ": the first network, bit for bit");
            }
        }
    }

    /**
     * close() forgets the state (velocities, moments, step count) even when the same network steps again: 2 steps,
     * close, 3 steps equals 2 steps with one optimizer and 3 with a fresh one, bit for bit; and SGD, like Adam, is
     * free for another network after close().
     */
    @Test
    void afterCloseAnOptimizerStartsAfreshOnTheSameNetworkToo() {
        for (Supplier<Optimizer> kind : java.util.List.<Supplier<Optimizer>>of(() -> Optimizers.sgd(0.3).momentum(0.9),
                () -> Optimizers.adam(0.05))) {
            double[][] expected;
            try (Network n = net(1); Optimizer before = kind.get(); Optimizer after = kind.get()) {
                n.trainStep(x, t, before);
                n.trainStep(xSmall, tSmall, before);
                for (int i = 0; i < 3; i++) {
                    n.trainStep(x, t, after);
                }
                expected = params(n);
            }
            try (Network n = net(1); Network other = net(2); Optimizer opt = kind.get()) {
                n.trainStep(x, t, opt);
                n.trainStep(xSmall, tSmall, opt);
                opt.close();
                for (int i = 0; i < 3; i++) {
                    n.trainStep(x, t, opt);
                }
                assertSameParams(expected, params(n), opt + ": the same network after close(), bit for bit");
                opt.close();
                other.trainStep(x, t, opt);                 // bound to n no longer
            }
        }
    }

    @Test
    void afterCloseAnOptimizerStartsAfreshWithTheNextNetwork() {
        double[][] expected = trainedFresh(() -> Optimizers.adam(0.05), 2, 3);
        Adam adam = Optimizers.adam(0.05);
        try (Network first = net(1); Network second = net(2)) {
            for (int i = 0; i < 4; i++) {
                first.trainStep(x, t, adam);
            }
            assertEquals(4, adam.steps());
            adam.close();
            assertEquals(0, adam.steps(), "the step count was the first network's");
            for (int i = 0; i < 3; i++) {
                second.trainStep(i % 2 == 0 ? x : xSmall, i % 2 == 0 ? t : tSmall, adam);
            }
            assertEquals(3, adam.steps());
            assertSameParams(expected, params(second), "the second network after close(), bit for bit");
            assertThrows(InvalidArgumentException.class, () -> first.trainStep(x, t, adam),
                    "now bound to the second network");
        } finally {
            adam.close();
        }
    }

    @Test
    void aDirectStepWithoutParametersIsTyped() {
        try (Optimizer sgd = Optimizers.sgd(0.1)) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> sgd.step(null));
            assertEquals("sgd: the parameter list is null", e.getMessage());
        }
    }
}
