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
 *   <li>Dtypes: FLOAT32 and FLOAT64 everywhere; INT32 (labels, indices, masks) only where a method says so
 *       (allocate, write/read of int[], copy, fill, copyStrided, cast, gatherRows, compare, and the index, label
 *       and mask operands). Core rejects INT32 everywhere else. The 16-bit storage types BFLOAT16 and FLOAT16
 *       only in allocate, write/read of short[] (raw bits), copy, fill, copyStrided, cast and gatherRows, which
 *       move or convert them; core rejects them with an {@code UnsupportedDTypeException} everywhere else, so a
 *       backend never computes on them by mistake.</li>
 *   <li>Views: every buffer a method receives starts at element 0; core's tensor views (row slices, reshapes) at an
 *       offset are staged into buffers of their own around the call, and only {@link #copyStrided} addresses
 *       elements at an offset. So a backend never handles an offset outside copyStrided.</li>
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

    /**
     * The provider name, e.g. {@code cpu}.
     *
     * @return the name
     */
    String name();

    /**
     * What runs: path, device, threads; shown by {@code Backends.report()}.
     *
     * @return a one-line description
     */
    String description();

    /**
     * Whether tensors of this dtype can be created here.
     *
     * @param dtype the element type
     * @return true when supported
     */
    boolean supports(DType dtype);

    /**
     * The most elements one buffer of this dtype may hold.
     *
     * @param dtype the element type
     * @return the largest length {@link #allocate} accepts for it
     */
    long maxElements(DType dtype);

    // ---- memory ----------------------------------------------------------------------------------------------------

    /**
     * A buffer of {@code length} elements; its contents are undefined until written or filled.
     *
     * @param dtype the element type
     * @param length the number of elements
     * @return a new buffer, released once with {@link #release}
     */
    DeviceBuffer allocate(DType dtype, long length);

    /**
     * Gives a buffer back (to a pool or the device). Called exactly once per allocated buffer. Thread-safe.
     *
     * @param buffer a buffer this backend allocated
     */
    void release(DeviceBuffer buffer);

    /**
     * dst ← src (host to device); {@code src.length == dst.length()}, dst is FLOAT32.
     *
     * @param dst a FLOAT32 buffer of this backend
     * @param src the values
     */
    void write(DeviceBuffer dst, float[] src);

    /**
     * dst ← src (host to device); {@code src.length == dst.length()}, dst is FLOAT64.
     *
     * @param dst a FLOAT64 buffer of this backend
     * @param src the values
     */
    void write(DeviceBuffer dst, double[] src);

    /**
     * dst ← src (device to host); waits for pending work. src is FLOAT32.
     *
     * @param src a FLOAT32 buffer of this backend
     * @param dst receives the values
     */
    void read(DeviceBuffer src, float[] dst);

    /**
     * dst ← src (device to host); waits for pending work. src is FLOAT64.
     *
     * @param src a FLOAT64 buffer of this backend
     * @param dst receives the values
     */
    void read(DeviceBuffer src, double[] dst);

    /**
     * dst ← src (host to device); {@code src.length == dst.length()}, dst is INT32.
     *
     * @param dst an INT32 buffer of this backend
     * @param src the values
     */
    void write(DeviceBuffer dst, int[] src);

    /**
     * dst ← src (device to host); waits for pending work. src is INT32.
     *
     * @param src an INT32 buffer of this backend
     * @param dst receives the values
     */
    void read(DeviceBuffer src, int[] dst);

    /**
     * dst ← src (host to device), raw bits: {@code src.length == dst.length()}, dst is BFLOAT16 or FLOAT16 and each
     * short is one element's 16-bit pattern (core rounds the user's values on the host, {@code dev.nabla.HalfFloats}).
     *
     * @param dst a BFLOAT16 or FLOAT16 buffer of this backend
     * @param src the bit patterns
     */
    void write(DeviceBuffer dst, short[] src);

    /**
     * dst ← src (device to host), raw bits; waits for pending work. src is BFLOAT16 or FLOAT16.
     *
     * @param src a BFLOAT16 or FLOAT16 buffer of this backend
     * @param dst receives the bit patterns
     */
    void read(DeviceBuffer src, short[] dst);

    /**
     * dst[0..n) ← src[0..n) on the device, for every dtype (INT32 included).
     * Aliasing: dst must not be src (OpenCL refuses overlapping copies).
     *
     * @param src the source buffer
     * @param dst the destination buffer, of the same dtype
     * @param n the number of elements
     */
    void copy(DeviceBuffer src, DeviceBuffer dst, long n);

    /**
     * dst[0..n) ← value, for every dtype (to BFLOAT16 and FLOAT16 rounded once from the double, to nearest even, as
     * {@code HalfFloats.fromDouble}).
     *
     * @param dst the buffer to fill
     * @param n the number of elements
     * @param value the value, rounded to the buffer's dtype (for INT32 core passes only integers in the int range)
     */
    void fill(DeviceBuffer dst, long n, double value);

    /**
     * A strided 2-D copy on the device, bit for bit, for every dtype (src and dst have the same dtype):
     * {@code dst[dstOffset + i·dstRowStride + j] ← src[srcOffset + i·srcRowStride + j·srcColStride]} for i in
     * [0, rows), j in [0, cols). Core builds views, concatenation, transposition (srcColStride = the source's row
     * length, srcRowStride = 1) and explicit broadcasting (a stride of 0 repeats a row or a column) on it. Every offset
     * and stride is ≥ 0 and every element addressed lies inside its buffer (core checks). dst's addressed elements are
     * distinct (dstRowStride ≥ cols when rows &gt; 1).
     * Aliasing: dst may be the same buffer as src (two disjoint views of one tensor, e.g. concatenating rows of a
     * tensor into another part of it), but the elements read never overlap the elements written (core checks); a
     * backend must not assume two different buffers.
     *
     * @param src the source buffer
     * @param srcOffset the element of src at (0, 0)
     * @param srcRowStride how far apart in src consecutive rows are
     * @param srcColStride how far apart in src consecutive columns are
     * @param dst the destination buffer
     * @param dstOffset the element of dst at (0, 0)
     * @param dstRowStride how far apart in dst consecutive rows are (columns are adjacent)
     * @param rows the rows to copy
     * @param cols the columns to copy
     */
    void copyStrided(DeviceBuffer src, long srcOffset, long srcRowStride, long srcColStride,
                     DeviceBuffer dst, long dstOffset, long dstRowStride, int rows, int cols);

    /**
     * dst[0..n) ← src[0..n) converted to dst's dtype. Between the floating types (BFLOAT16 and FLOAT16 included):
     * rounded once from the exact source value to nearest (even), with subnormals, overflow to ±∞ and NaN as
     * {@code dev.nabla.HalfFloats} does them bit for bit (a half NaN is the canonical quiet NaN). From INT32 to a
     * 16-bit type: rounded once from the exact integer (not through float, which would round twice). From a 16-bit
     * type to INT32: as from its exact float value.
     * To INT32: rounded toward zero, saturating at the int range, NaN to 0 (Java's {@code (int)} cast and OpenCL's
     * {@code convert_int_sat}). From INT32: the nearest float (exact in FLOAT64).
     * Aliasing: dst must not be src.
     *
     * @param src the source, any dtype
     * @param dst the destination, any dtype
     * @param n the number of elements
     */
    void cast(DeviceBuffer src, DeviceBuffer dst, long n);

    /** Waits until every enqueued operation has finished. */
    void synchronize();

    // ---- primitives ------------------------------------------------------------------------------------------------

    /**
     * C = α·op(A)·op(B) + β·C, with op(A) m×k and op(B) k×n, C m×n. A is stored m×k, or k×m when {@code transA}
     * (so op(A) = Aᵀ); B is stored k×n, or n×k when {@code transB}. β = 0 overwrites C without reading it (BLAS).
     * Covers X·W (forward), Aᵀ·δ (weight gradients) and δ·Wᵀ (back-propagated error).
     * Aliasing: c must not be a or b (tiled kernels write C while other tiles still read A and B); a may be b.
     *
     * <p>Dtypes: a, b and c are all FLOAT32 or all FLOAT64; or, where {@link #gemmOnHalves()} says so, a and b are
     * both BFLOAT16 or both FLOAT16 and c is FLOAT32 or that same 16-bit type. With 16-bit inputs every product and
     * sum is computed in float32 on the exact stored values (each decodes exactly to a float, and the product of two
     * of them is exact in float32 unless it underflows; α and β are rounded to float); a 16-bit c is read as its exact value and the
     * result α·Σ + β·c, formed in float32, is rounded once to c's type (nearest even, as {@code dev.nabla.HalfFloats}).
     *
     * @param transA whether op(A) = Aᵀ (A stored k×m)
     * @param transB whether op(B) = Bᵀ (B stored n×k)
     * @param m the rows of C and op(A)
     * @param n the columns of C and op(B)
     * @param k the inner dimension: the columns of op(A), the rows of op(B)
     * @param alpha α
     * @param a A
     * @param b B
     * @param beta β (0: C is overwritten, not read)
     * @param c C, m×n, updated in place
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              double alpha, DeviceBuffer a, DeviceBuffer b, double beta, DeviceBuffer c);

    /**
     * out[i] = op(x[i], param) for i in [0, n). Aliasing: out may be x (in place).
     *
     * @param op the operation
     * @param param the scalar parameter of op (ignored by ops that take none)
     * @param x the input, n elements
     * @param out the output, n elements (may be x)
     * @param n the number of elements
     */
    void unary(UnaryOp op, double param, DeviceBuffer x, DeviceBuffer out, long n);

    /**
     * out = op(a, b) over a rows × cols matrix a; b is rows × cols ({@link Broadcast#NONE}), 1 × cols
     * ({@link Broadcast#ROW}) or rows × 1 ({@link Broadcast#COLUMN}).
     * Aliasing: out may be a, and b (then the broadcast is trivial: one row or one column); a may be b.
     *
     * @param op the operation
     * @param a the left operand, rows × cols
     * @param b the right operand, shaped as {@code broadcast} says
     * @param broadcast how b is laid over a
     * @param out the output, rows × cols (may be a or b)
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     */
    void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows, int cols);

    /**
     * out (1 × cols) = 1ᵀ·x: the column sums of a rows × cols x, the bias gradient 1ᵀδ.
     * Aliasing: out must not be x (the Vector API path clears out before it adds the rows into it).
     *
     * <p>Dtypes: x and out are both FLOAT32 or both FLOAT64; or, where {@link #sumColumnsOnHalves()} says so, x is
     * BFLOAT16 or FLOAT16 and out is FLOAT32: each element decodes exactly to a float and the sums accumulate in
     * float32 or wider (the bias gradient 1ᵀδ̃ of a network whose errors are stored in 16 bits).
     *
     * @param x the input, rows × cols
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     * @param out the output, 1 × cols
     */
    void sumColumns(DeviceBuffer x, int rows, int cols, DeviceBuffer out);

    /**
     * out (rows × 1) = the max, min or sum of each row of x (rows × cols). Aliasing: out must not be x.
     *
     * @param op MAX, MIN or SUM
     * @param x the input, rows × cols
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     * @param out the output, rows × 1
     */
    void reduceRows(RowReduction op, DeviceBuffer x, int rows, int cols, DeviceBuffer out);

    /**
     * out[0] = Σ x[0..n). Aliasing: out must not be x.
     *
     * @param x the input
     * @param n the number of elements
     * @param out the output, one element
     */
    void sumAll(DeviceBuffer x, long n, DeviceBuffer out);

    /**
     * y ← α·x + y over n elements. Aliasing: x may be y (then y ← (1 + α)·y).
     *
     * @param alpha α
     * @param x x
     * @param y y, updated in place
     * @param n the number of elements
     */
    void axpy(double alpha, DeviceBuffer x, DeviceBuffer y, long n);

    // ---- indexing and masks -----------------------------------------------------------------------------------------

    /**
     * dst (n × cols) row i ← src row indices[i]: a gather of rows, for every dtype (src and dst have the same dtype).
     * Core has checked every index against [0, srcRows); a backend may still refuse to read outside src.
     * Aliasing: dst must not be src or indices.
     *
     * @param src the source, srcRows × cols
     * @param srcRows the rows of src
     * @param cols the columns of src and dst
     * @param indices INT32, n elements, each in [0, srcRows)
     * @param n the number of rows gathered
     * @param dst the destination, n × cols
     */
    void gatherRows(DeviceBuffer src, int srcRows, int cols, DeviceBuffer indices, int n, DeviceBuffer dst);

    /**
     * dst row indices[i] += src row i for i in [0, n), the adjoint of {@link #gatherRows} (its gradient): rows that
     * several indices name receive the sum of their src rows, added in increasing i so that every backend gets the
     * same result up to the rounding of each addition. FLOAT32 or FLOAT64. Core has checked every index against
     * [0, dstRows).
     * Aliasing: dst must not be src or indices.
     *
     * @param src the rows to add, n × cols
     * @param indices INT32, n elements, each in [0, dstRows)
     * @param n the rows of src
     * @param cols the columns of src and dst
     * @param dst the accumulator, dstRows × cols, updated in place
     * @param dstRows the rows of dst
     */
    void scatterAddRows(DeviceBuffer src, DeviceBuffer indices, int n, int cols, DeviceBuffer dst, int dstRows);

    /**
     * out[i] (INT32) = the smallest j with x[i][j] = max_j x[i][j], over a rows × cols FLOAT32 or FLOAT64 x with
     * cols ≥ 1. A NaN counts as larger than every number (the first NaN of a row wins), as PyTorch's argmax.
     * Aliasing: out must not be x.
     *
     * @param x the input, rows × cols
     * @param rows the rows of x
     * @param cols the columns of x, at least 1
     * @param out INT32, rows elements
     */
    void argmaxRows(DeviceBuffer x, int rows, int cols, DeviceBuffer out);

    /**
     * out (n × classes, FLOAT32 or FLOAT64) = 1 where j = labels[i], else 0. Core has checked every label against
     * [0, classes).
     * Aliasing: out must not be labels.
     *
     * @param labels INT32, n elements
     * @param n the number of labels
     * @param classes the columns of out
     * @param out the one-hot rows, n × classes
     */
    void oneHot(DeviceBuffer labels, int n, int classes, DeviceBuffer out);

    /**
     * out (INT32 mask) = 1 where a op b, else 0, over a rows × cols a; b is laid over a as in {@link #binary}
     * (NONE, ROW or COLUMN). a and b have the same dtype: FLOAT32, FLOAT64 or INT32.
     * Aliasing: out must not be a or b; a may be b.
     *
     * @param op the comparison
     * @param a the left operand, rows × cols
     * @param b the right operand, shaped as {@code broadcast} says
     * @param broadcast how b is laid over a
     * @param out INT32, rows × cols
     * @param rows the rows of a
     * @param cols the columns of a
     */
    void compare(CompareOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows,
                 int cols);

    /**
     * out[i] = mask[i] ≠ 0 ? a[i] : b[i] over n elements; a, b and out are FLOAT32 or FLOAT64 of one dtype, mask is
     * INT32. The element not chosen is never computed with, so a NaN or ∞ there does not reach out.
     * Aliasing: out may be a or b (elementwise); out must not be mask; a may be b.
     *
     * @param mask INT32, n elements
     * @param a chosen where mask ≠ 0
     * @param b chosen where mask = 0
     * @param out the output, n elements
     * @param n the number of elements
     */
    void where(DeviceBuffer mask, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n);

    /**
     * Whether {@link #biasActivation} and {@link #activationBackward} take BFLOAT16 and FLOAT16 operands (all of one
     * dtype): they read 16-bit storage, compute in float32 and write the result rounded to the storage type (to
     * nearest even, as {@code dev.nabla.HalfFloats}). False by default: core then refuses the 16-bit types there.
     *
     * @return true when this backend has those two kernels on 16-bit storage
     */
    default boolean fusedActivationsOnHalves() {
        return false;
    }

    /**
     * Whether {@link #sumColumns} takes a BFLOAT16 or FLOAT16 x into a FLOAT32 out, accumulating in float32 or wider
     * on the exact stored values. False by default: core then refuses 16-bit operands of sumColumns by name, and a
     * mixed-precision network keeps its errors δ in FLOAT32 on this backend.
     *
     * @return true when this backend's sumColumns reads 16-bit input
     */
    default boolean sumColumnsOnHalves() {
        return false;
    }

    /**
     * Whether {@link #gemm} takes BFLOAT16 or FLOAT16 inputs (a and b of one 16-bit type) with float32 accumulation
     * and a FLOAT32 or same-16-bit-type output (see gemm's javadoc). False by default: core then refuses 16-bit
     * operands of gemm and the matmul family by name.
     *
     * @return true when this backend's gemm computes on 16-bit inputs
     */
    default boolean gemmOnHalves() {
        return false;
    }

    /**
     * Backend-specific counters (device buffer creations, bytes moved, ...); empty by default.
     *
     * @return the counters by name
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    void close();

    // ---- fused ops: defaults compose the primitives; override only where a benchmark shows a gain --------------------

    /**
     * out = g(z + 1·b) for an elementwise activation g (IDENTITY, SIGMOID, TANH, RELU); z is rows × cols, b is 1 × cols.
     * Aliasing: out may be z, and bias (then rows = 1); z may be bias.
     *
     * @param activation the elementwise activation g
     * @param z z, rows × cols
     * @param bias b, 1 × cols
     * @param out the output, rows × cols (may be z)
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     */
    default void biasActivation(UnaryOp activation, DeviceBuffer z, DeviceBuffer bias, DeviceBuffer out, int rows, int cols) {
        FusedDefaults.biasActivation(this, activation, z, bias, out, rows, cols);
    }

    /**
     * out[i][j] = e^(x[i][j] − max_j x[i]) / Σ_j e^(x[i][j] − max_j x[i]), row by row.
     * Aliasing: out may be x (every backend reads a row whole before it writes it).
     *
     * @param x the input, rows × cols
     * @param out the output, rows × cols (may be x)
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     */
    default void softmaxRows(DeviceBuffer x, DeviceBuffer out, int rows, int cols) {
        FusedDefaults.softmaxRows(this, x, out, rows, cols);
    }

    /**
     * out = d ⊙ g'(a) over rows × cols, with g' taken from the stored activation a (a *_GRAD_FROM_OUTPUT op).
     * Aliasing: out may be a or d (elementwise); a may be d.
     *
     * @param gradFromOutput the derivative g' as a function of the stored output (a {@code *_GRAD_FROM_OUTPUT} op)
     * @param a the stored activation, rows × cols
     * @param d the incoming gradient, rows × cols
     * @param out the output, rows × cols
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
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
     *
     * @param gradFromOutput the derivative g' as a function of the stored output (a {@code *_GRAD_FROM_OUTPUT} op)
     * @param delta δ, rows × nOut
     * @param w W, nIn × nOut
     * @param aPrev the previous layer's stored activation, rows × nIn
     * @param out the output, rows × nIn
     * @param rows the batch size N
     * @param nOut the columns of δ and W (the layer's outputs)
     * @param nIn the rows of W, the columns of aPrev and out (the layer's inputs)
     */
    default void backpropDelta(UnaryOp gradFromOutput, DeviceBuffer delta, DeviceBuffer w, DeviceBuffer aPrev,
                               DeviceBuffer out, int rows, int nOut, int nIn) {
        FusedDefaults.backpropDelta(this, gradFromOutput, delta, w, aPrev, out, rows, nOut, nIn);
    }

    /**
     * The loss and its error at the output, over f and t (rows × cols, N = rows):
     * {@code loss[0] = (1/N) Σ lossTerm(f, t)} and {@code δ = (1/N)·(f − t) ⊙ outputGrad(f)}; outputGrad is
     * IDENTITY_GRAD_FROM_OUTPUT for the cross-entropies (their δ is (f − t)/N, backprop.md). With N = 0 the loss is 0.
     * The cross-entropies' terms clamp f (see {@link BinaryOp#PROBABILITY_EPSILON}), so on saturated outputs their
     * value is a lower bound; {@link #logitLossAndDelta} takes it from the logits instead, exactly.
     * Aliasing: delta may be f or t (each δ element is written after its f and t are read); loss must not be f, t
     * or delta; f may be t.
     *
     * @param lossTerm the per-element loss term
     * @param outputGrad the output activation's derivative from its output (IDENTITY_GRAD_FROM_OUTPUT for the
     * cross-entropies)
     * @param f the network's output, rows × cols
     * @param t the targets, rows × cols
     * @param delta receives δ, rows × cols (may be f)
     * @param loss receives the loss in element 0
     * @param rows the batch size N
     * @param cols the columns of the matrix
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
     * Aliasing: delta may be f or t (written after the loss is taken from z and t); delta must not be z; loss must
     * not be z, f, t or delta; z, f and t may be the same buffer.
     *
     * @param lossTerm CROSS_ENTROPY (softmax output) or BINARY_CROSS_ENTROPY (sigmoid output)
     * @param z the output layer's pre-activation (logits), rows × cols
     * @param f the output g(z), rows × cols
     * @param t the targets, rows × cols
     * @param delta receives δ, rows × cols (may be f or t)
     * @param loss receives the loss in element 0
     * @param rows the batch size N
     * @param cols the columns of the matrix
     */
    default void logitLossAndDelta(BinaryOp lossTerm, DeviceBuffer z, DeviceBuffer f, DeviceBuffer t,
                                   DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        FusedDefaults.logitLossAndDelta(this, lossTerm, z, f, t, delta, loss, rows, cols);
    }

    /**
     * SGD with optional momentum μ and L2 decay λ over a rows × cols parameter: g' = g + λ·w; with a velocity
     * buffer v ← μ·v + g', w ← w − lr·v; without one (velocity null), w ← w − lr·g'.
     * Aliasing: w, g and velocity must be three different buffers.
     *
     * @param w the parameter, updated in place
     * @param g the gradient of the loss with respect to w
     * @param velocity the momentum buffer v, or null without momentum
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     * @param lr the learning rate
     * @param momentum μ, in [0, 1)
     * @param weightDecay λ, the L2 decay (0: none)
     */
    default void sgdStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer velocity, int rows, int cols,
                         double lr, double momentum, double weightDecay) {
        FusedDefaults.sgdStep(this, w, g, velocity, rows, cols, lr, momentum, weightDecay);
    }

    /**
     * Adam step {@code step} (1-based) with L2 decay λ over a rows × cols parameter: g' = g + λ·w;
     * m ← β₁m + (1−β₁)g'; v ← β₂v + (1−β₂)g'²; w ← w − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β₁^step), v̂ = v/(1−β₂^step).
     * Aliasing: w, g, m and v must be four different buffers.
     *
     * @param w the parameter, updated in place
     * @param g the gradient of the loss with respect to w
     * @param m the first moment m, updated
     * @param v the second moment v, updated
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     * @param lr the learning rate
     * @param beta1 β₁, the first moment's decay
     * @param beta2 β₂, the second moment's decay
     * @param epsilon ε, added to √v̂
     * @param weightDecay λ, the L2 decay (0: none)
     * @param step the step number, 1-based, for the bias correction
     */
    default void adamStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, int rows, int cols,
                          double lr, double beta1, double beta2, double epsilon, double weightDecay, long step) {
        FusedDefaults.adamStep(this, w, g, m, v, rows, cols, lr, beta1, beta2, epsilon, weightDecay, step);
    }
}
