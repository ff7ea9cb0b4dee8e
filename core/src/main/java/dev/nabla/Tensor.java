package dev.nabla;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.DeviceBuffer;
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
    private final Cleaner.Cleanable cleanable;
    /** The scope that will close this tensor, or null. */
    Scope owner;

    Tensor(Backend backend, Shape shape, DType dtype, TensorState state, Cleaner cleaner) {
        this.backend = backend;
        this.shape = shape;
        this.dtype = dtype;
        this.state = state;
        this.cleanable = cleaner.register(this, state);
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
        return state.isReleased();
    }

    /**
     * The backend's buffer behind this tensor, for backend authors and the contract kit (calls into
     * {@link dev.nabla.spi.ComputeBackend} take buffers). Throws if the tensor is closed.
     *
     * @return the buffer; only its backend may read it
     */
    public DeviceBuffer buffer() {
        if (state.isReleased()) {
            throw new TensorClosedException("buffer: tensor " + shape + " " + dtype + " [" + backend.name()
                    + "] is closed");
        }
        return state.buffer();
    }

    // ---- data out ------------------------------------------------------------------------------------------------------

    /**
     * The elements, row-major, as floats (FLOAT64 values are rounded). Waits for pending work.
     *
     * @return a new array of rows·cols floats
     */
    public float[] toFloatArray() {
        backend.ops().check("toFloatArray", this);
        int n = backend.hostLength("toFloatArray", shape);
        float[] out = HostArrays.floats(backend.call("toFloatArray"), shape, dtype, n, backend.name());
        if (dtype == DType.FLOAT32) {
            backend.compute().read(buffer(), out);
        } else {
            double[] d = HostArrays.doubles(backend.call("toFloatArray"), shape, dtype, n, backend.name());
            backend.compute().read(buffer(), d);
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
        }
        backend.countDownload(size() * dtype.bytes());
        return out;
    }

    /**
     * The elements, row-major, as doubles (FLOAT32 values are widened exactly). Waits for pending work.
     *
     * @return a new array of rows·cols doubles
     */
    public double[] toDoubleArray() {
        backend.ops().check("toDoubleArray", this);
        int n = backend.hostLength("toDoubleArray", shape);
        double[] out = HostArrays.doubles(backend.call("toDoubleArray"), shape, dtype, n, backend.name());
        if (dtype == DType.FLOAT64) {
            backend.compute().read(buffer(), out);
        } else {
            float[] f = HostArrays.floats(backend.call("toDoubleArray"), shape, dtype, n, backend.name());
            backend.compute().read(buffer(), f);
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
        }
        backend.countDownload(size() * dtype.bytes());
        return out;
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
        if (dtype == DType.FLOAT32) {
            return target.fromArray(toFloatArray(), rows(), cols());
        }
        return target.fromArray(toDoubleArray(), rows(), cols());
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
     * 1 × cols column sums, 1ᵀ·this: the bias gradient form.
     *
     * @return a new 1 × cols tensor
     */
    public Tensor sumColumns() {
        backend.ops().check("sumColumns", this);
        return output("sumColumns", new Shape(1, cols()), out -> backend.ops().sumColumns("sumColumns", this, out));
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

    // ---- lifetime ------------------------------------------------------------------------------------------------------

    /**
     * A new {@code shape} tensor of this dtype on this backend, filled by {@code body}; if body throws, the tensor is
     * closed before the exception goes on, so a failed op leaves no tensor behind.
     */
    private Tensor output(String op, Shape outShape, Consumer<Tensor> body) {
        Tensor out = backend.allocate(op, outShape, dtype);
        try {
            body.accept(out);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Releases the buffer. Idempotent. */
    @Override
    public void close() {
        if (owner != null) {
            owner.forget(this);
            owner = null;
        }
        state.markClosing();
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "Tensor[" + shape + " " + dtype + " on " + backend.name() + (isClosed() ? ", closed" : "") + "]";
    }
}
