package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;

import java.util.List;

/**
 * Finite-difference check of reverse-mode gradients, in FLOAT64. For a program y = f(p₁, …, pₖ) of parameters it
 * forms the scalar L = Σ y ⊙ R with a fixed random R of y's shape (R = 1 when y is 1 × 1, then the check goes through
 * {@link Var#backward()}; otherwise through {@link Var#backward(Tensor)} with seed R), and asserts, for every element
 * of every parameter, that the engine's ∂L/∂p matches the central difference
 *
 * <pre>  (L(p + h·eᵢ) − L(p − h·eᵢ)) / 2h,   h = {@value #H}</pre>
 *
 * within |analytic − numeric| ≤ rtol·(|numeric| + max|numeric of that parameter|) + 1e-9·(1 + Σ|y ⊙ R|), rtol =
 * {@value #RTOL}: the first part relative (norm-wise for elements that cancel), the second the rounding of L itself
 * divided by 2h. The perturbed evaluations run in {@link Graph#noGrad}. The program must be smooth within ±h of the
 * given point (choose inputs away from kinks: relu and abs at 0, clamp at its bounds, ties in maxRows).
 *
 * <p>The check also asserts that the backward pass left nothing allocated: after the graph and the gradients are
 * closed, the backend has as many live tensors as before.
 */
public final class AutogradCheck {
    /** The central-difference step. */
    public static final double H = 1e-6;
    /** The relative tolerance. */
    public static final double RTOL = 1e-6;

    private AutogradCheck() {
    }

    /** A program of its parameters, run inside an open {@link Graph}; it may return a value of any shape. */
    @FunctionalInterface
    public interface Program {
        Var apply(Var... params);
    }

    /**
     * Asserts that the engine's gradients of {@code program} at {@code params} (FLOAT64 tensors on {@code backend},
     * which stay the caller's) match central differences; the failure names {@code what}, the parameter, the worst
     * element, both values and the allowed margin.
     */
    public static void assertGradients(String what, Backend backend, Program program, Tensor... params) {
        for (Tensor p : params) {
            if (p.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException(what + ": the check runs in FLOAT64, got " + p.dtype());
            }
        }
        long liveBefore = backend.stats().liveTensors();
        List<String> recorded;
        double[][] analytic = new double[params.length][];
        double[] weights;
        int outRows;
        int outCols;
        Var[] vars = new Var[params.length];
        for (int i = 0; i < params.length; i++) {
            vars[i] = Var.parameter(params[i]);
        }
        try {
            try (Graph g = Graph.record(backend)) {
                Var out = program.apply(vars);
                recorded = g.recordedOps();
                outRows = out.value().rows();
                outCols = out.value().cols();
                weights = weights(what, outRows, outCols);
                if (outRows == 1 && outCols == 1) {
                    out.backward();
                } else {
                    try (Tensor seed = backend.fromArray(weights, outRows, outCols, DType.FLOAT64).detach()) {
                        out.backward(seed);
                    }
                }
            }
            for (int i = 0; i < params.length; i++) {
                Tensor grad = vars[i].grad();
                analytic[i] = grad == null ? new double[(int) params[i].size()] : grad.toDoubleArray();
            }
        } finally {
            for (Var v : vars) {
                v.close();
            }
        }
        if (backend.stats().liveTensors() != liveBefore) {
            throw new AssertionError(what + ": the graph and the gradients are closed, but " + (backend.stats()
                    .liveTensors() - liveBefore) + " tensors are left alive: " + backend.liveTensorDescriptions());
        }

        double scale = Math.abs(evaluate(backend, program, params, weights, -1, -1, 0, true));
        for (int i = 0; i < params.length; i++) {
            double[] base = params[i].toDoubleArray();
            double[] numeric = new double[base.length];
            for (int e = 0; e < base.length; e++) {
                double plus = evaluate(backend, program, params, weights, i, e, base[e] + H, false);
                double minus = evaluate(backend, program, params, weights, i, e, base[e] - H, false);
                numeric[e] = (plus - minus) / (2 * H);
            }
            compare(what + ", parameter " + i + " (" + params[i].shape() + ")", analytic[i], numeric,
                    params[i].cols(), scale);
        }
        CHECKED_OPS.addAll(recorded);
    }

    /**
     * Every op ({@link Graph#recordedOps()} names) whose backward rule ran in a passing check of this JVM: the guard
     * that every Var op has a gradient check reads it.
     */
    public static final java.util.Set<String> CHECKED_OPS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** R: fixed values in [0.5, 1.5] with random signs, seeded by the shape (the same for every evaluation). */
    private static double[] weights(String what, int rows, int cols) {
        if (rows == 1 && cols == 1) {
            return new double[]{1};
        }
        double[] r = HostData.uniform(31L * rows + cols, rows * cols, 0.5, 1.5);
        double[] signs = HostData.uniform(17L * rows + cols, rows * cols, -1, 1);
        for (int i = 0; i < r.length; i++) {
            r[i] = signs[i] < 0 ? -r[i] : r[i];
        }
        return r;
    }

    /**
     * L = Σ y ⊙ R with element {@code element} of parameter {@code which} set to {@code value} (none when which is
     * −1); with {@code magnitude}, Σ|y ⊙ R| instead (the size of the terms whose rounding L carries).
     */
    private static double evaluate(Backend backend, Program program, Tensor[] params, double[] weights, int which,
                                   int element, double value, boolean magnitude) {
        Tensor moved = null;
        try (Graph g = Graph.noGrad(backend)) {
            Var[] vars = new Var[params.length];
            for (int i = 0; i < params.length; i++) {
                if (i == which) {
                    double[] v = params[i].toDoubleArray();
                    v[element] = value;
                    moved = backend.fromArray(v, params[i].rows(), params[i].cols(), DType.FLOAT64).detach();
                    vars[i] = Var.constant(moved);
                } else {
                    vars[i] = Var.constant(params[i]);
                }
            }
            double[] y = program.apply(vars).value().toDoubleArray();
            if (y.length != weights.length) {
                throw new AssertionError("the program's output changed size between evaluations: " + y.length
                        + " vs " + weights.length);
            }
            double sum = 0;
            for (int k = 0; k < y.length; k++) {
                sum += magnitude ? Math.abs(y[k] * weights[k]) : y[k] * weights[k];
            }
            return sum;
        } finally {
            if (moved != null) {
                moved.close();
            }
        }
    }

    private static void compare(String what, double[] analytic, double[] numeric, int cols, double scale) {
        double maxAbs = 0;
        for (double n : numeric) {
            maxAbs = Math.max(maxAbs, Math.abs(n));
        }
        double roundoff = 1e-9 * (1 + scale);
        int bad = 0;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < numeric.length; i++) {
            double allowed = RTOL * (Math.abs(numeric[i]) + maxAbs) + roundoff;
            double excess = Math.abs(analytic[i] - numeric[i]) - allowed;
            if (!(excess <= 0)) {                                  // NaN fails too
                bad++;
                if (worst < 0 || excess > worstExcess || Double.isNaN(excess)) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (bad > 0) {
            double allowed = RTOL * (Math.abs(numeric[worst]) + maxAbs) + roundoff;
            throw new AssertionError(String.format("%s: %d of %d gradient elements differ from central differences; "
                            + "worst at (%d, %d): backward gave %.12g, finite differences %.12g, |diff| %.3g > allowed "
                            + "%.3g (rtol %.0e, max|numeric| %.3g, h %.0e)", what, bad, numeric.length, worst / cols,
                    worst % cols, analytic[worst], numeric[worst], Math.abs(analytic[worst] - numeric[worst]), allowed,
                    RTOL, maxAbs, H));
        }
    }
}
