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
 *   <li>Aliasing: two operands alias when they are the same buffer (once buffers have views: when their ranges
 *       overlap, and an allowed alias must then be exactly the same range). Each method's javadoc ends with its
 *       rule ("Aliasing: ..."): which operand it writes may be which other operand; no other pair may alias, except
 *       that operands a method only reads may always be the same buffer. In short: elementwise ops, softmaxRows and
 *       the δ of lossAndDelta may write in place over an input; gemm's C, the outputs of reductions, backpropDelta's
 *       out, lossAndDelta's loss and every buffer of sgdStep and adamStep must be buffers of their own. Core
 *       ({@code dev.nabla.Ops}) rejects every other pair with an {@code InvalidArgumentException} naming the op and
 *       both operands before it calls a backend, so implementations may rely on these rules; the contract kit's
 *       {@code AliasContract} tries every pair of operands of every method on every backend.</li>
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

    /** dst[0..n) ← src[0..n) on the device. Aliasing: dst must not be src (OpenCL refuses overlapping copies). */
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
     * Aliasing: c must not be a or b (tiled kernels write C while other tiles still read A and B); a may be b.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              double alpha, DeviceBuffer a, DeviceBuffer b, double beta, DeviceBuffer c);

    /** out[i] = op(x[i], param) for i in [0, n). Aliasing: out may be x (in place). */
    void unary(UnaryOp op, double param, DeviceBuffer x, DeviceBuffer out, long n);

    /**
     * out = op(a, b) over a rows × cols matrix a; b is rows × cols ({@link Broadcast#NONE}), 1 × cols
     * ({@link Broadcast#ROW}) or rows × 1 ({@link Broadcast#COLUMN}).
     * Aliasing: out may be a, and b (then the broadcast is trivial: one row or one column); a may be b.
     */
    void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows, int cols);

    /**
     * out (1 × cols) = 1ᵀ·x: the column sums of a rows × cols x, the bias gradient 1ᵀδ.
     * Aliasing: out must not be x (the Vector API path clears out before it adds the rows into it).
     */
    void sumColumns(DeviceBuffer x, int rows, int cols, DeviceBuffer out);

    /** out (rows × 1) = the max or sum of each row of x (rows × cols). Aliasing: out must not be x. */
    void reduceRows(RowReduction op, DeviceBuffer x, int rows, int cols, DeviceBuffer out);

    /** out[0] = Σ x[0..n). Aliasing: out must not be x. */
    void sumAll(DeviceBuffer x, long n, DeviceBuffer out);

    /** y ← α·x + y over n elements. Aliasing: x may be y (then y ← (1 + α)·y). */
    void axpy(double alpha, DeviceBuffer x, DeviceBuffer y, long n);

    /** Backend-specific counters (device buffer creations, bytes moved, ...); empty by default. */
    default Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    void close();

    // ---- fused ops: defaults compose the primitives; override only where a benchmark shows a gain --------------------

    /**
     * out = g(z + 1·b) for an elementwise activation g (IDENTITY, SIGMOID, TANH, RELU); z is rows × cols, b is 1 × cols.
     * Aliasing: out may be z, and bias (then rows = 1); z may be bias.
     */
    default void biasActivation(UnaryOp activation, DeviceBuffer z, DeviceBuffer bias, DeviceBuffer out, int rows, int cols) {
        FusedDefaults.biasActivation(this, activation, z, bias, out, rows, cols);
    }

    /**
     * out[i][j] = e^(x[i][j] − max_j x[i]) / Σ_j e^(x[i][j] − max_j x[i]), row by row.
     * Aliasing: out may be x (every backend reads a row whole before it writes it).
     */
    default void softmaxRows(DeviceBuffer x, DeviceBuffer out, int rows, int cols) {
        FusedDefaults.softmaxRows(this, x, out, rows, cols);
    }

    /**
     * out = d ⊙ g'(a) over rows × cols, with g' taken from the stored activation a (a *_GRAD_FROM_OUTPUT op).
     * Aliasing: out may be a or d (elementwise); a may be d.
     */
    default void activationBackward(UnaryOp gradFromOutput, DeviceBuffer a, DeviceBuffer d, DeviceBuffer out,
                                    int rows, int cols) {
        FusedDefaults.activationBackward(this, gradFromOutput, a, d, out, rows, cols);
    }

    /**
     * out (rows × nIn) = (δ · Wᵀ) ⊙ g'(aPrev): the error of the previous layer. δ is rows × nOut, W is nIn × nOut,
     * aPrev is rows × nIn.
     * Aliasing: out must not be delta, w or aPrev (the default and cpu write δ·Wᵀ into out, then read aPrev); delta,
     * w and aPrev may be the same buffer.
     */
    default void backpropDelta(UnaryOp gradFromOutput, DeviceBuffer delta, DeviceBuffer w, DeviceBuffer aPrev,
                               DeviceBuffer out, int rows, int nOut, int nIn) {
        FusedDefaults.backpropDelta(this, gradFromOutput, delta, w, aPrev, out, rows, nOut, nIn);
    }

    /**
     * The loss and its error at the output, over f and t (rows × cols, N = rows):
     * {@code loss[0] = (1/N) Σ lossTerm(f, t)} and {@code δ = (1/N)·(f − t) ⊙ outputGrad(f)}; outputGrad is
     * IDENTITY_GRAD_FROM_OUTPUT for the cross-entropies (their δ is (f − t)/N, backprop.md). With N = 0 the loss is 0.
     * Aliasing: delta may be f or t (each δ element is written after its f and t are read); loss must not be f, t
     * or delta; f may be t.
     */
    default void lossAndDelta(BinaryOp lossTerm, UnaryOp outputGrad, DeviceBuffer f, DeviceBuffer t,
                              DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        FusedDefaults.lossAndDelta(this, lossTerm, outputGrad, f, t, delta, loss, rows, cols);
    }

    /**
     * SGD with optional momentum μ and L2 decay λ over a rows × cols parameter: g' = g + λ·w; with a velocity
     * buffer v ← μ·v + g', w ← w − lr·v; without one (velocity null), w ← w − lr·g'.
     * Aliasing: w, g and velocity must be three different buffers.
     */
    default void sgdStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer velocity, int rows, int cols,
                         double lr, double momentum, double weightDecay) {
        FusedDefaults.sgdStep(this, w, g, velocity, rows, cols, lr, momentum, weightDecay);
    }

    /**
     * Adam step {@code step} (1-based) with L2 decay λ over a rows × cols parameter: g' = g + λ·w;
     * m ← β₁m + (1−β₁)g'; v ← β₂v + (1−β₂)g'²; w ← w − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β₁^step), v̂ = v/(1−β₂^step).
     * Aliasing: w, g, m and v must be four different buffers.
     */
    default void adamStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, int rows, int cols,
                          double lr, double beta1, double beta2, double epsilon, double weightDecay, long step) {
        FusedDefaults.adamStep(this, w, g, m, v, rows, cols, lr, beta1, beta2, epsilon, weightDecay, step);
    }
}
