package dev.nabla;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.lang.ref.Cleaner;
import java.util.function.Consumer;

/**
 * A 2-D, row-major matrix of FLOAT32 or FLOAT64 owned by one {@link Backend}. Ops run on that backend and their
 * results stay there; only {@link #toFloatArray()}, {@link #toDoubleArray()} and {@link #item()} bring data back.
 *
 * <p>Every op returns a new tensor (of the same backend and dtype) except {@link #axpyInPlace}. Tensors are
 * {@link AutoCloseable}: close them, or create them inside a {@link Scope}. Closing twice is fine; using a closed
 * tensor throws {@link TensorClosedException}. A tensor that is garbage-collected unclosed still frees its buffer.
 */
public final class Tensor implements AutoCloseable {
    private final Backend backend;
    private final Shape shape;
    private final DType dtype;
    final TensorState state;
    /** Frees the buffer; null for a view, which owns nothing. */
    private final Cleaner.Cleanable cleanable;
    /** Where this tensor's elements start in its buffer: 0 except for a view. */
    private final long offset;
    /** For a view: the tensor that owns the buffer; null for a tensor that owns its own. */
    private final Tensor base;
    /** Set when a view is closed (a view's state is its base's, which closing the view does not release). */
    private volatile boolean viewClosed;
    /** The scope that will close this tensor, or null. */
    Scope owner;

    Tensor(Backend backend, Shape shape, DType dtype, TensorState state, Cleaner cleaner) {
        this.backend = backend;
        this.shape = shape;
        this.dtype = dtype;
        this.state = state;
        this.cleanable = cleaner.register(this, state);
        this.offset = 0;
        this.base = null;
    }

    /** A view of {@code owner}'s buffer: {@code shape.size()} elements from {@code offset}. */
    private Tensor(Tensor owner, Shape shape, long offset) {
        this.backend = owner.backend;
        this.shape = shape;
        this.dtype = owner.dtype;
        this.state = owner.state;
        this.cleanable = null;
        this.offset = offset;
        this.base = owner;
    }

    /**
     * The shape, rows × cols.
     *
     * @return the shape
     */
    public Shape shape() {
        return shape;
    }

    /**
     * The number of rows.
     *
     * @return the number of rows
     */
    public int rows() {
        return shape.rows();
    }

    /**
     * The number of columns.
     *
     * @return the number of columns
     */
    public int cols() {
        return shape.cols();
    }

    /**
     * Number of elements.
     *
     * @return rows·cols
     */
    public long size() {
        return shape.size();
    }

    /**
     * The element type.
     *
     * @return FLOAT32 or FLOAT64
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The backend this tensor lives on; every op runs there.
     *
     * @return the backend
     */
    public Backend backend() {
        return backend;
    }

    /**
     * Whether this tensor has been closed (by the caller, its scope or its backend).
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return viewClosed || state.isReleased();
    }

    /**
     * Whether this tensor is a view ({@link #sliceRows}, {@link #reshape}) of another tensor's elements.
     *
     * @return true for a view
     */
    public boolean isView() {
        return base != null;
    }

    /** Where this tensor's elements start in {@link TensorState#buffer()}. */
    long offsetInBuffer() {
        return offset;
    }

    /** Whether t holds exactly this tensor's elements (the same buffer, offset and length). */
    boolean sameRange(Tensor t) {
        return t.state == state && t.offset == offset && t.size() == size();
    }

    /** Whether t and this share at least one element. */
    boolean overlaps(Tensor t) {
        return t.state == state && t.offset < offset + size() && offset < t.offset + t.size()
                || sameRange(t);
    }

    /**
     * The backend's buffer behind this tensor, for backend authors and the contract kit (calls into
     * {@link dev.nabla.spi.ComputeBackend} take buffers). Throws if the tensor is closed.
     *
     * @return the buffer; only its backend may read it
     */
    public DeviceBuffer buffer() {
        if (isClosed()) {
            throw new TensorClosedException("buffer: tensor " + shape + " " + dtype + " [" + backend.name()
                    + "] is closed" + (isView() && !viewClosed ? " (it is a view and its base tensor was closed)" : ""));
        }
        if (offset != 0 || size() != state.buffer().length()) {
            throw new InvalidArgumentException("buffer: this " + shape + " " + dtype + " tensor is a view of part of "
                    + "another tensor's buffer (from element " + offset + "); call copy() for a tensor with a buffer "
                    + "of its own [" + backend.name() + "]");
        }
        return state.buffer();
    }

    // ---- data out ------------------------------------------------------------------------------------------------------

    /**
     * The elements, row-major, as floats (FLOAT64 values are rounded; BFLOAT16 and FLOAT16 decoded exactly). Waits
     * for pending work.
     *
     * @return a new array of rows·cols floats
     */
    public float[] toFloatArray() {
        String op = "toFloatArray";
        backend.ops().check(op, this);
        int n = backend.hostLength(op, shape);
        float[] out = HostArrays.floats(backend.call(op), shape, dtype, n, backend.name());
        try (Staging st = Staging.open(backend, backend.call(op))) {
            DeviceBuffer src = st.read(this);
            switch (dtype) {
                case FLOAT32 -> backend.compute().read(src, out);
                case FLOAT64 -> {
                    double[] d = HostArrays.doubles(backend.call(op), shape, dtype, n, backend.name());
                    backend.compute().read(src, d);
                    for (int i = 0; i < d.length; i++) {
                        out[i] = (float) d[i];
                    }
                }
                case INT32 -> {
                    int[] v = HostArrays.ints(backend.call(op), shape, dtype, n, backend.name());
                    backend.compute().read(src, v);
                    for (int i = 0; i < v.length; i++) {
                        out[i] = v[i];
                    }
                }
                case BFLOAT16, FLOAT16 -> {
                    short[] h = HostArrays.shorts(backend.call(op), shape, dtype, n, backend.name());
                    backend.compute().read(src, h);
                    for (int i = 0; i < h.length; i++) {
                        out[i] = HalfFloats.toFloat(dtype, h[i]);
                    }
                }
            }
        }
        backend.countDownload(size() * dtype.bytes());
        return out;
    }

    /**
     * The elements, row-major, as doubles (FLOAT32, BFLOAT16, FLOAT16 and INT32 values are widened exactly). Waits for
     * pending work.
     *
     * @return a new array of rows·cols doubles
     */
    public double[] toDoubleArray() {
        String op = "toDoubleArray";
        backend.ops().check(op, this);
        int n = backend.hostLength(op, shape);
        double[] out = HostArrays.doubles(backend.call(op), shape, dtype, n, backend.name());
        try (Staging st = Staging.open(backend, backend.call(op))) {
            DeviceBuffer src = st.read(this);
            switch (dtype) {
                case FLOAT64 -> backend.compute().read(src, out);
                case FLOAT32 -> {
                    float[] f = HostArrays.floats(backend.call(op), shape, dtype, n, backend.name());
                    backend.compute().read(src, f);
                    for (int i = 0; i < f.length; i++) {
                        out[i] = f[i];
                    }
                }
                case INT32 -> {
                    int[] v = HostArrays.ints(backend.call(op), shape, dtype, n, backend.name());
                    backend.compute().read(src, v);
                    for (int i = 0; i < v.length; i++) {
                        out[i] = v[i];
                    }
                }
                case BFLOAT16, FLOAT16 -> {
                    short[] h = HostArrays.shorts(backend.call(op), shape, dtype, n, backend.name());
                    backend.compute().read(src, h);
                    for (int i = 0; i < h.length; i++) {
                        out[i] = HalfFloats.toFloat(dtype, h[i]);
                    }
                }
            }
        }
        backend.countDownload(size() * dtype.bytes());
        return out;
    }

    /**
     * The 16-bit patterns of a BFLOAT16 or FLOAT16 tensor, row-major, as stored (see {@link HalfFloats}); what weights
     * files hold. Waits for pending work. {@link #toFloatArray()} gives the values.
     *
     * @return a new array of rows·cols bit patterns
     */
    public short[] toHalfBits() {
        String op = "toHalfBits";
        backend.ops().check(op, this);
        if (!dtype.isHalf()) {
            throw new DTypeMismatchException("toHalfBits: tensor " + shape + " is " + dtype + ", not BFLOAT16 or "
                    + "FLOAT16; convert it with cast(DType.BFLOAT16) or cast(DType.FLOAT16) (rounds to nearest even) ["
                    + backend.name() + "]");
        }
        int n = backend.hostLength(op, shape);
        short[] out = HostArrays.shorts(backend.call(op), shape, dtype, n, backend.name());
        try (Staging st = Staging.open(backend, backend.call(op))) {
            backend.compute().read(st.read(this), out);
        }
        backend.countDownload(size() * 2L);
        return out;
    }

    /**
     * The elements of an INT32 tensor, row-major. Waits for pending work. A floating tensor must be converted first,
     * with {@link #cast}: this method never rounds silently.
     *
     * @return a new array of rows·cols ints
     */
    public int[] toIntArray() {
        String op = "toIntArray";
        backend.ops().check(op, this);
        if (dtype != DType.INT32) {
            throw new DTypeMismatchException("toIntArray: tensor " + shape + " is " + dtype + ", not INT32; convert it "
                    + "with cast(DType.INT32) (rounds toward zero) [" + backend.name() + "]");
        }
        int n = backend.hostLength(op, shape);
        int[] out = HostArrays.ints(backend.call(op), shape, dtype, n, backend.name());
        try (Staging st = Staging.open(backend, backend.call(op))) {
            backend.compute().read(st.read(this), out);
        }
        backend.countDownload(size() * 4L);
        return out;
    }

    /**
     * dst ← the elements of this FLOAT32 tensor, row-major: {@link #toFloatArray()} into an array the caller owns and
     * reuses, so that a loop reading the same tensor every step allocates nothing on the host (DataParallel's
     * gradients and broadcasts). Only FLOAT32: another dtype would need a conversion array, which
     * {@link #toFloatArray()} makes. Waits for pending work.
     *
     * @param dst receives the rows·cols values; its length must be exactly rows·cols
     */
    public void readInto(float[] dst) {
        String op = "readInto";
        hostArrayCheck(op, DType.FLOAT32, dst == null ? -1 : dst.length, "float[]");
        try (Staging st = Staging.open(backend, backend.call(op))) {
            backend.compute().read(st.read(this), dst);
        }
        backend.countDownload(size() * 4L);
    }

    /**
     * dst ← the elements of this FLOAT64 tensor, row-major: {@link #toDoubleArray()} into an array the caller owns and
     * reuses. Only FLOAT64 ({@link #readInto(float[])} reads FLOAT32). Waits for pending work.
     *
     * @param dst receives the rows·cols values; its length must be exactly rows·cols
     */
    public void readInto(double[] dst) {
        String op = "readInto";
        hostArrayCheck(op, DType.FLOAT64, dst == null ? -1 : dst.length, "double[]");
        try (Staging st = Staging.open(backend, backend.call(op))) {
            backend.compute().read(st.read(this), dst);
        }
        backend.countDownload(size() * 8L);
    }

    /**
     * this ← src, row-major (host to device), for a FLOAT32 tensor: overwrites the elements in place (through a view
     * too) from an array the caller owns and may change again once this returns, so that a loop writing the same
     * tensor every step allocates nothing on the host. Only FLOAT32: {@link Backend#fromArray(double[], int, int,
     * DType)} rounds other values.
     *
     * @param src the rows·cols new values; its length must be exactly rows·cols
     * @return this tensor
     */
    public Tensor writeFrom(float[] src) {
        String op = "writeFrom";
        hostArrayCheck(op, DType.FLOAT32, src == null ? -1 : src.length, "float[]");
        try (Staging st = Staging.open(backend, backend.call(op))) {
            backend.compute().write(st.write(this), src);   // every backend copies src before write returns
            st.commit();
        }
        backend.countUpload(size() * 4L);
        return this;
    }

    /**
     * this ← src, row-major (host to device), for a FLOAT64 tensor; see {@link #writeFrom(float[])}.
     *
     * @param src the rows·cols new values; its length must be exactly rows·cols
     * @return this tensor
     */
    public Tensor writeFrom(double[] src) {
        String op = "writeFrom";
        hostArrayCheck(op, DType.FLOAT64, src == null ? -1 : src.length, "double[]");
        try (Staging st = Staging.open(backend, backend.call(op))) {
            backend.compute().write(st.write(this), src);
            st.commit();
        }
        backend.countUpload(size() * 8L);
        return this;
    }

    /** The checks of readInto/writeFrom: open, of {@code need}'s dtype, and an array of exactly size() elements. */
    private void hostArrayCheck(String op, DType need, int length, String array) {
        backend.ops().check(op, this);
        if (dtype != need) {
            throw new DTypeMismatchException(op + ": tensor " + shape + " is " + dtype + " but a " + array
                    + " holds " + need + " values; use " + (need == DType.FLOAT32 ? "double[]" : "float[]")
                    + " for " + (need == DType.FLOAT32 ? "FLOAT64" : "FLOAT32") + ", or toDoubleArray()/fromArray for "
                    + "other dtypes [" + backend.name() + "]");
        }
        if (length < 0) {
            throw new InvalidArgumentException(op + ": the " + array + " is null (tensor " + shape + " " + dtype
                    + ") [" + backend.name() + "]");
        }
        if (length != size()) {
            throw new ShapeMismatchException(op + ": tensor " + shape + " has " + size() + " elements but the "
                    + array + " holds " + length + "; it must hold exactly " + size() + " [" + backend.name() + "]");
        }
    }

    /**
     * The single value of a 1 × 1 tensor. Waits for pending work.
     *
     * @return the value
     */
    public double item() {
        backend.ops().check("item", this);
        if (size() != 1) {
            throw new ShapeMismatchException("item: only a 1×1 tensor has one value, this is " + shape + " ["
                    + backend.name() + "]");
        }
        return toDoubleArray()[0];
    }

    /**
     * A copy of this tensor on {@code target} (through the host when the backends differ). Always a new tensor.
     *
     * @param target the backend to copy to (may be this tensor's own)
     * @return a new tensor on {@code target}
     */
    public Tensor to(Backend target) {
        backend.ops().check("to", this);
        if (target == null) {
            throw new InvalidArgumentException("to: the target backend is null (tensor " + shape + " " + dtype + " ["
                    + backend.name() + "])");
        }
        target.checkOpen("to");
        if (target == backend) {
            return copy();
        }
        return switch (dtype) {
            case FLOAT32 -> target.fromArray(toFloatArray(), rows(), cols());
            case FLOAT64 -> target.fromArray(toDoubleArray(), rows(), cols());
            case INT32 -> target.fromArray(toIntArray(), rows(), cols());
            case BFLOAT16, FLOAT16 -> target.fromHalfBits(toHalfBits(), rows(), cols(), dtype);
        };
    }

    /**
     * A copy on the same backend.
     *
     * @return a new tensor with the same shape, dtype and values
     */
    public Tensor copy() {
        backend.ops().check("copy", this);
        return output("copy", shape, out -> backend.ops().copy(this, out));
    }

    /**
     * Takes this tensor out of the scope that would close it (the caller owns it now). Returns this.
     *
     * @return this tensor
     */
    public Tensor detach() {
        if (owner != null) {
            owner.forget(this);
            owner = null;
        }
        return this;
    }

    // ---- products ------------------------------------------------------------------------------------------------------

    /**
     * this · b
     *
     * @param b the right operand, cols × n
     * @return a new rows × n tensor
     */
    public Tensor matmul(Tensor b) {
        return product("matmul", false, false, b);
    }

    /**
     * thisᵀ · b: the Aᵀδ form of weight gradients.
     *
     * @param b the right operand, rows × n
     * @return a new cols × n tensor
     */
    public Tensor matmulTransA(Tensor b) {
        return product("matmulTransA", true, false, b);
    }

    /**
     * this · bᵀ: the δWᵀ form of back-propagated errors.
     *
     * @param b the right operand, n × cols
     * @return a new rows × n tensor
     */
    public Tensor matmulTransB(Tensor b) {
        return product("matmulTransB", false, true, b);
    }

    private Tensor product(String op, boolean transA, boolean transB, Tensor b) {
        Shape out = backend.ops().gemmShape(op, transA, transB, this, b);
        return output(op, out, c -> backend.ops().gemm(op, transA, transB, 1.0, this, b, 0.0, c));
    }

    // ---- elementwise ---------------------------------------------------------------------------------------------------

    /**
     * this + 1·b for a 1 × cols row vector b (b added to every row: the bias form).
     *
     * @param b the row vector, 1 × cols
     * @return a new tensor of this shape
     */
    public Tensor addRowVector(Tensor b) {
        return binary("addRowVector", BinaryOp.ADD, b, Broadcast.ROW);
    }

    /**
     * this + b, same shape.
     *
     * @param b the other operand, this shape
     * @return a new tensor
     */
    public Tensor add(Tensor b) {
        return binary("add", BinaryOp.ADD, b, Broadcast.NONE);
    }

    /**
     * this − b, same shape.
     *
     * @param b the other operand, this shape
     * @return a new tensor
     */
    public Tensor sub(Tensor b) {
        return binary("sub", BinaryOp.SUB, b, Broadcast.NONE);
    }

    /**
     * this ⊙ b (elementwise product), same shape.
     *
     * @param b the other operand, this shape
     * @return a new tensor
     */
    public Tensor hadamard(Tensor b) {
        return binary("hadamard", BinaryOp.MUL, b, Broadcast.NONE);
    }

    /**
     * this / b elementwise, same shape.
     *
     * @param b the divisor, this shape
     * @return a new tensor
     */
    public Tensor div(Tensor b) {
        return binary("div", BinaryOp.DIV, b, Broadcast.NONE);
    }

    /**
     * this + s elementwise.
     *
     * @param s the scalar
     * @return a new tensor
     */
    public Tensor add(double s) {
        return unary("add", UnaryOp.ADD_SCALAR, s);
    }

    /**
     * this − s elementwise.
     *
     * @param s the scalar
     * @return a new tensor
     */
    public Tensor sub(double s) {
        return unary("sub", UnaryOp.ADD_SCALAR, -s);
    }

    /**
     * s − this elementwise (e.g. {@code f.rsub(1)} for 1 − F).
     *
     * @param s the scalar
     * @return a new tensor
     */
    public Tensor rsub(double s) {
        backend.ops().checkFloat("rsub", this);
        return output("rsub", shape, out -> {
            backend.ops().unary("rsub", UnaryOp.SCALE, -1, this, out);
            backend.ops().unary("rsub", UnaryOp.ADD_SCALAR, s, out, out);
        });
    }

    /**
     * s · this elementwise (the same as {@link #scale}).
     *
     * @param s the factor
     * @return a new tensor
     */
    public Tensor mul(double s) {
        return unary("mul", UnaryOp.SCALE, s);
    }

    /**
     * this / s elementwise, divided exactly as this / full(s) would be (not multiplied by 1/s).
     *
     * @param s the divisor
     * @return a new tensor
     */
    public Tensor div(double s) {
        return withScalar("div", s, (sc, out) -> backend.ops().binary("div", BinaryOp.DIV, this, sc, Broadcast.NONE,
                out));
    }

    /**
     * s / this elementwise.
     *
     * @param s the dividend
     * @return a new tensor
     */
    public Tensor rdiv(double s) {
        return withScalar("rdiv", s, (sc, out) -> backend.ops().binary("rdiv", BinaryOp.DIV, sc, this, Broadcast.NONE,
                out));
    }

    /**
     * −this elementwise (−0 for 0).
     *
     * @return a new tensor
     */
    public Tensor neg() {
        return unary("neg", UnaryOp.SCALE, -1);
    }

    /**
     * |this| elementwise.
     *
     * @return a new tensor
     */
    public Tensor abs() {
        return unary("abs", UnaryOp.ABS, 0);
    }

    /**
     * √this elementwise (NaN below 0).
     *
     * @return a new tensor
     */
    public Tensor sqrt() {
        return unary("sqrt", UnaryOp.SQRT, 0);
    }

    /**
     * this² elementwise.
     *
     * @return a new tensor
     */
    public Tensor square() {
        return unary("square", UnaryOp.SQUARE, 0);
    }

    /**
     * thisᵖ elementwise, as {@link Math#pow}.
     *
     * @param p the exponent
     * @return a new tensor
     */
    public Tensor pow(double p) {
        return unary("pow", UnaryOp.POW, p);
    }

    /**
     * min(max(this, lo), hi) elementwise; NaN stays NaN. lo ≤ hi.
     *
     * @param lo the lower bound
     * @param hi the upper bound
     * @return a new tensor
     */
    public Tensor clamp(double lo, double hi) {
        if (!(lo <= hi)) {
            throw new InvalidArgumentException("clamp: the bounds [" + lo + ", " + hi + "] are not lo ≤ hi (tensor "
                    + shape + " " + dtype + ") [" + backend.name() + "]");
        }
        backend.ops().checkFloat("clamp", this);
        return output("clamp", shape, out -> {
            backend.ops().unary("clamp", UnaryOp.MAX_SCALAR, lo, this, out);
            backend.ops().unary("clamp", UnaryOp.MIN_SCALAR, hi, out, out);
        });
    }

    /**
     * max(this, b) elementwise, same shape (NaN wins).
     *
     * @param b the other operand
     * @return a new tensor
     */
    public Tensor maximum(Tensor b) {
        return binary("maximum", BinaryOp.MAX, b, Broadcast.NONE);
    }

    /**
     * min(this, b) elementwise, same shape (NaN wins).
     *
     * @param b the other operand
     * @return a new tensor
     */
    public Tensor minimum(Tensor b) {
        return binary("minimum", BinaryOp.MIN, b, Broadcast.NONE);
    }

    /**
     * this ⊙ b elementwise, same shape: PyTorch's name for {@link #hadamard}.
     *
     * @param b the other operand
     * @return a new tensor
     */
    public Tensor mul(Tensor b) {
        return binary("mul", BinaryOp.MUL, b, Broadcast.NONE);
    }

    /**
     * this − 1·b for a 1 × cols row vector b (subtracted from every row).
     *
     * @param b the row vector, 1 × cols
     * @return a new tensor of this shape
     */
    public Tensor subRowVector(Tensor b) {
        return binary("subRowVector", BinaryOp.SUB, b, Broadcast.ROW);
    }

    /**
     * Every row ⊙ a 1 × cols row vector b.
     *
     * @param b the row vector, 1 × cols
     * @return a new tensor of this shape
     */
    public Tensor mulRowVector(Tensor b) {
        return binary("mulRowVector", BinaryOp.MUL, b, Broadcast.ROW);
    }

    /**
     * Every row / a 1 × cols row vector b elementwise.
     *
     * @param b the row vector, 1 × cols
     * @return a new tensor of this shape
     */
    public Tensor divRowVector(Tensor b) {
        return binary("divRowVector", BinaryOp.DIV, b, Broadcast.ROW);
    }

    /**
     * this + b·1ᵀ for a rows × 1 column vector b (b[i] added to every element of row i).
     *
     * @param b the column vector, rows × 1
     * @return a new tensor of this shape
     */
    public Tensor addColumnVector(Tensor b) {
        return binary("addColumnVector", BinaryOp.ADD, b, Broadcast.COLUMN);
    }

    /**
     * this − b·1ᵀ for a rows × 1 column vector b (e.g. x minus its row means).
     *
     * @param b the column vector, rows × 1
     * @return a new tensor of this shape
     */
    public Tensor subColumnVector(Tensor b) {
        return binary("subColumnVector", BinaryOp.SUB, b, Broadcast.COLUMN);
    }

    /**
     * Row i times b[i], for a rows × 1 column vector b.
     *
     * @param b the column vector, rows × 1
     * @return a new tensor of this shape
     */
    public Tensor mulColumnVector(Tensor b) {
        return binary("mulColumnVector", BinaryOp.MUL, b, Broadcast.COLUMN);
    }

    /**
     * Row i divided by b[i], for a rows × 1 column vector b (e.g. normalising rows by their sums).
     *
     * @param b the column vector, rows × 1
     * @return a new tensor of this shape
     */
    public Tensor divColumnVector(Tensor b) {
        return binary("divColumnVector", BinaryOp.DIV, b, Broadcast.COLUMN);
    }

    /**
     * This tensor repeated to rows × cols: the one explicit broadcast, for either operand of any binary op
     * ({@code row.broadcastTo(n, k).sub(x)}). This is 1 × 1, 1 × cols, rows × 1 or rows × cols.
     *
     * @param rows the rows of the result
     * @param cols the columns of the result
     * @return a new rows × cols tensor
     */
    public Tensor broadcastTo(int rows, int cols) {
        backend.ops().check("broadcastTo", this);
        Shape out = backend.checkedShape("broadcastTo", rows, cols, dtype);
        return output("broadcastTo", out, o -> backend.ops().broadcastTo(this, o));
    }

    /** A FLOAT tensor of this shape filled with s, then body(scalarTensor, out); the filled tensor is freed after. */
    private Tensor withScalar(String op, double s, java.util.function.BiConsumer<Tensor, Tensor> body) {
        backend.ops().checkFloat(op, this);
        return output(op, shape, out -> {
            try (Tensor sc = backend.full(rows(), cols(), s, dtype)) {
                body.accept(sc, out);
            }
        });
    }

    // ---- comparisons and masks ---------------------------------------------------------------------------------------

    /**
     * An INT32 mask, this shape: 1 where this &gt; b, else 0 (NaN: 0). b has this shape and dtype.
     *
     * @param b the other operand
     * @return a new INT32 tensor
     */
    public Tensor gt(Tensor b) {
        return compare(CompareOp.GT, b);
    }

    /**
     * An INT32 mask: 1 where this ≥ b.
     *
     * @param b the other operand, this shape and dtype
     * @return a new INT32 tensor
     */
    public Tensor ge(Tensor b) {
        return compare(CompareOp.GE, b);
    }

    /**
     * An INT32 mask: 1 where this &lt; b.
     *
     * @param b the other operand, this shape and dtype
     * @return a new INT32 tensor
     */
    public Tensor lt(Tensor b) {
        return compare(CompareOp.LT, b);
    }

    /**
     * An INT32 mask: 1 where this ≤ b.
     *
     * @param b the other operand, this shape and dtype
     * @return a new INT32 tensor
     */
    public Tensor le(Tensor b) {
        return compare(CompareOp.LE, b);
    }

    /**
     * An INT32 mask: 1 where this = b (e.g. predictions against INT32 labels).
     *
     * @param b the other operand, this shape and dtype
     * @return a new INT32 tensor
     */
    public Tensor eq(Tensor b) {
        return compare(CompareOp.EQ, b);
    }

    /**
     * An INT32 mask: 1 where this ≠ b (NaN: 1).
     *
     * @param b the other operand, this shape and dtype
     * @return a new INT32 tensor
     */
    public Tensor ne(Tensor b) {
        return compare(CompareOp.NE, b);
    }

    /**
     * An INT32 mask: 1 where this &gt; s.
     *
     * @param s the scalar
     * @return a new INT32 tensor
     */
    public Tensor gt(double s) {
        return compare(CompareOp.GT, s);
    }

    /**
     * An INT32 mask: 1 where this ≥ s.
     *
     * @param s the scalar
     * @return a new INT32 tensor
     */
    public Tensor ge(double s) {
        return compare(CompareOp.GE, s);
    }

    /**
     * An INT32 mask: 1 where this &lt; s.
     *
     * @param s the scalar
     * @return a new INT32 tensor
     */
    public Tensor lt(double s) {
        return compare(CompareOp.LT, s);
    }

    /**
     * An INT32 mask: 1 where this ≤ s.
     *
     * @param s the scalar
     * @return a new INT32 tensor
     */
    public Tensor le(double s) {
        return compare(CompareOp.LE, s);
    }

    /**
     * An INT32 mask: 1 where this = s.
     *
     * @param s the scalar
     * @return a new INT32 tensor
     */
    public Tensor eq(double s) {
        return compare(CompareOp.EQ, s);
    }

    /**
     * An INT32 mask: 1 where this ≠ s.
     *
     * @param s the scalar
     * @return a new INT32 tensor
     */
    public Tensor ne(double s) {
        return compare(CompareOp.NE, s);
    }

    private Tensor compare(CompareOp cmp, Tensor b) {
        String op = Ops.COMPARE_NAMES.of(cmp);
        backend.ops().check(op, this, b);
        return output(op, shape, DType.INT32, out -> backend.ops().compare(cmp, this, b, Broadcast.NONE, out));
    }

    private Tensor compare(CompareOp cmp, double s) {
        String op = Ops.COMPARE_NAMES.of(cmp);
        backend.ops().check(op, this);
        if (dtype == DType.INT32) {
            IntRange.requireInt(op, s, shape, backend.name());
        }
        return output(op, shape, DType.INT32, out -> {
            try (Tensor column = backend.full(rows(), 1, s, dtype)) {
                backend.ops().compare(cmp, this, column, Broadcast.COLUMN, out);
            }
        });
    }

    /**
     * mask ≠ 0 ? a : b elementwise (mask INT32; a and b one floating dtype, all three one shape). The element not
     * chosen is never computed with.
     *
     * @param mask the INT32 mask
     * @param a where mask is nonzero
     * @param b where mask is zero
     * @return a new tensor of a's dtype on a's backend
     */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        if (a == null) {        // name the backend of another operand when there is one
            Tensor any = mask != null ? mask : b;
            throw new InvalidArgumentException("where: a tensor argument is null"
                    + (any != null ? " [" + any.backend.name() + "]" : ""));
        }
        a.backend.ops().check("where", mask, a, b);
        return a.output("where", a.shape, a.dtype, out -> a.backend.ops().where(mask, a, b, out));
    }

    // ---- dtype -----------------------------------------------------------------------------------------------------

    /**
     * This tensor's values as {@code target}: floats round to nearest; to INT32 rounds toward zero, saturates and takes
     * NaN to 0; INT32 to float is exact in FLOAT64. Always a new tensor (a copy for the same dtype).
     *
     * @param target the dtype of the result
     * @return a new tensor of that dtype
     */
    public Tensor cast(DType target) {
        backend.ops().check("cast", this);
        if (target == null) {
            throw new InvalidArgumentException("cast: the target dtype is null [" + backend.name() + "]");
        }
        backend.checkedShape("cast", rows(), cols(), target);
        return output("cast", shape, target, out -> backend.ops().cast(this, out));
    }

    // ---- indexing and layout -----------------------------------------------------------------------------------------

    /**
     * Rows indices[0], indices[1], ... of this tensor, gathered on the device: a shuffled mini-batch without the host.
     * indices is an INT32 vector (1 × n or n × 1); an index outside [0, rows()) throws
     * {@link IndexOutOfRangeException} (never clamped).
     *
     * @param indices INT32 row numbers, n of them, repeats allowed
     * @return a new n × cols tensor of this dtype
     */
    public Tensor gatherRows(Tensor indices) {
        backend.ops().check("gatherRows", this, indices);
        int n = indices.dtype() == DType.INT32 && (indices.rows() == 1 || indices.cols() == 1) ? (int) indices.size() : 0;
        return output("gatherRows", new Shape(n, cols()), out -> backend.ops().gatherRows(this, indices, out));
    }

    /**
     * A rows × cols tensor of zeros with row indices[i] += this row i for every i: the gradient of
     * {@link #gatherRows}, summing rows that several indices name.
     *
     * @param indices INT32, one per row of this tensor, each in [0, rows)
     * @param rows the rows of the result
     * @return a new rows × cols tensor
     */
    public Tensor scatterAddRows(Tensor indices, int rows) {
        backend.ops().checkFloat("scatterAddRows", this);
        Shape out = backend.checkedShape("scatterAddRows", rows, cols(), dtype);
        return output("scatterAddRows", out, o -> {
            backend.ops().fill(o, 0);
            backend.ops().scatterAddRows(this, indices, o);
        });
    }

    /**
     * The column of each row's maximum, first on ties, a NaN beating every number: predicted classes from scores.
     *
     * @return a new INT32 rows × 1 tensor
     */
    public Tensor argmaxRows() {
        backend.ops().checkFloat("argmaxRows", this);
        return output("argmaxRows", new Shape(rows(), 1), DType.INT32, out -> backend.ops().argmaxRows(this, out));
    }

    /**
     * FLOAT32 one-hot rows of these INT32 labels (a vector of n): n × classes, 1 in column label[i].
     *
     * @param classes the number of classes; every label must be in [0, classes)
     * @return a new FLOAT32 n × classes tensor
     */
    public Tensor oneHot(int classes) {
        return oneHot(classes, DType.FLOAT32);
    }

    /**
     * One-hot rows of these INT32 labels (a vector of n) in {@code dtype}: n × classes, 1 in column label[i].
     *
     * @param classes the number of classes; every label must be in [0, classes)
     * @param dtype FLOAT32 or FLOAT64
     * @return a new n × classes tensor
     */
    public Tensor oneHot(int classes, DType dtype) {
        backend.ops().check("oneHot", this);
        if (this.dtype != DType.INT32) {
            throw new DTypeMismatchException("oneHot: labels " + shape + " must be INT32, got " + this.dtype + " ["
                    + backend.name() + "]");
        }
        if (rows() != 1 && cols() != 1) {
            throw new ShapeMismatchException("oneHot: labels must be a vector (1×n or n×1), got " + shape + " ["
                    + backend.name() + "]");
        }
        Shape out = backend.checkedShape("oneHot", (int) size(), classes, dtype);
        return output("oneHot", out, dtype, o -> backend.ops().oneHot(this, o));
    }

    /**
     * Columns [from, to) of this tensor, as a new rows × (to − from) tensor (a copy: a column range is not contiguous).
     *
     * @param from the first column, 0 ≤ from ≤ to
     * @param to one past the last column, ≤ cols()
     * @return a new tensor
     */
    public Tensor sliceColumns(int from, int to) {
        backend.ops().check("sliceColumns", this);
        if (from < 0 || to < from || to > cols()) {
            throw new InvalidShapeException("sliceColumns: columns [" + from + ", " + to + ") are not a range inside "
                    + shape + " (0 ≤ from ≤ to ≤ " + cols() + ") [" + backend.name() + "]");
        }
        return output("sliceColumns", new Shape(rows(), to - from), out -> backend.ops().sliceColumns(this, from, out));
    }

    /**
     * thisᵀ, a new cols × rows tensor (a copy: Nabla's tensors are row-major).
     *
     * @return a new tensor
     */
    public Tensor transpose() {
        backend.ops().check("transpose", this);
        return output("transpose", new Shape(cols(), rows()), out -> backend.ops().transpose(this, out));
    }

    /**
     * The tensors stacked top to bottom (all with the same columns, dtype and backend).
     *
     * @param parts at least one tensor
     * @return a new tensor with their rows in all
     */
    public static Tensor concatRows(Tensor... parts) {
        Tensor first = firstPart("concatRows", parts);
        long rows = 0;
        for (Tensor p : parts) {
            rows += p == null ? 0 : p.rows();
        }
        first.backend.ops().check("concatRows", parts);
        Shape out = first.backend.checkedShape("concatRows", (int) Math.min(rows, Integer.MAX_VALUE), first.cols(),
                first.dtype);
        return first.output("concatRows", out, o -> first.backend.ops().concatRows(java.util.List.of(parts), o));
    }

    /**
     * The tensors side by side, left to right (all with the same rows, dtype and backend).
     *
     * @param parts at least one tensor
     * @return a new tensor with their columns in all
     */
    public static Tensor concatColumns(Tensor... parts) {
        Tensor first = firstPart("concatColumns", parts);
        long cols = 0;
        for (Tensor p : parts) {
            cols += p == null ? 0 : p.cols();
        }
        first.backend.ops().check("concatColumns", parts);
        Shape out = first.backend.checkedShape("concatColumns", first.rows(), (int) Math.min(cols, Integer.MAX_VALUE),
                first.dtype);
        return first.output("concatColumns", out, o -> first.backend.ops().concatColumns(java.util.List.of(parts), o));
    }

    private static Tensor firstPart(String op, Tensor[] parts) {
        if (parts == null || parts.length == 0) {
            throw new InvalidArgumentException(op + ": there are no parts to concatenate");
        }
        if (parts[0] == null) {     // name the backend of another part when there is one
            String tag = "";
            for (Tensor p : parts) {
                tag = tag.isEmpty() && p != null ? " [" + p.backend.name() + "]" : tag;
            }
            throw new InvalidArgumentException(op + ": a tensor argument is null" + tag);
        }
        return parts[0];
    }

    /**
     * s · this
     *
     * @param s the factor
     * @return a new tensor
     */
    public Tensor scale(double s) {
        return unary("scale", UnaryOp.SCALE, s);
    }

    /**
     * 1/(1+e^−x) elementwise, without overflow.
     *
     * @return a new tensor
     */
    public Tensor sigmoid() {
        return unary("sigmoid", UnaryOp.SIGMOID, 0);
    }

    /**
     * tanh(x) elementwise.
     *
     * @return a new tensor
     */
    public Tensor tanh() {
        return unary("tanh", UnaryOp.TANH, 0);
    }

    /**
     * max(0, x) elementwise.
     *
     * @return a new tensor
     */
    public Tensor relu() {
        return unary("relu", UnaryOp.RELU, 0);
    }

    /**
     * e^x elementwise.
     *
     * @return a new tensor
     */
    public Tensor exp() {
        return unary("exp", UnaryOp.EXP, 0);
    }

    /**
     * Natural logarithm elementwise.
     *
     * @return a new tensor
     */
    public Tensor log() {
        return unary("log", UnaryOp.LOG, 0);
    }

    /**
     * Softmax of each row: e^(x − max) / Σ e^(x − max).
     *
     * @return a new tensor whose rows each sum to 1
     */
    public Tensor softmaxRows() {
        backend.ops().check("softmaxRows", this);
        return output("softmaxRows", shape, out -> backend.ops().softmaxRows("softmaxRows", this, out));
    }

    private Tensor unary(String op, UnaryOp f, double param) {
        backend.ops().check(op, this);
        return output(op, shape, out -> backend.ops().unary(op, f, param, this, out));
    }

    private Tensor binary(String op, BinaryOp f, Tensor b, Broadcast broadcast) {
        backend.ops().check(op, this, b);
        return output(op, shape, out -> backend.ops().binary(op, f, this, b, broadcast, out));
    }

    // ---- reductions ----------------------------------------------------------------------------------------------------

    /**
     * 1 × cols column sums, 1ᵀ·this: the bias gradient form. A BFLOAT16 or FLOAT16 tensor sums, in float32, into a
     * FLOAT32 result where its backend has that kernel; elsewhere it is refused by name.
     *
     * @return a new 1 × cols tensor
     */
    public Tensor sumColumns() {
        backend.ops().check("sumColumns", this);
        // 16-bit storage sums into float32 where the backend has the kernel (else Ops refuses the half type by name)
        DType outType = dtype.isHalf() && backend.compute().sumColumnsOnHalves() ? DType.FLOAT32 : dtype;
        return output("sumColumns", new Shape(1, cols()), outType,
                out -> backend.ops().sumColumns("sumColumns", this, out));
    }

    /**
     * 1 × 1 sum of every element; read it with {@link #item()}.
     *
     * @return a new 1 × 1 tensor
     */
    public Tensor sum() {
        backend.ops().check("sum", this);
        return output("sum", new Shape(1, 1), out -> backend.ops().sumAll("sum", this, out));
    }

    /**
     * 1 × 1 mean of every element (NaN for an empty tensor); read it with {@link #item()}.
     *
     * @return a new 1 × 1 tensor
     */
    public Tensor mean() {
        backend.ops().check("mean", this);
        return output("mean", new Shape(1, 1), out -> {
            backend.ops().sumAll("mean", this, out);
            backend.ops().unary("mean", UnaryOp.SCALE, 1.0 / size(), out, out);
        });
    }

    /**
     * rows × 1 sums of each row.
     *
     * @return a new rows × 1 tensor
     */
    public Tensor sumRows() {
        return rowReduction("sumRows", RowReduction.SUM);
    }

    /**
     * rows × 1 maxima of each row (−∞ for an empty row; NaN when the row holds one).
     *
     * @return a new rows × 1 tensor
     */
    public Tensor maxRows() {
        return rowReduction("maxRows", RowReduction.MAX);
    }

    /**
     * rows × 1 minima of each row (+∞ for an empty row; NaN when the row holds one).
     *
     * @return a new rows × 1 tensor
     */
    public Tensor minRows() {
        return rowReduction("minRows", RowReduction.MIN);
    }

    /**
     * rows × 1 means of each row (NaN for an empty row).
     *
     * @return a new rows × 1 tensor
     */
    public Tensor meanRows() {
        backend.ops().checkFloat("meanRows", this);
        return output("meanRows", new Shape(rows(), 1), out -> {
            backend.ops().reduceRows("meanRows", RowReduction.SUM, this, out);
            backend.ops().unary("meanRows", UnaryOp.SCALE, 1.0 / cols(), out, out);
        });
    }

    /**
     * 1 × cols maxima of each column.
     *
     * @return a new 1 × cols tensor
     */
    public Tensor maxColumns() {
        return columnReduction("maxColumns", RowReduction.MAX);
    }

    /**
     * 1 × cols minima of each column.
     *
     * @return a new 1 × cols tensor
     */
    public Tensor minColumns() {
        return columnReduction("minColumns", RowReduction.MIN);
    }

    /**
     * 1 × cols means of each column (NaN for an empty column).
     *
     * @return a new 1 × cols tensor
     */
    public Tensor meanColumns() {
        backend.ops().checkFloat("meanColumns", this);
        return output("meanColumns", new Shape(1, cols()), out -> {
            backend.ops().sumColumns("meanColumns", this, out);
            backend.ops().unary("meanColumns", UnaryOp.SCALE, 1.0 / rows(), out, out);
        });
    }

    /**
     * 1 × 1 maximum of every element (−∞ when empty, NaN when any is NaN).
     *
     * @return a new 1 × 1 tensor
     */
    public Tensor max() {
        return allReduction("max", RowReduction.MAX);
    }

    /**
     * 1 × 1 minimum of every element (+∞ when empty, NaN when any is NaN).
     *
     * @return a new 1 × 1 tensor
     */
    public Tensor min() {
        return allReduction("min", RowReduction.MIN);
    }

    private Tensor rowReduction(String op, RowReduction r) {
        backend.ops().checkFloat(op, this);
        return output(op, new Shape(rows(), 1), out -> backend.ops().reduceRows(op, r, this, out));
    }

    /** Column max/min as the row reduction of the transpose (a documented composition; docs/tensors.md). */
    private Tensor columnReduction(String op, RowReduction r) {
        backend.ops().checkFloat(op, this);
        return output(op, new Shape(1, cols()), out -> {
            try (Tensor t = backend.empty(cols(), rows(), dtype); Tensor column = out.reshape(cols(), 1)) {
                backend.ops().transpose(this, t);
                backend.ops().reduceRows(op, r, t, column);
            }
        });
    }

    private Tensor allReduction(String op, RowReduction r) {
        backend.ops().checkFloat(op, this);
        return output(op, new Shape(1, 1), out -> {
            try (Tensor flat = reshape(1, (int) size())) {
                backend.ops().reduceRows(op, r, flat, out);
            }
        });
    }

    // ---- in place ------------------------------------------------------------------------------------------------------

    /**
     * this ← α·x + this (same shape). Returns this.
     *
     * @param alpha α
     * @param x the tensor to add, this shape
     * @return this tensor
     */
    public Tensor axpyInPlace(double alpha, Tensor x) {
        backend.ops().axpy("axpyInPlace", alpha, x, this);
        return this;
    }

    /**
     * this ← src (same shape and dtype), on the device: how to write through a view
     * ({@code x.sliceRows(0, 8).copyFrom(y)}). Returns this.
     *
     * @param src the values
     * @return this tensor
     */
    public Tensor copyFrom(Tensor src) {
        backend.ops().copy("copyFrom", src, this);
        return this;
    }

    /**
     * Every element ← value (an integer for INT32), on the device. Returns this.
     *
     * @param value the value
     * @return this tensor
     */
    public Tensor fill(double value) {
        backend.ops().fill(this, value);
        return this;
    }

    // ---- lifetime ------------------------------------------------------------------------------------------------------

    /**
     * A new {@code shape} tensor of this dtype on this backend, filled by {@code body}; if body throws, the tensor is
     * closed before the exception goes on, so a failed op leaves no tensor behind.
     */
    private Tensor output(String op, Shape outShape, Consumer<Tensor> body) {
        return output(op, outShape, dtype, body);
    }

    private Tensor output(String op, Shape outShape, DType outType, Consumer<Tensor> body) {
        Tensor out = backend.allocate(op, outShape, outType);
        try {
            body.accept(out);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /**
     * Releases the buffer. Idempotent. Closing a view releases nothing (its base owns the buffer); closing a base
     * closes every view of it.
     */
    @Override
    public void close() {
        if (owner != null) {
            owner.forget(this);
            owner = null;
        }
        if (base != null) {
            viewClosed = true;
            return;
        }
        state.markClosing();
        cleanable.clean();
    }

    // ---- views -----------------------------------------------------------------------------------------------------------

    /**
     * Rows [from, to) of this tensor as a view: no copy, the elements are this tensor's. Writes through the view
     * ({@link Ops} outputs, {@link #axpyInPlace}, {@link #copyFrom}) change this tensor; closing the view frees nothing;
     * closing this tensor (the base) closes the view too. Ops given a view at an offset stage it on the device
     * (docs/tensors.md).
     *
     * @param from the first row, 0 ≤ from ≤ to
     * @param to one past the last row, ≤ rows()
     * @return a (to − from) × cols view
     */
    public Tensor sliceRows(int from, int to) {
        backend.ops().check("sliceRows", this);
        if (from < 0 || to < from || to > rows()) {
            throw new InvalidShapeException("sliceRows: rows [" + from + ", " + to + ") are not a range inside "
                    + shape + " (0 ≤ from ≤ to ≤ " + rows() + ") [" + backend.name() + "]");
        }
        return view(new Shape(to - from, cols()), offset + (long) from * cols());
    }

    /**
     * The same elements, row-major, as a rows × cols view (no copy); rows·cols must equal size(). See
     * {@link #sliceRows} for what views share.
     *
     * @param rows the new number of rows
     * @param cols the new number of columns
     * @return a view of this tensor's elements
     */
    public Tensor reshape(int rows, int cols) {
        backend.ops().check("reshape", this);
        if (rows < 0 || cols < 0 || (long) rows * cols != size()) {
            throw new InvalidShapeException("reshape: " + shape + " has " + size() + " elements, which cannot be "
                    + rows + "×" + cols + " [" + backend.name() + "]");
        }
        return view(new Shape(rows, cols), offset);
    }

    private Tensor view(Shape viewShape, long at) {
        Tensor v = new Tensor(base != null ? base : this, viewShape, at);
        backend.adoptIntoScope(v);
        return v;
    }

    /**
     * The shape, dtype and backend, then the values as PyTorch prints them: every value of a tensor of up to 1,000
     * elements, else the first and last three rows and columns around {@code ...}. Reads only what it prints; never
     * reads a closed tensor (it says "closed" instead).
     *
     * @return e.g. {@code Tensor(2×3 FLOAT32, cpu)} followed by the rows
     */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
