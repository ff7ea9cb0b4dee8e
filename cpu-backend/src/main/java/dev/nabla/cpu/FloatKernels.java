package dev.nabla.cpu;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

/**
 * The kernels one cpu path (VECTOR or SCALAR) implements on float arrays. Element ranges are [from, to); row ranges
 * [rowFrom, rowTo) of a matrix with {@code cols} columns. {@link CpuBackend} splits the work over threads and calls
 * these on disjoint ranges; only gemm partitions its own work.
 *
 * <p>TEMPLATE: the build derives DoubleKernels from this file (float → double); see cpu-backend/pom.xml.
 */
interface FloatKernels {

    /** What runs, e.g. "Vector API 256-bit (8 float lanes), gemm 6×16 register tile". */
    String description();

    /** C = α·op(A)·op(B) + β·C (see ComputeBackend#gemm); partitions over threads itself. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
              float[] c);

    /** y[i] = op(x[i], p) */
    void unary(UnaryOp op, float p, float[] x, float[] y, int from, int to);

    /** out[i] = op(a[i], b[i]) */
    void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to);

    /** out[r][j] = op(a[r][j], b[j]) (ROW) or op(a[r][j], b[r]) (COLUMN) for rows in range. */
    void binaryBroadcast(BinaryOp op, float[] a, float[] b, Broadcast broadcast, float[] out, int cols, int rowFrom,
                         int rowTo);

    /** out[j] = Σ_r x[r][j] for columns j in [colFrom, colTo). */
    void sumColumns(float[] x, int rows, int cols, float[] out, int colFrom, int colTo);

    /** out[r] = max, min or sum of row r, for rows in range (max and min: NaN when the row holds one, as Math.max). */
    void reduceRows(RowReduction op, float[] x, int cols, float[] out, int rowFrom, int rowTo);

    /** Σ x[from..to), accumulated in double. */
    double sum(float[] x, int from, int to);

    /** y[i] += α·x[i] */
    void axpy(float alpha, float[] x, float[] y, int from, int to);

    /** out[r][j] = act(z[r][j] + bias[j]) for rows in range. */
    void biasActivation(UnaryOp act, float[] z, float[] bias, float[] out, int cols, int rowFrom, int rowTo);

    /** Row-wise softmax for rows in range. */
    void softmaxRows(float[] x, float[] out, int cols, int rowFrom, int rowTo);

    /** out[i] = d[i]·g'(a[i]) */
    void activationBackward(UnaryOp gradFromOutput, float[] a, float[] d, float[] out, int from, int to);

    /** delta[i] = invN·(f[i] − t[i])·outputGrad(f[i]); returns Σ term(f[i], t[i]) over the range (not yet ·invN). */
    double lossAndDelta(BinaryOp term, UnaryOp outputGrad, float[] f, float[] t, float[] delta, float invN, int from,
                        int to);

    /**
     * Softmax cross-entropy from the logits z, over the rows [rowFrom, rowTo) of cols columns: returns
     * Σ_i Σ_j −t_ij·((z_ij − m_i) − ln Σ_k e^(z_ik − m_i)) with m_i = max_j z_ij (not yet ·invN), then writes
     * δ = invN·(f − t) over those rows. delta may be f or t (every row's loss is taken first), not z.
     */
    double crossEntropyAndDelta(float[] z, float[] f, float[] t, float[] delta, float invN, int cols, int rowFrom,
                                int rowTo);

    /** g' = g + λw; with v: v = μv + g', w −= lr·v; without (v null): w −= lr·g'. */
    void sgdStep(float[] w, float[] g, float[] v, float lr, float momentum, float weightDecay, int from, int to);

    /** Adam with precomputed bias corrections invC1 = 1/(1−β₁ᵗ), invC2 = 1/(1−β₂ᵗ). */
    void adamStep(float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2, float epsilon,
                  float weightDecay, float invC1, float invC2, int from, int to);
}
