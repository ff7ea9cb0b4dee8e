package dev.nabla.aparapi;

import dev.nabla.DType;

/**
 * The host side of one dtype's dispatcher kernel ({@link FloatLauncher}, DoubleLauncher): it owns the kernel, the
 * arena its tensors live in and the staging windows, and turns each SPI call into one or two verified launches.
 * Sizes are validated by core before they get here. Typed host transfers ({@code write}/{@code read}) live on the
 * concrete classes. Every method is thread-safe (one lock per launcher).
 */
interface Launcher extends AutoCloseable {

    DType dtype();

    /** The most elements one tensor of this dtype may have here. */
    long maxElements();

    /** A tensor range of {@code length} ≥ 0 elements, growing the arena if needed. */
    AparapiBuffer allocate(int length);

    /** Gives the range back; ignored after {@link #close()}. */
    void release(AparapiBuffer buffer);

    void copy(AparapiBuffer src, AparapiBuffer dst, int n);

    void fill(AparapiBuffer dst, int n, double value);

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
