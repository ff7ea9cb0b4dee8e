package dev.nabla.cpu;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

/**
 * The plain-Java path: no Vector API, runs on any JVM. Elementwise ops evaluate the float64 definitions in
 * {@link UnaryOp#apply} / {@link BinaryOp#apply} and round to float, except exp, log, tanh and σ, which are
 * {@link FloatMath}'s (the same bits as the Vector path's lanes, in every JIT tier); gemm is a row-parallel loop nest that streams
 * rows of B (or takes dot products with rows of B when it is transposed).
 *
 * <p>TEMPLATE: the build derives ScalarDoubleKernels from this file (float → double); see cpu-backend/pom.xml.
 */
final class ScalarFloatKernels implements FloatKernels {
    /** Below this many multiply-adds a product runs on the calling thread alone. */
    private static final long PARALLEL_MIN_MADDS = 1L << 16;
    private final Parallel parallel;

    ScalarFloatKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public String description() {
        return "plain Java";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                     float beta, float[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {                             // C = β·C, A and B not read (BLAS): 0·∞ is no NaN
            int len = m * n;
            for (int i = 0; i < len; i++) {
                c[i] = beta == 0 ? 0 : beta * c[i];
            }
            return;
        }
        long madds = (long) m * n * k;
        int minRows = madds < PARALLEL_MIN_MADDS ? m : 1;
        parallel.forRange(m, minRows, (i0, i1) -> gemmRows(transA, transB, m, n, k, alpha, a, b, beta, c, i0, i1));
    }

    /** Each thread's row of op(A), grown to the largest k it has seen: a gemm call allocates no row. */
    private static final ThreadLocal<float[][]> A_ROW = ThreadLocal.withInitial(() -> new float[1][0]);

    private static void gemmRows(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                 float[] b, float beta, float[] c, int i0, int i1) {
        float[][] held = A_ROW.get();
        if (held[0].length < k) {
            held[0] = new float[k];
        }
        float[] aRow = held[0];
        for (int i = i0; i < i1; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {                       // row i of op(A), times α
                aRow[p] = alpha * (transA ? a[p * m + i] : a[i * k + p]);
            }
            if (transB) {                                       // c[i][j] = β·c[i][j] + Σ_p aRow[p]·B[j][p]
                for (int j = 0; j < n; j++) {
                    float s = 0;
                    int bj = j * k;
                    for (int p = 0; p < k; p++) {
                        s += aRow[p] * b[bj + p];
                    }
                    c[ci + j] = beta == 0 ? s : beta * c[ci + j] + s;
                }
            } else {                                            // c[i][:] = β·c[i][:] + Σ_p aRow[p]·B[p][:]
                for (int j = 0; j < n; j++) {
                    c[ci + j] = beta == 0 ? 0 : beta * c[ci + j];
                }
                for (int p = 0; p < k; p++) {
                    float ap = aRow[p];
                    int bp = p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += ap * b[bp + j];
                    }
                }
            }
        }
    }

    @Override
    public void unary(UnaryOp op, float p, float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = apply(op, x[i], p);
        }
    }

    /** op(x, p): FloatMath for exp, log, tanh and σ, else the float64 definition rounded to float. */
    private static float apply(UnaryOp op, float x, float p) {
        return switch (op) {
            case EXP -> FloatMath.exp(x);
            case LOG -> FloatMath.log(x);
            case TANH -> FloatMath.tanh(x);
            case SIGMOID -> FloatMath.sigmoid(x);
            default -> (float) op.apply(x, p);
        };
    }

    @Override
    public void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = (float) op.apply(a[i], b[i]);
        }
    }

    @Override
    public void binaryBroadcast(BinaryOp op, float[] a, float[] b, Broadcast broadcast, float[] out, int cols,
                                int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                float bv = broadcast == Broadcast.ROW ? b[j] : b[r];
                out[base + j] = (float) op.apply(a[base + j], bv);
            }
        }
    }

    @Override
    public void sumColumns(float[] x, int rows, int cols, float[] out, int colFrom, int colTo) {
        for (int j = colFrom; j < colTo; j++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[r * cols + j];
            }
            out[j] = (float) s;
        }
    }

    @Override
    public void reduceRows(RowReduction op, float[] x, int cols, float[] out, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            if (op == RowReduction.MAX) {
                float mx = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    mx = Math.max(mx, x[base + j]);
                }
                out[r] = mx;
            } else if (op == RowReduction.MIN) {
                float mn = Float.POSITIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    mn = Math.min(mn, x[base + j]);
                }
                out[r] = mn;
            } else {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += x[base + j];
                }
                out[r] = (float) s;
            }
        }
    }

    @Override
    public double sum(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += alpha * x[i];
        }
    }

    @Override
    public void biasActivation(UnaryOp act, float[] z, float[] bias, float[] out, int cols, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                float s = z[base + j] + bias[j];
                out[base + j] = apply(act, s, 0);
            }
        }
    }

    @Override
    public void softmaxRows(float[] x, float[] out, int cols, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                mx = Math.max(mx, x[base + j]);
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                float e = FloatMath.exp(x[base + j] - mx);
                out[base + j] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            for (int j = 0; j < cols; j++) {
                out[base + j] *= inv;
            }
        }
    }

    @Override
    public void activationBackward(UnaryOp gradFromOutput, float[] a, float[] d, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = d[i] * (float) gradFromOutput.apply(a[i], 0);
        }
    }

    @Override
    public double lossAndDelta(BinaryOp term, UnaryOp outputGrad, float[] f, float[] t, float[] delta, float invN,
                               int from, int to) {
        double loss = 0;
        for (int i = from; i < to; i++) {
            float fi = f[i];
            float ti = t[i];
            loss += term.apply(fi, ti);
            delta[i] = invN * (fi - ti) * (float) outputGrad.apply(fi, 0);
        }
        return loss;
    }

    @Override
    public double crossEntropyAndDelta(float[] z, float[] f, float[] t, float[] delta, float invN, int cols,
                                       int rowFrom, int rowTo) {
        double loss = 0;
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                mx = Math.max(mx, z[base + j]);
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += FloatMath.exp(z[base + j] - mx);
            }
            float logSum = (float) Math.log(s);                      // ln Σ e^(z − m) ≥ 0
            for (int j = 0; j < cols; j++) {
                loss -= t[base + j] * ((z[base + j] - mx) - logSum);  // −t·log softmax(z)
            }
        }
        for (int i = rowFrom * cols; i < rowTo * cols; i++) {        // after every row's loss: δ may alias f or t
            delta[i] = invN * (f[i] - t[i]);
        }
        return loss;
    }

    @Override
    public void sgdStep(float[] w, float[] g, float[] v, float lr, float momentum, float weightDecay, int from,
                        int to) {
        for (int i = from; i < to; i++) {
            float gi = g[i] + weightDecay * w[i];
            if (v != null) {
                float vi = momentum * v[i] + gi;
                v[i] = vi;
                w[i] -= lr * vi;
            } else {
                w[i] -= lr * gi;
            }
        }
    }

    @Override
    public void adamStep(float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2,
                         float epsilon, float weightDecay, float invC1, float invC2, int from, int to) {
        for (int i = from; i < to; i++) {
            float gi = g[i] + weightDecay * w[i];
            float mi = beta1 * m[i] + (1 - beta1) * gi;
            float vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] -= lr * (mi * invC1) / ((float) Math.sqrt(vi * invC2) + epsilon);
        }
    }
}
