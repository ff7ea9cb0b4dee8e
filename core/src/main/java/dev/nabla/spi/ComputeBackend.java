package dev.nabla.spi;

import dev.nabla.DType;

import java.util.Map;

/**
 * What a backend implements: a small set of primitives on {@link DeviceBuffer}s with explicit outputs, plus fused ops
 * whose default methods compose those primitives ({@link FusedDefaults}). Everything else in Nabla, dense layers and
 * backpropagation included, is written once in core against this interface.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Matrices are dense and row-major; sizes are passed explicitly and have already been validated by core
 *       ({@code dev.nabla.Ops}): implementations may assume every buffer is open, of the right dtype and long enough.
 *       Any size may be 0.</li>
 *   <li>Work may be asynchronous: only {@link #read}, {@link #synchronize()} and {@link #close()} must wait for
 *       enqueued work. Operations on one backend are performed in the order they are called.</li>
 *   <li>Elementwise ops and fused elementwise ops allow {@code out} to be the same buffer as an input (in-place).
 *       {@code gemm}'s C must not alias A or B; reductions' outputs must not alias their input.</li>
 *   <li>Implementations are safe to call from several threads at once as long as no buffer one call writes is read
 *       or written by another call running at the same time; a buffer only read may be shared by concurrent calls.
 *       Concurrent calls give the same bits as the same calls made one after another (docs/reliability.md;
 *       {@code ConcurrencyContract} in the contract kit checks it). {@link #release} may be called from the garbage
 *       collector's cleaner thread.</li>
 * </ul>
 */
public interface ComputeBackend extends AutoCloseable {

    /** The provider name, e.g. {@code cpu}. */
    String name();

    /** What runs: path, device, threads; shown by {@code Backends.report()}. */
    String description();

    /** Whether tensors of this dtype can be created here. */
    boolean supports(DType dtype);

    /** The most elements one buffer of this dtype may hold. */
    long maxElements(DType dtype);

    // ---- memory ----------------------------------------------------------------------------------------------------

    /** A buffer of {@code length} elements; its contents are undefined until written or filled. */
    DeviceBuffer allocate(DType dtype, long length);

    /** Gives a buffer back (to a pool or the device). Called exactly once per allocated buffer. Thread-safe. */
    void release(DeviceBuffer buffer);

    /** dst ← src (host to device); {@code src.length == dst.length()}, dst is FLOAT32. */
    void write(DeviceBuffer dst, float[] src);

    /** dst ← src (host to device); {@code src.length == dst.length()}, dst is FLOAT64. */
    void write(DeviceBuffer dst, double[] src);

    /** dst ← src (device to host); waits for pending work. src is FLOAT32. */
    void read(DeviceBuffer src, float[] dst);

    /** dst ← src (device to host); waits for pending work. src is FLOAT64. */
    void read(DeviceBuffer src, double[] dst);

    /** dst[0..n) ← src[0..n) on the device. */
    void copy(DeviceBuffer src, DeviceBuffer dst, long n);

    /** dst[0..n) ← value. */
    void fill(DeviceBuffer dst, long n, double value);

    /** Waits until every enqueued operation has finished. */
    void synchronize();

    // ---- primitives ------------------------------------------------------------------------------------------------

    /**
     * C = α·op(A)·op(B) + β·C, with op(A) m×k and op(B) k×n, C m×n. A is stored m×k, or k×m when {@code transA}
     * (so op(A) = Aᵀ); B is stored k×n, or n×k when {@code transB}. β = 0 overwrites C without reading it (BLAS).
     * Covers X·W (forward), Aᵀ·δ (weight gradients) and δ·Wᵀ (back-propagated error).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              double alpha, DeviceBuffer a, DeviceBuffer b, double beta, DeviceBuffer c);

    /** out[i] = op(x[i], param) for i in [0, n). */
    void unary(UnaryOp op, double param, DeviceBuffer x, DeviceBuffer out, long n);

    /**
     * out = op(a, b) over a rows × cols matrix a; b is rows × cols ({@link Broadcast#NONE}), 1 × cols
     * ({@link Broadcast#ROW}) or rows × 1 ({@link Broadcast#COLUMN}).
     */
    void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows, int cols);

    /** out (1 × cols) = 1ᵀ·x: the column sums of a rows × cols x, the bias gradient 1ᵀδ. */
    void sumColumns(DeviceBuffer x, int rows, int cols, DeviceBuffer out);

    /** out (rows × 1) = the max or sum of each row of x (rows × cols). */
    void reduceRows(RowReduction op, DeviceBuffer x, int rows, int cols, DeviceBuffer out);

    /** out[0] = Σ x[0..n). */
    void sumAll(DeviceBuffer x, long n, DeviceBuffer out);

    /** y ← α·x + y over n elements. */
    void axpy(double alpha, DeviceBuffer x, DeviceBuffer y, long n);

    /** Backend-specific counters (device buffer creations, bytes moved, ...); empty by default. */
    default Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    void close();

    // ---- fused ops: defaults compose the primitives; override only where a benchmark shows a gain --------------------

    /** out = g(z + 1·b) for an elementwise activation g (IDENTITY, SIGMOID, TANH, RELU); z is rows × cols, b is 1 × cols. */
    default void biasActivation(UnaryOp activation, DeviceBuffer z, DeviceBuffer bias, DeviceBuffer out, int rows, int cols) {
        FusedDefaults.biasActivation(this, activation, z, bias, out, rows, cols);
    }

    /** out[i][j] = e^(x[i][j] − max_j x[i]) / Σ_j e^(x[i][j] − max_j x[i]), row by row. */
    default void softmaxRows(DeviceBuffer x, DeviceBuffer out, int rows, int cols) {
        FusedDefaults.softmaxRows(this, x, out, rows, cols);
    }

    /** out = d ⊙ g'(a) over rows × cols, with g' taken from the stored activation a (a *_GRAD_FROM_OUTPUT op). */
    default void activationBackward(UnaryOp gradFromOutput, DeviceBuffer a, DeviceBuffer d, DeviceBuffer out,
                                    int rows, int cols) {
        FusedDefaults.activationBackward(this, gradFromOutput, a, d, out, rows, cols);
    }

    /**
     * out (rows × nIn) = (δ · Wᵀ) ⊙ g'(aPrev): the error of the previous layer. δ is rows × nOut, W is nIn × nOut,
     * aPrev is rows × nIn. out must not alias δ or W.
     */
    default void backpropDelta(UnaryOp gradFromOutput, DeviceBuffer delta, DeviceBuffer w, DeviceBuffer aPrev,
                               DeviceBuffer out, int rows, int nOut, int nIn) {
        FusedDefaults.backpropDelta(this, gradFromOutput, delta, w, aPrev, out, rows, nOut, nIn);
    }

    /**
     * The loss and its error at the output, over f and t (rows × cols, N = rows):
     * {@code loss[0] = (1/N) Σ lossTerm(f, t)} and {@code δ = (1/N)·(f − t) ⊙ outputGrad(f)}; outputGrad is
     * IDENTITY_GRAD_FROM_OUTPUT for the cross-entropies (their δ is (f − t)/N, backprop.md). With N = 0 the loss is 0.
     * delta may alias f. The cross-entropies' terms clamp f (see {@link BinaryOp#PROBABILITY_EPSILON}), so on saturated
     * outputs their value is a lower bound; {@link #logitLossAndDelta} takes it from the logits instead, exactly.
     */
    default void lossAndDelta(BinaryOp lossTerm, UnaryOp outputGrad, DeviceBuffer f, DeviceBuffer t,
                              DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        FusedDefaults.lossAndDelta(this, lossTerm, outputGrad, f, t, delta, loss, rows, cols);
    }

    /**
     * A cross-entropy and its error at the output, the loss taken from the output layer's pre-activation z (the
     * logits) so that it is exact for any z, as PyTorch's {@code cross_entropy} and
     * {@code binary_cross_entropy_with_logits}; z, f = g(z) and t are rows × cols, N = rows:
     * <ul>
     *   <li>CROSS_ENTROPY (f = softmax(z) by rows): {@code loss[0] = −(1/N) Σ_i Σ_j t_ij·(z_ij − lse_i)} with
     *       {@code lse_i = m_i + ln Σ_j e^(z_ij − m_i)}, {@code m_i = max_j z_ij} (= (1/N) Σ_i lse_i − Σ_j t_ij z_ij
     *       for one-hot rows);</li>
     *   <li>BINARY_CROSS_ENTROPY (f = σ(z)): {@code loss[0] = (1/N) Σ [max(z, 0) − t·z + ln(1 + e^−|z|)]}, the
     *       softplus form of −[t ln σ(z) + (1 − t) ln(1 − σ(z))].</li>
     * </ul>
     * δ = (f − t)/N as in {@link #lossAndDelta} (backprop.md); only the loss value changes. With N = 0 the loss is 0.
     * delta may alias f, not z.
     */
    default void logitLossAndDelta(BinaryOp lossTerm, DeviceBuffer z, DeviceBuffer f, DeviceBuffer t,
                                   DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        FusedDefaults.logitLossAndDelta(this, lossTerm, z, f, t, delta, loss, rows, cols);
    }

    /**
     * SGD with optional momentum μ and L2 decay λ over a rows × cols parameter: g' = g + λ·w; with a velocity
     * buffer v ← μ·v + g', w ← w − lr·v; without one (velocity null), w ← w − lr·g'.
     */
    default void sgdStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer velocity, int rows, int cols,
                         double lr, double momentum, double weightDecay) {
        FusedDefaults.sgdStep(this, w, g, velocity, rows, cols, lr, momentum, weightDecay);
    }

    /**
     * Adam step {@code step} (1-based) with L2 decay λ over a rows × cols parameter: g' = g + λ·w;
     * m ← β₁m + (1−β₁)g'; v ← β₂v + (1−β₂)g'²; w ← w − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β₁^step), v̂ = v/(1−β₂^step).
     */
    default void adamStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, int rows, int cols,
                          double lr, double beta1, double beta2, double epsilon, double weightDecay, long step) {
        FusedDefaults.adamStep(this, w, g, m, v, rows, cols, lr, beta1, beta2, epsilon, weightDecay, step);
    }
}
