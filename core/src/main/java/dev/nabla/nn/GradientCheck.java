package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.Tensor;

/**
 * Checks backpropagation against central differences in float64 (backprop.md): for every parameter θ,
 * {@code (L(θ + ε) − L(θ − ε)) / 2ε} against the backpropagated ∂L/∂θ. Costs two forward passes per parameter,
 * which is why it is a test tool only.
 *
 * <p>The relative error of one parameter is {@code |a − n| / max(|a|, |n|, floor·max(1, |L|))}. A central
 * difference in float64 carries rounding noise of a few u·|L|/ε ≈ 3e-10·|L| (u = 1.1e-16, ε = 1e-6: both loss
 * evaluations are rounded, measured up to 1.4e-10 on the cpu backend), so a gradient below ~1e-3·|L| cannot be
 * checked to a relative 1e-6. The default floor, 1e-3, judges those parameters (a dead ReLU, a saturated unit, a
 * weight with little influence) by their absolute error instead: |a − n| ≤ 1e-9·max(1, |L|) for a 1e-6 tolerance.
 */
public final class GradientCheck {

    /** The largest relative error found and where. */
    public record Result(double maxRelativeError, String worstParameter, double analytic, double numeric,
                         int parametersChecked) {

        /**
         * Throws an AssertionError naming the worst parameter unless maxRelativeError ≤ tolerance.
         *
         * @param tolerance the largest relative error allowed
         */
        public void assertBelow(double tolerance) {
            if (!(maxRelativeError <= tolerance)) {
                throw new AssertionError("gradient check failed: relative error " + maxRelativeError + " > " + tolerance
                        + " at " + worstParameter + " (backprop " + analytic + ", central difference " + numeric
                        + ", " + parametersChecked + " parameters checked)");
            }
        }
    }

    /** The default ε of the central differences. */
    public static final double DEFAULT_EPSILON = 1e-6;
    /** The default floor of the relative error's denominator (see the class comment). */
    public static final double DEFAULT_FLOOR = 1e-3;

    private GradientCheck() {
    }

    /**
     * {@link #run(Network, Tensor, Tensor, double, double)} with {@link #DEFAULT_EPSILON} and {@link #DEFAULT_FLOOR}.
     *
     * @param net a FLOAT64 network
     * @param x the input batch, one example per row
     * @param t the targets, one row per example
     * @return the largest relative error and where
     */
    public static Result run(Network net, Tensor x, Tensor t) {
        return run(net, x, t, DEFAULT_EPSILON, DEFAULT_FLOOR);
    }

    /**
     * Checks every weight and bias of a FLOAT64 network on the batch (x, t); restores every parameter after.
     *
     * @param net a FLOAT64 network
     * @param x the input batch, one example per row
     * @param t the targets, one row per example
     * @param epsilon ε, the step of the central differences
     * @param floor the floor of the relative error's denominator, in units of max(1, |L|)
     * @return the largest relative error and where
     */
    public static Result run(Network net, Tensor x, Tensor t, double epsilon, double floor) {
        if (net == null) {
            throw new InvalidArgumentException("gradientCheck: the network is null");
        }
        String tag = " [" + net.backend().name() + "]";
        if (net.dtype() != DType.FLOAT64) {
            throw new InvalidArgumentException("gradientCheck: needs a FLOAT64 network (central differences in float32"
                    + " are noise), got " + net.dtype() + tag);
        }
        if (!Double.isFinite(epsilon) || epsilon <= 0) {
            throw new InvalidHyperParameterException("gradientCheck: epsilon must be finite and > 0, got " + epsilon + tag);
        }
        if (!Double.isFinite(floor) || floor < 0) {
            throw new InvalidHyperParameterException("gradientCheck: floor must be finite and ≥ 0, got " + floor + tag);
        }
        Gradients analytic = net.gradients(x, t);
        double scaledFloor = floor * Math.max(1.0, Math.abs(analytic.loss()));
        double worst = 0;
        String where = "none";
        double worstA = 0;
        double worstN = 0;
        int checked = 0;
        for (int l = 0; l < net.layers().size(); l++) {
            for (int kind = 0; kind < 2; kind++) {
                boolean weights = kind == 0;
                double[] theta = weights ? net.weights(l) : net.biases(l);
                double[] grad = weights ? analytic.dW(l) : analytic.db(l);
                for (int i = 0; i < theta.length; i++) {
                    double saved = theta[i];
                    theta[i] = saved + epsilon;
                    set(net, l, weights, theta);
                    double plus = net.loss(x, t);
                    theta[i] = saved - epsilon;
                    set(net, l, weights, theta);
                    double minus = net.loss(x, t);
                    theta[i] = saved;
                    set(net, l, weights, theta);
                    double numeric = (plus - minus) / (2 * epsilon);
                    double a = grad[i];
                    double rel = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), scaledFloor);
                    checked++;
                    if (rel > worst || Double.isNaN(rel)) {
                        worst = rel;
                        worstA = a;
                        worstN = numeric;
                        where = (weights ? "W" : "b") + l + "[" + i + "]";
                    }
                }
            }
        }
        return new Result(worst, where, worstA, worstN, checked);
    }

    private static void set(Network net, int layer, boolean weights, double[] theta) {
        if (weights) {
            net.setWeights(layer, theta);
        } else {
            net.setBiases(layer, theta);
        }
    }
}
