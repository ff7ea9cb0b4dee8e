package dev.nabla.optim;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A seeded optimization problem written twice: with autograd on a backend, and as plain double arrays for the
 * hand-written PyTorch loops of the tests. Parameter i at step k has loss Σ C⊙w⊙w + Σ D⊙w, so ∂/∂w = 2·C⊙w + D.
 * Parameter "w" gets a gradient every step, "b" on even steps only, "unused" never (its gradient stays null).
 */
final class Trajectory {
    static final String[] NAMES = {"w", "b", "unused"};
    static final int[][] SHAPES = {{2, 3}, {1, 3}, {3, 2}};
    final int steps;
    final double[][] init = new double[NAMES.length][];
    private final double[][][] c;
    private final double[][][] d;

    Trajectory(long seed, int steps) {
        this.steps = steps;
        SplittableRandom r = new SplittableRandom(seed);
        c = new double[steps][NAMES.length][];
        d = new double[steps][NAMES.length][];
        for (int i = 0; i < NAMES.length; i++) {
            init[i] = values(r, size(i), 1.0);
            for (int k = 0; k < steps; k++) {
                c[k][i] = values(r, size(i), 0.5);
                d[k][i] = values(r, size(i), 1.0);
            }
        }
    }

    private static double[] values(SplittableRandom r, int n, double scale) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = scale * (2 * r.nextDouble() - 1);
        }
        return v;
    }

    static int size(int i) {
        return SHAPES[i][0] * SHAPES[i][1];
    }

    static boolean hasGrad(int i, int k) {
        return i == 0 || (i == 1 && k % 2 == 0);
    }

    /** The reference gradient of parameter i at step k: 2·C⊙w + D, element by element. */
    double[] grad(int i, int k, double[] w) {
        double[] g = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            g[j] = 2 * c[k][i][j] * w[j] + d[k][i][j];
        }
        return g;
    }

    /** The reference parameters, fresh copies of the initial values. */
    double[][] referenceParams() {
        double[][] w = new double[NAMES.length][];
        for (int i = 0; i < NAMES.length; i++) {
            w[i] = init[i].clone();
        }
        return w;
    }

    /** New FLOAT64 parameters on {@code be} holding the initial values (the tensors are the caller's). */
    Map<String, Var> params(Backend be) {
        Map<String, Var> ps = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            ps.put(NAMES[i], Var.parameter(be.fromArray(init[i], SHAPES[i][0], SHAPES[i][1])));
        }
        return ps;
    }

    /** Leaves the gradients of step k in {@code ps} (after freeing the previous ones). */
    void backward(Backend be, Map<String, Var> ps, int k) {
        for (int i = 0; i < NAMES.length; i++) {
            Var p = ps.get(NAMES[i]);
            p.zeroGrad();
            if (!hasGrad(i, k)) {
                continue;
            }
            try (Tensor ct = be.fromArray(c[k][i], SHAPES[i][0], SHAPES[i][1]);
                 Tensor dt = be.fromArray(d[k][i], SHAPES[i][0], SHAPES[i][1]);
                 Graph g = Graph.record(be)) {
                p.mul(p).mul(Var.constant(ct)).sum().add(p.mul(Var.constant(dt)).sum()).backward();
            }
        }
    }

    /** Asserts every parameter equals the reference within a few ulps of float64 (relative 1e-12). */
    static void assertClose(String what, double[][] expected, Map<String, Var> ps) {
        for (int i = 0; i < NAMES.length; i++) {
            double[] got = ps.get(NAMES[i]).value().toDoubleArray();
            for (int j = 0; j < got.length; j++) {
                double e = expected[i][j];
                assertFalse(Double.isNaN(got[j]), what + ": " + NAMES[i] + "[" + j + "] is NaN");
                assertEquals(e, got[j], 1e-12 * Math.max(1, Math.abs(e)),
                        what + ": " + NAMES[i] + "[" + j + "] expected " + e + " got " + got[j] + " (tolerance 1e-12 "
                                + "relative)");
            }
        }
    }

    static void closeAll(Map<String, Var> ps) {
        for (Var p : ps.values()) {
            p.close();
            p.value().close();
        }
    }
}
