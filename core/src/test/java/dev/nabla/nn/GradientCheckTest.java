package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GradientCheck must find a wrong gradient, say where, and report the numbers it compared. The network elsewhere
 * always passes it, so here it meets a gradient that disagrees with its central difference on purpose: a ReLU unit
 * sitting exactly on its kink (z = 0), where backprop takes the derivative 0 and the central difference sees the
 * average of the two slopes.
 *
 * <p>The network: x = 0 → z₀ = W₀·0 + b₀ = 0, a₀ = relu(z₀), f = W₁·a₀ + b₁ (identity), MSE with t = 3, so
 * L = ½(f − 3)² = 4.5. At b₀ backprop gives 0 and the central difference (½(ε − 3)² − 4.5)/2ε = −1.5 + ε/4, a
 * relative error of exactly 1. W₀ (its input is 0) and W₁ (its input a₀ is 0) have gradient 0 both ways; b₁ has
 * f − t = −3 both ways.
 */
class GradientCheckTest {
    private static final double EPS = GradientCheck.DEFAULT_EPSILON;
    private Backend be;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    @AfterEach
    void stop() {
        be.close();
    }

    private Network kinkNetwork() {
        Network net = Network.builder().input(1).dense(1, Activation.RELU).dense(1, Activation.IDENTITY)
                .loss(Loss.MSE).dtype(DType.FLOAT64).build(be);
        net.setWeights(0, new double[]{0.5});
        net.setWeights(1, new double[]{1.0});
        return net;                                 // biases start at 0: z₀ = 0 exactly
    }

    @Test
    void aWrongGradientIsFoundNamedAndMeasured() {
        try (Network net = kinkNetwork(); Scope s = be.scope()) {
            Tensor x = be.fromArray(new double[]{0}, 1, 1, DType.FLOAT64);
            Tensor t = be.fromArray(new double[]{3}, 1, 1, DType.FLOAT64);
            assertEquals(4.5, net.loss(x, t), 0, "L = ½(0 − 3)²");
            // the central difference at b₀, computed here from the network's own loss, as GradientCheck must
            net.setBiases(0, new double[]{EPS});
            double plus = net.loss(x, t);
            net.setBiases(0, new double[]{-EPS});
            double minus = net.loss(x, t);
            net.setBiases(0, new double[]{0});
            double numeric = (plus - minus) / (2 * EPS);
            assertEquals(-1.5, numeric, 1e-6, "the central difference at the kink: the mean of the slopes 0 and −3");

            GradientCheck.Result r = GradientCheck.run(net, x, t);
            assertEquals("b0[0]", r.worstParameter());
            assertEquals(0.0, r.analytic(), 0, "backprop's relu'(0) is 0");
            assertEquals(numeric, r.numeric(), 0);
            assertEquals(1.0, r.maxRelativeError(), 0, "|0 − n| / max(0, |n|, 1e-3·4.5) = 1");
            assertEquals(4, r.parametersChecked(), "W0, b0, W1, b1");
            AssertionError e = assertThrows(AssertionError.class, () -> r.assertBelow(0.5));
            assertTrue(e.getMessage().contains("b0[0]") && e.getMessage().contains("4 parameters"), e.getMessage());
            r.assertBelow(1.0);                         // the bound is inclusive
            // every parameter is restored
            assertArrayEquals(new double[]{0.5}, net.weights(0));
            assertArrayEquals(new double[]{0.0}, net.biases(0));
            assertArrayEquals(new double[]{1.0}, net.weights(1));
            assertArrayEquals(new double[]{0.0}, net.biases(1));

            // a floor of 1 judges every parameter by its absolute error in units of max(1, |L|) = 4.5
            GradientCheck.Result floored = GradientCheck.run(net, x, t, EPS, 1.0);
            assertEquals("b0[0]", floored.worstParameter());
            assertEquals(Math.abs(numeric) / 4.5, floored.maxRelativeError(), 1e-15);
        }
    }

    @Test
    void aZeroFloorIsAllowedAndANaNRelativeErrorIsReportedNotHidden() {
        try (Network net = kinkNetwork(); Scope s = be.scope()) {
            Tensor x = be.fromArray(new double[]{0}, 1, 1, DType.FLOAT64);
            Tensor t = be.fromArray(new double[]{3}, 1, 1, DType.FLOAT64);
            // floor 0: W0 and W1 have a = n = 0, a relative error 0/0
            GradientCheck.Result r = GradientCheck.run(net, x, t, EPS, 0.0);
            assertTrue(Double.isNaN(r.maxRelativeError()), "0/0 must surface as NaN, got " + r.maxRelativeError());
            assertEquals(4, r.parametersChecked());
            assertThrows(AssertionError.class, () -> r.assertBelow(1e300));
            assertThrows(InvalidHyperParameterException.class, () -> GradientCheck.run(net, x, t, 0.0, 1e-3));
            assertThrows(InvalidHyperParameterException.class, () -> GradientCheck.run(net, x, t, EPS, -1e-300));
        }
    }
}
