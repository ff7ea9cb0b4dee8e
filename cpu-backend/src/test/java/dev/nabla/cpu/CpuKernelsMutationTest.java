package dev.nabla.cpu;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The four kernel classes of the {@code cpu-kernels} PIT part ({@link ScalarFloatKernels}, {@link VectorFloatKernels}
 * and their generated double twins), called directly, each result against a float64 computation written here.
 * Written for issue 18: the contract suites reach these kernels through {@link CpuBackend}, which splits the work at
 * its own boundaries and never hands a kernel a range that starts past 0 in a row, a column sum over part of the
 * columns, a scratch vector left dirty by another op, an overflowing lane sum in double, or Adam's ε next to
 * gradients below it. Here every op runs over ranges that start past 0 and end before the last element (the elements
 * outside must keep their sentinel), at lengths around the vector width (up to 16 lanes) and SUM_BLOCK (1024), in
 * place and out of place, after another op has filled the per-thread scratch with finite values.
 *
 * <p>Tolerances: {@code TOL}·u·scale, u the unit roundoff of the kernel's precision and scale the magnitude of the
 * operands (printed with every failure). The sums run on multiples of ¼ below 2⁸, which every order of addition sums
 * exactly, so they are compared exactly.
 */
class CpuKernelsMutationTest {
    private static final int SUM_BLOCK = 1024;
    private static final double TOL = 64;
    private static final double SENTINEL = 1234.5;
    /** Lengths around every vector width up to 16 lanes, and past SUM_BLOCK. */
    private static final int[] LENGTHS = {1, 3, 7, 9, 15, 17, 31, 37, 70, SUM_BLOCK + 37, 2 * SUM_BLOCK + 5};
    /** Row widths with a vector body and a remainder, and without either. */
    private static final int[] WIDTHS = {1, 5, 13, 17, 37};

    // ---- the kernels, on double arrays ---------------------------------------------------------------------------

    /**
     * A path's kernels in one precision, called on double arrays: the float kernels get float copies (the same
     * double[] maps to the same float[] within a call, so in-place calls stay in place) written back after the call.
     * Test inputs are floats, so the copies are exact.
     */
    private abstract static class K {
        final String name;
        final double u;

        K(String name, double u) {
            this.name = name;
            this.u = u;
        }

        @Override
        public String toString() {
            return name;
        }

        abstract String description();
        abstract void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, double[] b,
                           double beta, double[] c);
        abstract void unary(UnaryOp op, double p, double[] x, double[] y, int from, int to);
        abstract void binary(BinaryOp op, double[] a, double[] b, double[] out, int from, int to);
        abstract void binaryBroadcast(BinaryOp op, double[] a, double[] b, Broadcast br, double[] out, int cols,
                                      int rowFrom, int rowTo);
        abstract void sumColumns(double[] x, int rows, int cols, double[] out, int colFrom, int colTo);
        abstract void reduceRows(RowReduction op, double[] x, int cols, double[] out, int rowFrom, int rowTo);
        abstract double sum(double[] x, int from, int to);
        abstract void axpy(double alpha, double[] x, double[] y, int from, int to);
        abstract void biasActivation(UnaryOp act, double[] z, double[] bias, double[] out, int cols, int rowFrom,
                                     int rowTo);
        abstract void softmaxRows(double[] x, double[] out, int cols, int rowFrom, int rowTo);
        abstract void activationBackward(UnaryOp g, double[] a, double[] d, double[] out, int from, int to);
        abstract double lossAndDelta(BinaryOp term, UnaryOp g, double[] f, double[] t, double[] delta, double invN,
                                     int from, int to);
        abstract void sgdStep(double[] w, double[] g, double[] v, double lr, double mu, double wd, int from, int to);
        abstract void adamStep(double[] w, double[] g, double[] m, double[] v, double lr, double b1, double b2,
                               double eps, double wd, double invC1, double invC2, int from, int to);
    }

    /** Float kernels behind double arrays. */
    private static final class F extends K {
        private final FloatKernels k;
        private final Map<double[], float[]> live = new IdentityHashMap<>();

        F(String name, FloatKernels k) {
            super(name, 0x1p-24);
            this.k = k;
        }

        private float[] in(double[] d) {
            if (d == null) {
                return null;
            }
            return live.computeIfAbsent(d, x -> {
                float[] f = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    f[i] = (float) x[i];
                }
                return f;
            });
        }

        private void back() {
            live.forEach((d, f) -> {
                for (int i = 0; i < d.length; i++) {
                    d[i] = f[i];
                }
            });
            live.clear();
        }

        @Override String description() { return k.description(); }
        @Override void gemm(boolean ta, boolean tb, int m, int n, int kk, double alpha, double[] a, double[] b,
                            double beta, double[] c) {
            k.gemm(ta, tb, m, n, kk, (float) alpha, in(a), in(b), (float) beta, in(c)); back(); }
        @Override void unary(UnaryOp op, double p, double[] x, double[] y, int from, int to) {
            k.unary(op, (float) p, in(x), in(y), from, to); back(); }
        @Override void binary(BinaryOp op, double[] a, double[] b, double[] out, int from, int to) {
            k.binary(op, in(a), in(b), in(out), from, to); back(); }
        @Override void binaryBroadcast(BinaryOp op, double[] a, double[] b, Broadcast br, double[] out, int cols,
                                       int rowFrom, int rowTo) {
            k.binaryBroadcast(op, in(a), in(b), br, in(out), cols, rowFrom, rowTo); back(); }
        @Override void sumColumns(double[] x, int rows, int cols, double[] out, int colFrom, int colTo) {
            k.sumColumns(in(x), rows, cols, in(out), colFrom, colTo); back(); }
        @Override void reduceRows(RowReduction op, double[] x, int cols, double[] out, int rowFrom, int rowTo) {
            k.reduceRows(op, in(x), cols, in(out), rowFrom, rowTo); back(); }
        @Override double sum(double[] x, int from, int to) {
            double s = k.sum(in(x), from, to); back(); return s; }
        @Override void axpy(double alpha, double[] x, double[] y, int from, int to) {
            k.axpy((float) alpha, in(x), in(y), from, to); back(); }
        @Override void biasActivation(UnaryOp act, double[] z, double[] bias, double[] out, int cols, int rowFrom,
                                      int rowTo) {
            k.biasActivation(act, in(z), in(bias), in(out), cols, rowFrom, rowTo); back(); }
        @Override void softmaxRows(double[] x, double[] out, int cols, int rowFrom, int rowTo) {
            k.softmaxRows(in(x), in(out), cols, rowFrom, rowTo); back(); }
        @Override void activationBackward(UnaryOp g, double[] a, double[] d, double[] out, int from, int to) {
            k.activationBackward(g, in(a), in(d), in(out), from, to); back(); }
        @Override double lossAndDelta(BinaryOp term, UnaryOp g, double[] f, double[] t, double[] delta,
                                      double invN, int from, int to) {
            double s = k.lossAndDelta(term, g, in(f), in(t), in(delta), (float) invN, from, to); back(); return s; }
        @Override void sgdStep(double[] w, double[] g, double[] v, double lr, double mu, double wd, int from,
                               int to) {
            k.sgdStep(in(w), in(g), in(v), (float) lr, (float) mu, (float) wd, from, to); back(); }
        @Override void adamStep(double[] w, double[] g, double[] m, double[] v, double lr, double b1, double b2,
                                double eps, double wd, double invC1, double invC2, int from, int to) {
            k.adamStep(in(w), in(g), in(m), in(v), (float) lr, (float) b1, (float) b2, (float) eps, (float) wd,
                    (float) invC1, (float) invC2, from, to);
            back(); }
    }

    /** Double kernels as they are. */
    private static final class D extends K {
        private final DoubleKernels k;

        D(String name, DoubleKernels k) {
            super(name, 0x1p-53);
            this.k = k;
        }

        @Override String description() { return k.description(); }
        @Override void gemm(boolean ta, boolean tb, int m, int n, int kk, double alpha, double[] a, double[] b,
                            double beta, double[] c) { k.gemm(ta, tb, m, n, kk, alpha, a, b, beta, c); }
        @Override void unary(UnaryOp op, double p, double[] x, double[] y, int from, int to) {
            k.unary(op, p, x, y, from, to); }
        @Override void binary(BinaryOp op, double[] a, double[] b, double[] out, int from, int to) {
            k.binary(op, a, b, out, from, to); }
        @Override void binaryBroadcast(BinaryOp op, double[] a, double[] b, Broadcast br, double[] out, int cols,
                                       int rowFrom, int rowTo) {
            k.binaryBroadcast(op, a, b, br, out, cols, rowFrom, rowTo); }
        @Override void sumColumns(double[] x, int rows, int cols, double[] out, int colFrom, int colTo) {
            k.sumColumns(x, rows, cols, out, colFrom, colTo); }
        @Override void reduceRows(RowReduction op, double[] x, int cols, double[] out, int rowFrom, int rowTo) {
            k.reduceRows(op, x, cols, out, rowFrom, rowTo); }
        @Override double sum(double[] x, int from, int to) { return k.sum(x, from, to); }
        @Override void axpy(double alpha, double[] x, double[] y, int from, int to) { k.axpy(alpha, x, y, from, to); }
        @Override void biasActivation(UnaryOp act, double[] z, double[] bias, double[] out, int cols, int rowFrom,
                                      int rowTo) { k.biasActivation(act, z, bias, out, cols, rowFrom, rowTo); }
        @Override void softmaxRows(double[] x, double[] out, int cols, int rowFrom, int rowTo) {
            k.softmaxRows(x, out, cols, rowFrom, rowTo); }
        @Override void activationBackward(UnaryOp g, double[] a, double[] d, double[] out, int from, int to) {
            k.activationBackward(g, a, d, out, from, to); }
        @Override double lossAndDelta(BinaryOp term, UnaryOp g, double[] f, double[] t, double[] delta,
                                      double invN, int from, int to) {
            return k.lossAndDelta(term, g, f, t, delta, invN, from, to); }
        @Override void sgdStep(double[] w, double[] g, double[] v, double lr, double mu, double wd, int from,
                               int to) { k.sgdStep(w, g, v, lr, mu, wd, from, to); }
        @Override void adamStep(double[] w, double[] g, double[] m, double[] v, double lr, double b1, double b2,
                                double eps, double wd, double invC1, double invC2, int from, int to) {
            k.adamStep(w, g, m, v, lr, b1, b2, eps, wd, invC1, invC2, from, to); }
    }

    private static K kernels(String name, Parallel p) {
        if (name.startsWith("VECTOR")) {
            assumeTrue(CpuPath.vectorModulePresent(), name + " needs --add-modules jdk.incubator.vector");
        }
        return switch (name) {
            case "SCALAR_FLOAT" -> new F(name, new ScalarFloatKernels(p));
            case "VECTOR_FLOAT" -> new F(name, new VectorFloatKernels(p));
            case "SCALAR_DOUBLE" -> new D(name, new ScalarDoubleKernels(p));
            default -> new D(name, new VectorDoubleKernels(p));
        };
    }

    private static K kernels(String name) {
        return kernels(name, new Parallel(1));
    }

    // ---- data and checks -----------------------------------------------------------------------------------------

    /** n floats uniform in [lo, hi). */
    private static double[] uniform(Random r, int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return x;
    }

    /** n multiples of ¼ in [−8, 8], none 0: every sum of them is exact in float and in any order. */
    private static double[] quarters(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            int q = r.nextInt(64) + 1;
            x[i] = (r.nextBoolean() ? q : -q) / 4.0;
        }
        return x;
    }

    private static double[] filled(int n, double v) {
        double[] x = new double[n];
        Arrays.fill(x, v);
        return x;
    }

    private static void close(K k, String what, int i, double want, double got, double scale) {
        double tol = TOL * k.u * scale;
        if (!(Math.abs(got - want) <= tol) && !(Double.isNaN(want) && Double.isNaN(got)) && want != got) {
            fail(k + " " + what + " [" + i + "]: want " + want + ", got " + got + ", tolerance " + tol
                    + " (" + TOL + "·u·" + scale + ")");
        }
    }

    /** Elements outside [from, to) keep the sentinel. */
    private static void untouched(K k, String what, double[] y, int from, int to) {
        for (int i = 0; i < y.length; i++) {
            if ((i < from || i >= to) && y[i] != SENTINEL) {
                fail(k + " " + what + ": element " + i + " outside [" + from + ", " + to + ") written: " + y[i]);
            }
        }
    }

    /** Runs an op over the first 15 elements so that the per-thread scratch vectors hold finite values. */
    private static void dirtyScratch(K k) {
        double[] x = filled(15, 3.5);
        double[] y = filled(15, 7.25);
        k.binary(BinaryOp.ADD, x, y, filled(15, 0), 0, 15);
        k.activationBackward(UnaryOp.TANH_GRAD_FROM_OUTPUT, x, y, filled(15, 0), 0, 15);
    }

    /** x for op: in its domain, away from the points where float and double rounding differ most. */
    private static double[] domain(UnaryOp op, Random r, int n) {
        return switch (op) {
            case SQRT, LOG, POW -> uniform(r, n, 0.25, 4);
            case EXP -> uniform(r, n, -8, 8);
            case SIGMOID_GRAD_FROM_OUTPUT -> uniform(r, n, 0, 1);
            default -> uniform(r, n, -3, 3);
        };
    }

    // ---- elementwise ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void unaryOverRangesInAndOutOfPlace(String name) {
        K k = kernels(name);
        Random r = new Random(1);
        double p = 1.75;
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : LENGTHS) {
                int from = 2;
                int to = from + n;
                double[] x = domain(op, r, to + 3);
                double[] y = filled(x.length, SENTINEL);
                dirtyScratch(k);
                k.unary(op, p, x, y, from, to);
                for (int i = from; i < to; i++) {
                    close(k, op + " n=" + n, i, op.apply(x[i], p), y[i], 1 + Math.abs(op.apply(x[i], p)));
                }
                untouched(k, op + " n=" + n, y, from, to);
                double[] inPlace = x.clone();
                k.unary(op, p, inPlace, inPlace, from, to);
                for (int i = 0; i < x.length; i++) {
                    double want = i >= from && i < to ? y[i] : x[i];
                    assertEquals(want, inPlace[i], 0, k + " " + op + " in place n=" + n + " [" + i + "]");
                }
            }
        }
    }

    /** Inputs for a binary op: b away from 0 for DIV, f a probability and t a target for the losses. */
    private static double[][] binaryInputs(BinaryOp op, Random r, int n) {
        return switch (op) {
            case BINARY_CROSS_ENTROPY, CROSS_ENTROPY -> new double[][] {uniform(r, n, 0.01, 0.99), uniform(r, n, 0, 1)};
            case DIV -> new double[][] {uniform(r, n, -3, 3), uniform(r, n, 0.5, 2)};
            default -> new double[][] {uniform(r, n, -3, 3), uniform(r, n, -3, 3)};
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void binaryOverRanges(String name) {
        K k = kernels(name);
        Random r = new Random(2);
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : LENGTHS) {
                int from = 3;
                int to = from + n;
                double[][] ab = binaryInputs(op, r, to + 2);
                double[] out = filled(to + 2, SENTINEL);
                dirtyScratch(k);
                k.binary(op, ab[0], ab[1], out, from, to);
                for (int i = from; i < to; i++) {
                    double want = op.apply(ab[0][i], ab[1][i]);
                    close(k, op + " n=" + n, i, want, out[i], 1 + Math.abs(want));
                }
                untouched(k, op + " n=" + n, out, from, to);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void broadcastsOverRowRanges(String name) {
        K k = kernels(name);
        Random r = new Random(3);
        int rows = 6;
        for (BinaryOp op : BinaryOp.values()) {
            for (Broadcast br : Broadcast.values()) {
                for (int cols : WIDTHS) {
                    double[][] ab = binaryInputs(op, r, rows * cols);
                    double[] b = Arrays.copyOf(ab[1], br == Broadcast.ROW ? cols : rows);
                    double[] out = filled(rows * cols, SENTINEL);
                    dirtyScratch(k);
                    k.binaryBroadcast(op, ab[0], b, br, out, cols, 1, rows - 1);
                    for (int row = 1; row < rows - 1; row++) {
                        for (int j = 0; j < cols; j++) {
                            int i = row * cols + j;
                            double want = op.apply(ab[0][i], br == Broadcast.ROW ? b[j] : b[row]);
                            close(k, op + " " + br + " cols=" + cols, i, want, out[i], 1 + Math.abs(want));
                        }
                    }
                    untouched(k, op + " " + br + " cols=" + cols, out, cols, (rows - 1) * cols);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void biasActivationOverRowRanges(String name) {
        K k = kernels(name);
        Random r = new Random(4);
        int rows = 5;
        for (UnaryOp act : new UnaryOp[] {UnaryOp.IDENTITY, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU}) {
            for (int cols : WIDTHS) {
                double[] z = uniform(r, rows * cols, -3, 3);
                double[] bias = uniform(r, cols, -1, 1);
                double[] out = filled(rows * cols, SENTINEL);
                dirtyScratch(k);
                k.biasActivation(act, z, bias, out, cols, 1, rows - 1);
                for (int row = 1; row < rows - 1; row++) {
                    for (int j = 0; j < cols; j++) {
                        int i = row * cols + j;
                        double want = act.apply(z[i] + bias[j], 0);
                        close(k, act + " cols=" + cols, i, want, out[i], 1 + Math.abs(z[i]) + Math.abs(bias[j]));
                    }
                }
                untouched(k, act + " cols=" + cols, out, cols, (rows - 1) * cols);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void activationBackwardOverRangesInAndOutOfPlace(String name) {
        K k = kernels(name);
        Random r = new Random(5);
        for (UnaryOp g : new UnaryOp[] {UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, UnaryOp.TANH_GRAD_FROM_OUTPUT,
                UnaryOp.RELU_GRAD_FROM_OUTPUT, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT}) {
            for (int n : LENGTHS) {
                int from = 1;
                int to = from + n;
                double[] a = uniform(r, to + 2, -1, 1);
                double[] d = uniform(r, to + 2, -2, 2);
                double[] out = filled(to + 2, SENTINEL);
                dirtyScratch(k);
                k.activationBackward(g, a, d, out, from, to);
                for (int i = from; i < to; i++) {
                    double want = d[i] * g.apply(a[i], 0);
                    close(k, g + " n=" + n, i, want, out[i], 1 + Math.abs(want));
                }
                untouched(k, g + " n=" + n, out, from, to);
                double[] inPlace = d.clone();
                k.activationBackward(g, a, inPlace, inPlace, from, to);
                for (int i = 0; i < d.length; i++) {
                    assertEquals(i >= from && i < to ? out[i] : d[i], inPlace[i], 0,
                            k + " " + g + " in place n=" + n + " [" + i + "]");
                }
            }
        }
    }

    // ---- reductions ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void sumsOverRangesAreExact(String name) {
        K k = kernels(name);
        Random r = new Random(6);
        for (int n : new int[] {0, 1, 7, 17, 37, SUM_BLOCK - 1, SUM_BLOCK, SUM_BLOCK + 37, 3 * SUM_BLOCK + 21}) {
            double[] x = quarters(r, n + 5);
            double want = 0;
            for (int i = 2; i < n + 2; i++) {
                want += x[i];
            }
            assertEquals(want, k.sum(x, 2, n + 2), 0, k + " sum n=" + n);
        }
    }

    /** A block whose lane partial overflows though its exact sum does not is summed again in double, in order. */
    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void sumsWhosePartialOverflowsAreRedoneInDouble(String name) {
        K k = kernels(name);
        boolean isFloat = k instanceof F;
        double big = isFloat ? 3e38 : 1.5e308;
        // every lane count up to 16 puts a block's elements 0 and 16 into one lane, 1 and 17 into another: big + big
        // overflows there whatever the order of the lane sum; in element order, as the redo in double adds them, −big
        // follows each big, and the zeros before and between them lose nothing to the big partial (the plain path
        // adds the whole range in one double)
        for (int block = 0; block < 3; block++) {
            int n = 3 * SUM_BLOCK + 5;
            double[] x = filled(n + 2, 0.25);
            int base = 1 + block * SUM_BLOCK;
            Arrays.fill(x, 0, base + 18, 0);
            x[base] = big;
            x[base + 1] = -big;
            x[base + 16] = big;
            x[base + 17] = -big;
            double want = 0.25 * (n + 1 - (base + 18));
            double got = k.sum(x, 1, n + 1);
            assertEquals(want, got, 0, k + " sum with an overflowing partial in block " + block);
        }
        // a float sum past the float range: the float partial overflows, the double one does not
        if (isFloat) {
            double f = (float) 3e38;
            assertEquals(2 * f, k.sum(new double[] {1, f, f, 1}, 1, 3), 0, k + " 3e38 + 3e38 in double");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void columnSumsOverColumnRanges(String name) {
        K k = kernels(name);
        Random r = new Random(7);
        for (int rows : new int[] {0, 1, 3, 9}) {
            for (int cols : new int[] {1, 5, 17, 37, 70}) {
                double[] x = quarters(r, rows * cols);
                int from = Math.min(2, cols);
                for (int[] range : new int[][] {{0, cols}, {from, Math.max(from, cols - 3)}}) {
                    double[] out = filled(cols, SENTINEL);
                    k.sumColumns(x, rows, cols, out, range[0], range[1]);
                    for (int j = range[0]; j < range[1]; j++) {
                        double want = 0;
                        for (int row = 0; row < rows; row++) {
                            want += x[row * cols + j];
                        }
                        assertEquals(want, out[j], 0, k + " column " + j + " of " + rows + "×" + cols);
                    }
                    untouched(k, "sumColumns " + rows + "×" + cols, out, range[0], range[1]);
                }
            }
        }
        // big, big, −big down a column: the running sum overflows (in float), the exact one does not; ±∞ and NaN
        double big = k instanceof F ? 3e38 : 1.5e308;
        double bigF = k instanceof F ? (float) big : big;
        int cols = 19;
        double[] x = filled(3 * cols, 1);
        for (int j = 0; j < cols; j += 3) {
            x[j] = big;
            x[cols + j] = big;
            x[2 * cols + j] = -big;
        }
        x[2 * cols + 1] = Double.POSITIVE_INFINITY;
        x[2 * cols + 2] = Double.NaN;
        double[] out = filled(cols, SENTINEL);
        k.sumColumns(x, 3, cols, out, 0, cols);
        for (int j = 0; j < cols; j++) {
            double want = j % 3 == 0 ? (k instanceof F ? bigF : Double.POSITIVE_INFINITY)
                    : j == 1 ? Double.POSITIVE_INFINITY : j == 2 ? Double.NaN : 3;
            assertEquals(want, out[j], 0, k + " overflowing column " + j);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void rowReductionsOverRowRanges(String name) {
        K k = kernels(name);
        Random r = new Random(8);
        int rows = 5;
        for (RowReduction op : RowReduction.values()) {
            for (int cols : new int[] {0, 1, 5, 13, 17, 37, 70}) {
                double[] x = quarters(r, rows * cols);
                if (cols > 0 && op != RowReduction.SUM) {
                    // the extreme in the remainder of row 1 and in the vector body of row 2 (and NaN in row 3)
                    x[cols + cols - 1] = op == RowReduction.MAX ? 100 : -100;
                    x[2 * cols] = op == RowReduction.MAX ? 200 : -200;
                    x[3 * cols + cols / 2] = Double.NaN;
                }
                double[] out = filled(rows, SENTINEL);
                k.reduceRows(op, x, cols, out, 1, rows - 1);
                for (int row = 1; row < rows - 1; row++) {
                    double want = switch (op) {
                        case MAX -> Double.NEGATIVE_INFINITY;
                        case MIN -> Double.POSITIVE_INFINITY;
                        case SUM -> 0;
                    };
                    for (int j = 0; j < cols; j++) {
                        double v = x[row * cols + j];
                        want = switch (op) {
                            case MAX -> Math.max(want, v);
                            case MIN -> Math.min(want, v);
                            case SUM -> want + v;
                        };
                    }
                    assertEquals(want, out[row], 0, k + " " + op + " row " + row + " of width " + cols);
                }
                untouched(k, op + " cols=" + cols, out, 1, rows - 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void softmaxOverRowRanges(String name) {
        K k = kernels(name);
        Random r = new Random(9);
        int rows = 5;
        for (int cols : WIDTHS) {
            // logits up to 200: e^200 overflows float and e^800 double, so the row maximum must come off first
            double[] x = uniform(r, rows * cols, -4, 4);
            x[2 * cols + cols - 1] = 800;
            double[] out = filled(rows * cols, SENTINEL);
            dirtyScratch(k);
            k.softmaxRows(x, out, cols, 1, rows - 1);
            for (int row = 1; row < rows - 1; row++) {
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    mx = Math.max(mx, x[row * cols + j]);
                }
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += Math.exp(x[row * cols + j] - mx);
                }
                for (int j = 0; j < cols; j++) {
                    int i = row * cols + j;
                    close(k, "softmax cols=" + cols, i, Math.exp(x[i] - mx) / s, out[i], 1);
                }
            }
            untouched(k, "softmax cols=" + cols, out, cols, (rows - 1) * cols);
        }
    }

    // ---- losses --------------------------------------------------------------------------------------------------

    /** f and t for a loss term: probabilities and targets for the cross-entropies, anything for ½(f − t)². */
    private static double[][] lossInputs(BinaryOp term, Random r, int n) {
        return term == BinaryOp.HALF_SQUARED_ERROR
                ? new double[][] {uniform(r, n, -3, 3), uniform(r, n, -3, 3)}
                : new double[][] {uniform(r, n, 0.01, 0.99), uniform(r, n, 0, 1)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void lossAndDeltaOverRangesInAndOutOfPlace(String name) {
        K k = kernels(name);
        Random r = new Random(10);
        double invN = 0.125;
        for (BinaryOp term : new BinaryOp[] {BinaryOp.HALF_SQUARED_ERROR, BinaryOp.BINARY_CROSS_ENTROPY,
                BinaryOp.CROSS_ENTROPY}) {
            for (UnaryOp g : new UnaryOp[] {UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, UnaryOp.SIGMOID_GRAD_FROM_OUTPUT,
                    UnaryOp.TANH_GRAD_FROM_OUTPUT, UnaryOp.RELU_GRAD_FROM_OUTPUT}) {
                for (int n : LENGTHS) {
                    int from = 2;
                    int to = from + n;
                    double[][] ft = lossInputs(term, r, to + 3);
                    double[] f = ft[0];
                    double[] t = ft[1];
                    double[] delta = filled(to + 3, SENTINEL);
                    dirtyScratch(k);
                    double got = k.lossAndDelta(term, g, f, t, delta, invN, from, to);
                    double want = 0;
                    double scale = 0;
                    for (int i = from; i < to; i++) {
                        double ti = term.apply(f[i], t[i]);
                        want += ti;
                        scale += Math.abs(ti);
                        double d = invN * (f[i] - t[i]) * g.apply(f[i], 0);
                        close(k, term + "/" + g + " δ n=" + n, i, d, delta[i], 1 + Math.abs(d));
                    }
                    close(k, term + "/" + g + " loss n=" + n, -1, want, got, 1 + scale);
                    untouched(k, term + "/" + g + " δ n=" + n, delta, from, to);
                    double[] inPlace = f.clone();
                    double again = k.lossAndDelta(term, g, inPlace, t, inPlace, invN, from, to);
                    assertEquals(got, again, 0, k + " " + term + "/" + g + " loss with δ over f, n=" + n);
                    for (int i = 0; i < f.length; i++) {
                        assertEquals(i >= from && i < to ? delta[i] : f[i], inPlace[i], 0,
                                k + " " + term + "/" + g + " δ over f, n=" + n + " [" + i + "]");
                    }
                }
            }
        }
    }

    /** Terms whose float lane sum overflows though each term is finite: the block is summed again in double. */
    @Test
    void lossSumsWhoseFloatPartialOverflowsAreRedoneInDouble() {
        for (String name : new String[] {"SCALAR_FLOAT", "VECTOR_FLOAT"}) {
            if (name.startsWith("VECTOR") && !CpuPath.vectorModulePresent()) {
                continue;
            }
            K k = kernels(name);
            int n = 3 * SUM_BLOCK + 7;
            double[] f = filled(n, 1);
            double[] t = filled(n, 1);
            // ½(f − t)² = 2e38 at 16 and 32 of each block: one lane of every lane count up to 16 gets 4e38
            double d = Math.sqrt(4e38);
            for (int block = 0; block < 3; block++) {
                f[block * SUM_BLOCK + 16] = (float) d;
                f[block * SUM_BLOCK + 32] = (float) d;
            }
            double want = 0;
            for (int i = 0; i < n; i++) {
                want += BinaryOp.HALF_SQUARED_ERROR.apply(f[i], t[i]);
            }
            double got = k.lossAndDelta(BinaryOp.HALF_SQUARED_ERROR, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, f, t,
                    filled(n, 0), 1, 0, n);
            assertTrue(Double.isFinite(got), k + ": Σ of finite terms 6·2e38 gave " + got);
            close(k, "overflowing loss sum", -1, want, got, want);
        }
    }

    /**
     * Cross-entropy terms of ±2·10³⁸ (float) or ±10³⁰⁸ (double), from targets far outside [0, 1]: two of each sign in
     * one lane each, so the lane partial is ∞ − ∞ in either precision, while in element order each term is followed
     * by its exact negative (zeros between them). The terms after them are ordinary, so the block summed again term by
     * term in element order is their sum: the redo must add every vector of the block, and no vector past it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void lossSumsWhoseLanePartialIsInfinityMinusInfinityAreRedoneInElementOrder(String name) {
        K k = kernels(name);
        boolean isFloat = k instanceof F;
        for (BinaryOp term : new BinaryOp[] {BinaryOp.CROSS_ENTROPY, BinaryOp.BINARY_CROSS_ENTROPY}) {
            // −t·ln ½ ≈ 0.69·t; −(t·ln ¼ + (1 − t)·ln ¾) ≈ 1.10·t
            double f0 = term == BinaryOp.CROSS_ENTROPY ? 0.5 : 0.25;
            double big = term == BinaryOp.CROSS_ENTROPY ? (isFloat ? 3e38 : 1.5e308) : (isFloat ? 1.8e38 : 9e307);
            int n = SUM_BLOCK + 21;
            double[] f = filled(n, 0.5);
            double[] t = filled(n, 0.25);
            Arrays.fill(f, 0, 3 + 18, 0);                      // terms of 0 up to the last special one
            Arrays.fill(t, 0, 3 + 18, 0);
            for (int i : new int[] {0, 16}) {                    // lane 0 and lane 1 of every lane count up to 16
                f[3 + i] = f0;
                t[3 + i] = big;
                f[3 + i + 1] = f0;
                t[3 + i + 1] = -big;
            }
            double want = 0;
            double largest = 0;
            double ordinary = 0;
            for (int i = 3; i < n; i++) {
                double ti = term.apply(f[i], t[i]);
                want += ti;
                largest = Math.max(largest, Math.abs(ti));
                ordinary += Math.abs(t[i]) < 1 ? Math.abs(ti) : 0;
            }
            double got = k.lossAndDelta(term, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, f, t, filled(n, 0), 1, 3, n);
            assertTrue(Double.isFinite(got), k + " " + term + ": ±" + largest + " in element order gave " + got);
            close(k, term + " Σ with ±" + largest, -1, want, got, 1 + ordinary);
        }
    }

    // ---- axpy and the optimizers ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void axpyOverRanges(String name) {
        K k = kernels(name);
        Random r = new Random(11);
        for (int n : LENGTHS) {
            int from = 3;
            int to = from + n;
            double[] x = uniform(r, to + 2, -2, 2);
            double[] y = uniform(r, to + 2, -2, 2);
            double[] before = y.clone();
            k.axpy(-0.75, x, y, from, to);
            for (int i = 0; i < y.length; i++) {
                if (i >= from && i < to) {
                    close(k, "axpy n=" + n, i, before[i] - 0.75 * x[i], y[i], 4);
                } else {
                    assertEquals(before[i], y[i], 0, k + " axpy n=" + n + " outside [" + i + "]");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void sgdWithAndWithoutMomentumOverRanges(String name) {
        K k = kernels(name);
        Random r = new Random(12);
        double lr = 0.25;
        double mu = 0.875;
        double wd = 0.0625;
        for (boolean momentum : new boolean[] {false, true}) {
            for (int n : LENGTHS) {
                int from = 1;
                int to = from + n;
                double[] w = uniform(r, to + 2, -2, 2);
                double[] g = uniform(r, to + 2, -2, 2);
                double[] v = momentum ? uniform(r, to + 2, -1, 1) : null;
                double[] w0 = w.clone();
                double[] v0 = momentum ? v.clone() : null;
                k.sgdStep(w, g, v, lr, mu, wd, from, to);
                for (int i = 0; i < w.length; i++) {
                    boolean in = i >= from && i < to;
                    double gd = g[i] + wd * w0[i];
                    double vi = momentum ? mu * v0[i] + gd : gd;
                    if (momentum) {
                        close(k, "sgd v n=" + n, i, in ? vi : v0[i], v[i], 8);
                    }
                    close(k, "sgd w momentum=" + momentum + " n=" + n, i, in ? w0[i] - lr * vi : w0[i], w[i], 8);
                }
            }
        }
    }

    /**
     * Adam with |g| ≈ 1e-9, below ε = 1e-8, next to ordinary gradients: ε is most of the denominator there (+ε
     * made −ε flips the step's sign), and the moments move by (1 − β)·g.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "VECTOR_FLOAT", "SCALAR_DOUBLE", "VECTOR_DOUBLE"})
    void adamOverRangesWithGradientsBelowEpsilon(String name) {
        K k = kernels(name);
        Random r = new Random(13);
        double lr = 0.01;
        double b1 = 0.875;
        double b2 = 0.9375;
        double eps = 1e-8;
        double wd = 0.03125;
        double invC1 = 1 / (1 - Math.pow(b1, 3));
        double invC2 = 1 / (1 - Math.pow(b2, 3));
        if (k instanceof F) {
            eps = (float) eps;
            invC1 = (float) invC1;
            invC2 = (float) invC2;
        }
        for (int n : LENGTHS) {
            int from = 2;
            int to = from + n;
            double[] w = uniform(r, to + 2, -1, 1);
            double[] g = uniform(r, to + 2, -1, 1);
            double[] m = uniform(r, to + 2, -0.1, 0.1);
            double[] v = uniform(r, to + 2, 0, 0.01);
            for (int i = 0; i < w.length; i += 2) {                       // tiny: every other element
                w[i] = 0;
                g[i] = (float) (g[i] * 1e-9);
                m[i] = 0;
                v[i] = 0;
            }
            double[] w0 = w.clone();
            double[] m0 = m.clone();
            double[] v0 = v.clone();
            k.adamStep(w, g, m, v, lr, b1, b2, eps, wd, invC1, invC2, from, to);
            for (int i = 0; i < w.length; i++) {
                if (i < from || i >= to) {
                    assertEquals(w0[i], w[i], 0, k + " adam w outside [" + i + "]");
                    assertEquals(m0[i], m[i], 0, k + " adam m outside [" + i + "]");
                    assertEquals(v0[i], v[i], 0, k + " adam v outside [" + i + "]");
                    continue;
                }
                double gd = g[i] + wd * w0[i];
                double mi = b1 * m0[i] + (1 - b1) * gd;
                double vi = b2 * v0[i] + (1 - b2) * gd * gd;
                double step = lr * (mi * invC1) / (Math.sqrt(vi * invC2) + eps);
                close(k, "adam m n=" + n, i, mi, m[i], Math.abs(m0[i]) + Math.abs(gd));
                close(k, "adam v n=" + n, i, vi, v[i], Math.abs(v0[i]) + gd * gd);
                close(k, "adam step n=" + n, i, step, w0[i] - w[i], Math.abs(w0[i]) + Math.abs(step));
            }
        }
    }

    // ---- the plain path's gemm and the descriptions --------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"SCALAR_FLOAT", "SCALAR_DOUBLE"})
    void plainGemmInEveryTranspositionOnOneAndThreeThreads(String name) {
        Random r = new Random(14);
        for (int threads : new int[] {1, 3}) {
            try (Parallel parallel = new Parallel(threads)) {
                gemmChecks(kernels(name, parallel), r, threads);
            }
        }
    }

    private static void gemmChecks(K k, Random r, int threads) {
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {37, 19, 23}, {70, 41, 33}};   // the last past 2¹⁶ madds
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int kk = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (double beta : new double[] {0, 1.5}) {
                        double[] a = quarters(r, m * kk);
                        double[] b = quarters(r, kk * n);
                        double[] c = quarters(r, m * n);
                        if (beta == 0) {
                            Arrays.fill(c, Double.NaN);                    // β = 0: C is not read
                        }
                        double[] c0 = c.clone();
                        k.gemm(ta, tb, m, n, kk, 0.5, a, b, beta, c);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double want = beta == 0 ? 0 : beta * c0[i * n + j];
                                for (int p = 0; p < kk; p++) {
                                    want += 0.5 * (ta ? a[p * m + i] : a[i * kk + p])
                                            * (tb ? b[j * kk + p] : b[p * n + j]);
                                }
                                assertEquals(want, c[i * n + j], 0, k + " gemm " + m + "×" + n + "×" + kk
                                        + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "") + " β=" + beta + " on "
                                        + threads + " threads [" + i + "][" + j + "]");
                            }
                        }
                    }
                }
            }
        }
        // k = 0 or α = 0: C = β·C, A and B not read (∞ there gives no NaN); β = 0 clears C
        double[] a = filled(12, Double.POSITIVE_INFINITY);
        for (double alpha : new double[] {0, 1}) {
            int kk = alpha == 0 ? 4 : 0;
            for (double beta : new double[] {0, 1.5}) {
                double[] c = {1, -2, 3, 4, 5, 6};
                k.gemm(false, false, 2, 3, kk, alpha, a, a, beta, c);
                for (int i = 0; i < 6; i++) {
                    double want = beta == 0 ? 0 : beta * (i == 1 ? -2 : i + 1);
                    assertEquals(want, c[i], 0, k + " gemm k=" + kk + " α=" + alpha + " β=" + beta + " [" + i + "]");
                }
            }
        }
        double[] c = {7};
        k.gemm(false, false, 0, 1, 1, 1, a, a, 0, c);
        k.gemm(false, false, 1, 0, 1, 1, a, a, 0, c);
        assertEquals(7, c[0], 0, k + " gemm with m = 0 or n = 0 writes nothing");
    }

    @Test
    void descriptionsNameThePath() {
        assertEquals("plain Java", kernels("SCALAR_FLOAT").description());
        assertEquals("plain Java", kernels("SCALAR_DOUBLE").description());
        assumeTrue(CpuPath.vectorModulePresent(), "the Vector kernels need --add-modules jdk.incubator.vector");
        for (String name : new String[] {"VECTOR_FLOAT", "VECTOR_DOUBLE"}) {
            String d = kernels(name).description();
            assertTrue(d.matches("Vector API \\d+-bit \\(\\d+ (float|double) lanes\\), gemm register tile \\d+×\\d+"),
                    name + ": " + d);
        }
    }
}
