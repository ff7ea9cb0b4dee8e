package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.BackendMismatchException;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.NablaException;
import dev.nabla.Scope;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The network builder, the training calls and the optimizers reject bad input with typed, specific errors. */
class NetworkErrorsTest {
    private Backend be;
    private Scope scope;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
        scope = be.scope();
    }

    @AfterEach
    void stop() {
        scope.close();
        be.close();
    }

    private static <T extends Throwable> void assertMessage(Class<T> type, Executable call, String... parts) {
        T e = assertThrows(type, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    private Network mlp() {
        return Network.builder().input(4).dense(3, Activation.RELU).dense(2, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).build(be);
    }

    @Test
    void theBuilderValidatesTheWholeDescription() {
        assertMessage(InvalidArgumentException.class,
                () -> Network.builder().dense(2, Activation.RELU).loss(Loss.MSE).build(be), "input(n) must be set");
        assertMessage(InvalidArgumentException.class,
                () -> Network.builder().input(2).loss(Loss.MSE).build(be), "at least one dense layer");
        assertMessage(InvalidArgumentException.class,
                () -> Network.builder().input(2).dense(0, Activation.RELU).loss(Loss.MSE).build(be),
                "layer 0 must have at least 1 unit, got 0");
        assertMessage(InvalidArgumentException.class, () -> Network.builder().input(2).dense(3, Activation.SOFTMAX)
                .dense(2, Activation.SIGMOID).loss(Loss.MSE).build(be), "SOFTMAX is only supported on the output layer");
        assertMessage(InvalidArgumentException.class,
                () -> Network.builder().input(2).dense(2, Activation.SIGMOID).loss(Loss.CROSS_ENTROPY).build(be),
                "CROSS_ENTROPY needs a SOFTMAX output layer, got SIGMOID");
        assertMessage(InvalidArgumentException.class,
                () -> Network.builder().input(2).dense(2, Activation.RELU).loss(Loss.BINARY_CROSS_ENTROPY).build(be),
                "BINARY_CROSS_ENTROPY needs a SIGMOID output layer, got RELU");
        assertMessage(InvalidArgumentException.class,
                () -> Network.builder().input(2).dense(2, Activation.SOFTMAX).loss(Loss.MSE).build(be), "MSE after SOFTMAX");
        assertMessage(InvalidArgumentException.class,
                () -> Network.builder().input(2).dense(2, Activation.RELU).build(be), "loss(...) must be set");
    }

    @Test
    void batchesThatDoNotFitAreRejected() {
        try (Network net = mlp(); Optimizer sgd = Optimizers.sgd(0.1)) {
            Tensor x = be.zeros(8, 4);
            assertMessage(ShapeMismatchException.class, () -> net.trainStep(be.zeros(8, 5), be.zeros(8, 2), sgd),
                    "trainStep: input 8×5 does not fit the network's 4 inputs (need N×4) [reference]");
            assertMessage(ShapeMismatchException.class, () -> net.trainStep(x, be.zeros(8, 3), sgd),
                    "trainStep: targets 8×3 do not match the output 8×2 of input 8×4",
                    "(CROSS_ENTROPY targets are one-hot rows)");
            assertMessage(ShapeMismatchException.class, () -> net.gradients(x, be.zeros(7, 2)), "targets 7×2");
            assertMessage(DTypeMismatchException.class, () -> net.forward(be.zeros(8, 4, DType.FLOAT64)),
                    "forward: input 8×4 is FLOAT64 but the network is FLOAT32");
            try (Backend other = Backend.wrap(new ReferenceBackend())) {
                assertMessage(BackendMismatchException.class, () -> net.forward(other.zeros(8, 4)),
                        "lives on reference but the network lives on reference");
            }
            Tensor closed = be.zeros(8, 4);
            closed.close();
            assertMessage(TensorClosedException.class, () -> net.forward(closed), "input 8×4 is closed");
            assertMessage(InvalidArgumentException.class, () -> net.trainStep(x, be.zeros(8, 2), null), "optimizer is null");
            // and after all that, it still trains
            assertTrue(Double.isFinite(net.trainStep(x, be.zeros(8, 2), sgd)));
        }
    }

    @Test
    void parametersAreAddressedByValidIndexAndLength() {
        try (Network net = mlp()) {
            assertMessage(InvalidArgumentException.class, () -> net.weights(2), "layer 2 does not exist; the network has layers 0..1");
            assertMessage(InvalidArgumentException.class, () -> net.setWeights(0, new double[5]),
                    "the parameter is 4×3 and needs 12 values, got 5");
            assertMessage(InvalidArgumentException.class, () -> net.setBiases(1, new float[3]), "needs 2 values, got 3");
            net.setWeights(0, new float[12]);
            assertEquals(12, net.weights(0).length);
            net.close();
            assertMessage(NablaException.class, () -> net.weights(0), "the network is closed");
        }
    }

    @Test
    void hyperParametersMustBeFiniteAndInRange() {
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.sgd(Double.NaN),
                "sgd: learning rate must be finite and > 0, got NaN");
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.sgd(-0.1), "got -0.1");
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.sgd(Double.POSITIVE_INFINITY), "Infinity");
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.sgd(0.1).momentum(1.0),
                "sgd: momentum must be in [0, 1), got 1.0");
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.sgd(0.1).weightDecay(-1e-4),
                "sgd: weight decay must be finite and ≥ 0");
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.adam(0), "adam: learning rate");
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.adam(1e-3).betas(0.9, 1.5), "beta2");
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.adam(1e-3).epsilon(0), "epsilon");
        assertMessage(InvalidHyperParameterException.class, () -> Optimizers.adam(1e-3).weightDecay(Double.NaN),
                "weight decay");
    }

    @Test
    void gradientCheckNeedsFloat64() {
        try (Network net = mlp()) {
            assertMessage(InvalidArgumentException.class, () -> GradientCheck.run(net, be.zeros(2, 4), be.zeros(2, 2)),
                    "needs a FLOAT64 network");
        }
    }
}
