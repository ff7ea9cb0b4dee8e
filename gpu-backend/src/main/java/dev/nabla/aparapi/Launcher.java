package dev.nabla.aparapi;

import dev.nabla.DType;

/**
 * The host side of one dtype's dispatcher kernel ({@link FloatLauncher}, DoubleLauncher): it owns the kernel, the
 * arena its tensors live in, its INT32 arena and the staging windows, and turns each SPI call into one or two
 * verified launches. Sizes are validated by core before they get here; every buffer passed in belongs to this
 * launcher (an INT32 one to its INT32 arena). Typed host transfers of the launcher's own dtype ({@code write}/
 * {@code read}) live on the concrete classes. Every method is thread-safe (one lock per launcher).
 */
interface Launcher extends AutoCloseable {

    DType dtype();

    /** The most elements one tensor of this dtype may have here. */
    long maxElements();

    /** A tensor range of {@code length} ≥ 0 elements, growing the arena if needed. */
    AparapiBuffer allocate(int length);

    /** The most elements one INT32 tensor may have here. */
    long maxIntElements();

    /** An INT32 tensor range of {@code length} ≥ 0 elements in the INT32 arena, growing it if needed. */
    AparapiBuffer allocateInts(int length);

    /** INT32 dst[0, src.length) ← src through the INT32 staging windows. */
    void writeInts(AparapiBuffer dst, int[] src);

    /** dst ← INT32 src[0, dst.length) through the INT32 staging windows. */
    void readInts(AparapiBuffer src, int[] dst);

    /** Gives the range back (to the arena of its dtype); ignored after {@link #close()}. */
    void release(AparapiBuffer buffer);

    /** dst[0, n) ← src[0, n), in the arena of dst's dtype. */
    void copy(AparapiBuffer src, AparapiBuffer dst, int n);

    /** dst[0, n) ← value (rounded to dst's dtype; an integer for INT32). */
    void fill(AparapiBuffer dst, int n, double value);

    /** dst[dstOffset + i·dstRowStride + j] ← src[srcOffset + i·srcRowStride + j·srcColStride], one dtype. */
    void copyStrided(AparapiBuffer src, int srcOffset, int srcRowStride, int srcColStride, AparapiBuffer dst,
                     int dstOffset, int dstRowStride, int rows, int cols);

    /** INT32 dst ← src of this launcher's dtype: toward zero, saturating, NaN → 0. */
    void castToInts(AparapiBuffer src, AparapiBuffer dst, int n);

    /** dst of this launcher's dtype ← INT32 src, to nearest. */
    void castFromInts(AparapiBuffer src, AparapiBuffer dst, int n);

    /** dst row i ← src row indices[i]; src and dst of this dtype or both INT32, indices INT32. */
    void gatherRows(AparapiBuffer src, int srcRows, int cols, AparapiBuffer indices, int n, AparapiBuffer dst);

    /** dst row indices[i] += src row i, in increasing i; indices INT32. */
    void scatterAddRows(AparapiBuffer src, AparapiBuffer indices, int n, int cols, AparapiBuffer dst, int dstRows);

    /** INT32 out[r] ← the first column of the max of row r (NaN first). */
    void argmaxRows(AparapiBuffer x, int rows, int cols, AparapiBuffer out);

    /** out (n × classes) ← one-hot rows of the INT32 labels. */
    void oneHot(AparapiBuffer labels, int n, int classes, AparapiBuffer out);

    /** INT32 out ← a op b (comparison code), b broadcast as in binary; a and b of this dtype or both INT32. */
    void compare(int code, AparapiBuffer a, AparapiBuffer b, int broadcast, AparapiBuffer out, int rows, int cols);

    /** out[i] ← mask[i] ≠ 0 ? a[i] : b[i]; mask INT32. */
    void where(AparapiBuffer mask, AparapiBuffer a, AparapiBuffer b, AparapiBuffer out, int n);

    /** C = α·op(A)·op(B) + β·C, then (gradCode ≥ 0) C ⊙= g'(E) elementwise with unary grad code gradCode. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, AparapiBuffer a, AparapiBuffer b,
              double beta, AparapiBuffer c, int gradCode, AparapiBuffer e);

    void unary(int code, double param, AparapiBuffer x, AparapiBuffer out, int n);

    void binary(int code, AparapiBuffer a, AparapiBuffer b, int broadcast, AparapiBuffer out, int rows, int cols);

    void axpy(double alpha, AparapiBuffer x, AparapiBuffer y, int n);

    void sumColumns(AparapiBuffer x, int rows, int cols, AparapiBuffer out);

    void reduceRows(int code, AparapiBuffer x, int rows, int cols, AparapiBuffer out);

    void sumAll(AparapiBuffer x, int n, AparapiBuffer out);

    void biasActivation(int code, AparapiBuffer z, AparapiBuffer bias, AparapiBuffer out, int rows, int cols);

    void softmaxRows(AparapiBuffer x, AparapiBuffer out, int rows, int cols);

    void activationBackward(int gradCode, AparapiBuffer a, AparapiBuffer d, AparapiBuffer out, int rows, int cols);

    /** loss[0] = invN·Σ term(f, t); δ = invN·(f − t) ⊙ g'(f). */
    void lossAndDelta(int termCode, int gradCode, AparapiBuffer f, AparapiBuffer t, AparapiBuffer delta,
                      AparapiBuffer loss, int n, double invN);

    /** velocity may be null. */
    void sgdStep(AparapiBuffer w, AparapiBuffer g, AparapiBuffer velocity, int n, double lr, double momentum,
                 double weightDecay);

    void adamStep(AparapiBuffer w, AparapiBuffer g, AparapiBuffer m, AparapiBuffer v, int n, double lr, double beta1,
                  double beta2, double epsilon, double weightDecay, double invC1, double invC2);

    /** Arena capacity and use, for the description. */
    String describeMemory();

    /** Arena elements handed out and not yet released (footprints, so rounded up to the alignment). */
    long arenaElementsInUse();

    @Override
    void close();
}
