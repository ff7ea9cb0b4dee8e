package dev.nabla.autograd;

import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;

/**
 * A value in a differentiable computation: a {@link Tensor} plus what is needed to differentiate through it. Leaves
 * are made from tensors you own: {@link #parameter} (gradients wanted) or {@link #constant}. Every op on Vars runs
 * inside an open {@link Graph} on the Tensor API (so on every backend), returns a new Var the graph owns, and records
 * its backward rule, which sits next to its forward in the op's family class ({@link Products}, {@link Pointwise},
 * {@link Broadcasts}, {@link Reductions}, {@link Layout}, {@link Losses}).
 *
 * <pre>{@code
 * Var w = Var.parameter(backend.randn(4, 3, 1)), b = Var.parameter(backend.zeros(1, 3));
 * try (Graph g = Graph.record(backend)) {
 *     Var loss = Var.constant(x).matmul(w).addRowVector(b).relu().crossEntropyWithLogits(targets);
 *     loss.backward();                 // w.grad(), b.grad(): ∂loss/∂w, ∂loss/∂b
 * }                                    // every intermediate freed
 * }</pre>
 *
 * A parameter's gradient accumulates over backward passes until {@link #zeroGrad()}; {@link #close()} frees it.
 */
public final class Var implements AutoCloseable {
    final Tensor value;
    final boolean requiresGrad;
    final Var[] inputs;
    final BackwardRule rule;
    final String op;
    /** A leaf's accumulated gradient (owned by the leaf), or null. */
    private Tensor grad;
    /** During backward: the sum of ∂L/∂this received so far (owned by the graph). */
    Tensor pending;

    private Var(Tensor value, boolean requiresGrad, Var[] inputs, BackwardRule rule, String op) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.inputs = inputs;
        this.rule = rule;
        this.op = op;
    }

    /**
     * A leaf whose gradient is wanted (a weight). The tensor stays yours: the Var never closes it.
     *
     * @param t a FLOAT32 or FLOAT64 tensor
     * @return a new leaf
     */
    public static Var parameter(Tensor t) {
        return leaf("Var.parameter", t, true);
    }

    /**
     * A leaf without gradient (inputs, targets). The tensor stays yours.
     *
     * @param t the tensor
     * @return a new leaf
     */
    public static Var constant(Tensor t) {
        return leaf("Var.constant", t, false);
    }

    private static Var leaf(String op, Tensor t, boolean requiresGrad) {
        if (t == null) {
            throw new InvalidArgumentException(op + ": the tensor is null");
        }
        if (t.isClosed()) {
            throw new dev.nabla.TensorClosedException(op + ": tensor " + t.shape() + " " + t.dtype() + " ["
                    + t.backend().name() + "] is closed");
        }
        if (requiresGrad && !t.dtype().isFloating()) {
            throw new dev.nabla.UnsupportedDTypeException(op + ": a parameter must be FLOAT32 or FLOAT64, got "
                    + t.dtype() + " " + t.shape() + " [" + t.backend().name() + "]");
        }
        return new Var(t, requiresGrad, new Var[0], null, "leaf");
    }

    /**
     * The output of op {@code op}: owned by the current graph, differentiable when the graph records and an input
     * needs a gradient (then {@code rule} is kept).
     */
    static Var record(Graph graph, String op, Tensor value, BackwardRule rule, Var... inputs) {
        value.detach();
        boolean needs = false;
        if (graph.recording) {
            for (Var in : inputs) {
                needs |= in.requiresGrad;
            }
        }
        // the caller's array (concatRows(parts...)) may change after the call: the record keeps its own
        return graph.add(new Var(value, needs, needs ? inputs.clone() : new Var[0], needs ? rule : null, op));
    }

    /**
     * Checks the operands of {@code op} (non-null, open, on the graph's backend, and not a differentiable value of
     * another graph, whose backward this graph could not reach) and returns the current graph.
     */
    static Graph graphFor(String op, Var... operands) {
        Graph g = Graph.current(op, operands);
        String be = g.backend.name();
        if (operands == null) {
            throw new InvalidArgumentException(op + ": the Var arguments are null [" + be + "]");
        }
        for (Var v : operands) {
            if (v == null) {
                throw new InvalidArgumentException(op + ": a Var argument is null [" + be + "]");
            }
            if (v.value.isClosed()) {
                throw new dev.nabla.TensorClosedException(op + ": the value of " + v.describe() + " is closed (its "
                        + "graph was closed, or its tensor) [" + be + "]");
            }
            if (v.value.backend() != g.backend) {
                throw new dev.nabla.BackendMismatchException(op + ": " + v.describe() + " lives on "
                        + v.value.backend().name() + ", but this op runs on " + be + " (the graph's backend); move "
                        + "the tensor first with tensor.to(backend)");
            }
            if (g.recording && v.requiresGrad && v.owner != null && v.owner != g) {
                throw new AutogradException(op + ": " + v.describe() + " was computed in another graph; its backward "
                        + "cannot pass through this one (record the whole computation in one graph, or use a "
                        + "Graph.noGrad for evaluation) [" + be + "]");
            }
        }
        return g;
    }

    /**
     * The value (a graph's outputs are freed when the graph closes; a leaf's tensor is yours).
     *
     * @return the tensor
     */
    public Tensor value() {
        return value;
    }

    /**
     * A leaf's accumulated gradient ∂L/∂this, the value's shape, or null before any backward reached it.
     *
     * @return the gradient tensor, owned by this Var
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Whether a gradient flows to this value.
     *
     * @return true for parameters and values computed from them in a recording graph
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Whether this is a leaf (a parameter or constant made from a tensor).
     *
     * @return true for leaves
     */
    public boolean isLeaf() {
        return rule == null && inputs.length == 0 && op.equals("leaf");
    }

    void accumulate(Tensor g) {
        if (grad == null) {
            grad = g;
        } else {
            try {
                grad.axpyInPlace(1.0, g);
            } finally {
                g.close();
            }
        }
    }

    /**
     * Frees the accumulated gradient (the next backward starts it afresh), as PyTorch's {@code zero_grad}.
     *
     */
    public void zeroGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /** Frees the gradient; the value (a tensor you own, for a leaf) is not touched. Idempotent. */
    @Override
    public void close() {
        zeroGrad();
    }

    /**
     * Backward from this 1 × 1 value (a loss): accumulates ∂this/∂p into {@link #grad()} of every parameter p it was
     * computed from. Once per graph.
     */
    public void backward() {
        if (value.rows() != 1 || value.cols() != 1) {
            throw new AutogradException("backward: " + describe() + " is not a scalar; pass the seed ∂L/∂out with "
                    + "backward(seed) [" + value.backend().name() + "]");
        }
        backward(null);
    }

    /**
     * Backward with an explicit seed ∂L/∂this (this value's shape and dtype, on its backend; the seed stays yours);
     * null means 1 and is allowed for a 1 × 1 value only.
     *
     * @param seed ∂L/∂this, or null for a scalar
     */
    public void backward(Tensor seed) {
        String be = value.backend().name();
        if (!requiresGrad) {
            throw new AutogradException("backward: " + describe() + " needs no gradient: "
                    + (owner != null && !owner.recording ? "it was computed in a Graph.noGrad, which records nothing"
                    : "no parameter (Var.parameter) was used to compute it in a recording graph") + " [" + be + "]");
        }
        Graph g = owner();
        if (g.isClosed()) {
            throw new AutogradException("backward: the graph of " + describe() + " is closed; its intermediates were "
                    + "freed [" + be + "]");
        }
        Tensor s;
        if (seed == null) {
            if (value.rows() != 1 || value.cols() != 1) {
                throw new AutogradException("backward: " + describe() + " is not a scalar and the seed is null; pass "
                        + "the seed ∂L/∂out, " + value.shape() + " " + value.dtype() + " [" + be + "]");
            }
            s = value.backend().full(1, 1, 1.0, value.dtype()).detach();
        } else {
            if (seed.isClosed()) {
                throw new dev.nabla.TensorClosedException("backward: the seed " + seed.shape() + " " + seed.dtype()
                        + " [" + seed.backend().name() + "] is closed");
            }
            if (seed.backend() != value.backend()) {
                throw new dev.nabla.BackendMismatchException("backward: the seed " + seed.shape() + " lives on "
                        + seed.backend().name() + ", but " + describe() + " lives on " + be);
            }
            if (!seed.shape().equals(value.shape())) {
                throw new dev.nabla.ShapeMismatchException("backward: the seed " + seed.shape() + " " + seed.dtype()
                        + " must match " + describe() + " [" + be + "]");
            }
            if (seed.dtype() != value.dtype()) {
                throw new dev.nabla.DTypeMismatchException("backward: the seed " + seed.shape() + " " + seed.dtype()
                        + " must match " + describe() + " [" + be + "]");
            }
            s = seed.copy().detach();
        }
        g.backward(this, s);
    }

    private Graph owner;

    Var ownedBy(Graph g) {
        owner = g;
        return this;
    }

    private Graph owner() {
        if (owner == null) {
            throw new AutogradException("backward: " + describe() + " is a leaf; call backward on a value computed "
                    + "from it [" + value.backend().name() + "]");
        }
        return owner;
    }

    String describe() {
        return op + " " + value.shape() + " " + value.dtype();
    }

    @Override
    public String toString() {
        return "Var[" + describe() + (requiresGrad ? ", requires grad" : "") + "]";
    }

    // ---- products ----------------------------------------------------------------------------------------------

    /**
     * this · b.
     *
     * @param b the right operand
     * @return a new Var
     */
    public Var matmul(Var b) {
        return Products.matmul(this, b);
    }

    /**
     * this · bᵀ (the layout of torch.nn.Linear: x · Wᵀ with W out × in).
     *
     * @param b the right operand, stored transposed
     * @return a new Var
     */
    public Var matmulTransB(Var b) {
        return Products.matmulTransB(this, b);
    }

    /**
     * g(this · w + 1·b) for an activation g, forward through the fused bias+activation kernel and backward through
     * the fused δ ⊙ g′ kernel (SOFTMAX is not an elementwise activation: use IDENTITY and a cross-entropy).
     *
     * @param w the weights, in × out
     * @param b the bias, 1 × out
     * @param activation SIGMOID, TANH, RELU or IDENTITY
     * @return a new Var
     */
    public Var linear(Var w, Var b, Activation activation) {
        return Products.linear(this, w, b, activation);
    }

    /**
     * g(this · wᵀ + 1·b) with w out × in, torch.nn.Linear's layout (what {@code dev.nabla.module.Linear} computes),
     * fused as {@link #linear}: one GEMM, then bias and activation in one pass; backward δ = G ⊙ g′ in one pass
     * (nothing for IDENTITY), ∂this = δ·w, ∂w = δᵀ·this, ∂b = 1ᵀ·δ.
     *
     * @param w the weights, out × in
     * @param b the bias, 1 × out
     * @param activation SIGMOID, TANH, RELU or IDENTITY
     * @return a new Var
     */
    public Var linearTransB(Var w, Var b, Activation activation) {
        return Products.linearTransB(this, w, b, activation);
    }

    // ---- pointwise ---------------------------------------------------------------------------------------------

    /**
     * This + b.
     *
     * @param b same shape
     * @return this + b
     */
    public Var add(Var b) {
        return Pointwise.add(this, b);
    }

    /**
     * This − b.
     *
     * @param b same shape
     * @return this − b
     */
    public Var sub(Var b) {
        return Pointwise.sub(this, b);
    }

    /**
     * This ⊙ b.
     *
     * @param b same shape
     * @return this ⊙ b
     */
    public Var mul(Var b) {
        return Pointwise.mul(this, b);
    }

    /**
     * This / b.
     *
     * @param b same shape
     * @return this / b
     */
    public Var div(Var b) {
        return Pointwise.div(this, b);
    }

    /**
     * This + s.
     *
     * @param s a scalar
     * @return this + s
     */
    public Var add(double s) {
        return Pointwise.addScalar(this, s);
    }

    /**
     * S · this.
     *
     * @param s a scalar
     * @return s · this
     */
    public Var mul(double s) {
        return Pointwise.mulScalar(this, s);
    }

    /**
     * S − this.
     *
     * @param s a scalar
     * @return s − this
     */
    public Var rsub(double s) {
        return Pointwise.rsub(this, s);
    }

    /**
     * −this.
     *
     * @return −this
     */
    public Var neg() {
        return Pointwise.neg(this);
    }

    /**
     * Eˣ.
     *
     * @return eˣ
     */
    public Var exp() {
        return Pointwise.exp(this);
    }

    /**
     * Ln x.
     *
     * @return ln x
     */
    public Var log() {
        return Pointwise.log(this);
    }

    /**
     * Σ(x).
     *
     * @return σ(x)
     */
    public Var sigmoid() {
        return Pointwise.activation(this, Activation.SIGMOID);
    }

    /**
     * Tanh x.
     *
     * @return tanh x
     */
    public Var tanh() {
        return Pointwise.activation(this, Activation.TANH);
    }

    /**
     * Max(x, 0).
     *
     * @return max(x, 0)
     */
    public Var relu() {
        return Pointwise.activation(this, Activation.RELU);
    }

    /**
     * √x.
     *
     * @return √x
     */
    public Var sqrt() {
        return Pointwise.sqrt(this);
    }

    /**
     * X².
     *
     * @return x²
     */
    public Var square() {
        return Pointwise.square(this);
    }

    /**
     * Xᵖ.
     *
     * @param p the exponent
     * @return xᵖ
     */
    public Var pow(double p) {
        return Pointwise.pow(this, p);
    }

    /**
     * |x| (gradient 0 at 0).
     *
     * @return |x| (gradient 0 at 0)
     */
    public Var abs() {
        return Pointwise.abs(this);
    }

    /**
     * Clamp(x, lo, hi), gradient 1 strictly inside.
     *
     * @param lo lower bound
     * @param hi upper bound
     * @return clamp(x, lo, hi), gradient 1 strictly inside
     */
    public Var clamp(double lo, double hi) {
        return Pointwise.clamp(this, lo, hi);
    }

    // ---- broadcasts --------------------------------------------------------------------------------------------

    /**
     * This + 1·b.
     *
     * @param b a 1 × cols row
     * @return this + 1·b
     */
    public Var addRowVector(Var b) {
        return Broadcasts.rowVector(this, b, dev.nabla.spi.BinaryOp.ADD);
    }

    /**
     * Every row ⊙ b.
     *
     * @param b a 1 × cols row
     * @return every row ⊙ b
     */
    public Var mulRowVector(Var b) {
        return Broadcasts.rowVector(this, b, dev.nabla.spi.BinaryOp.MUL);
    }

    /**
     * This − b·1ᵀ.
     *
     * @param b a rows × 1 column
     * @return this − b·1ᵀ
     */
    public Var subColumnVector(Var b) {
        return Broadcasts.columnVector(this, b, dev.nabla.spi.BinaryOp.SUB);
    }

    /**
     * Row i divided by b[i].
     *
     * @param b a rows × 1 column
     * @return row i divided by b[i]
     */
    public Var divColumnVector(Var b) {
        return Broadcasts.columnVector(this, b, dev.nabla.spi.BinaryOp.DIV);
    }

    /**
     * Row i times b[i].
     *
     * @param b a rows × 1 column
     * @return row i times b[i]
     */
    public Var mulColumnVector(Var b) {
        return Broadcasts.columnVector(this, b, dev.nabla.spi.BinaryOp.MUL);
    }

    /**
     * This repeated (1 × 1, 1 × cols or rows × 1).
     *
     * @param rows rows
     * @param cols cols
     * @return this repeated (1 × 1, 1 × cols or rows × 1)
     */
    public Var broadcastTo(int rows, int cols) {
        return Broadcasts.broadcastTo(this, rows, cols);
    }

    // ---- reductions --------------------------------------------------------------------------------------------

    /**
     * 1 × 1 sum of every element.
     *
     * @return 1 × 1 sum of every element
     */
    public Var sum() {
        return Reductions.sum(this);
    }

    /**
     * 1 × 1 mean of every element.
     *
     * @return 1 × 1 mean of every element
     */
    public Var mean() {
        return Reductions.mean(this);
    }

    /**
     * Rows × 1 row sums.
     *
     * @return rows × 1 row sums
     */
    public Var sumRows() {
        return Reductions.sumRows(this);
    }

    /**
     * 1 × cols column sums.
     *
     * @return 1 × cols column sums
     */
    public Var sumColumns() {
        return Reductions.sumColumns(this);
    }

    /**
     * Rows × 1 row means.
     *
     * @return rows × 1 row means
     */
    public Var meanRows() {
        return Reductions.meanRows(this);
    }

    /**
     * Rows × 1 row maxima (the gradient goes to each row's first maximum).
     *
     * @return rows × 1 row maxima (the gradient goes to each row's first maximum)
     */
    public Var maxRows() {
        return Reductions.maxRows(this);
    }

    // ---- layout and indexing -----------------------------------------------------------------------------------

    /**
     * Thisᵀ.
     *
     * @return thisᵀ
     */
    public Var transpose() {
        return Layout.transpose(this);
    }

    /**
     * The same elements as rows × cols.
     *
     * @param rows rows
     * @param cols cols
     * @return the same elements as rows × cols
     */
    public Var reshape(int rows, int cols) {
        return Layout.reshape(this, rows, cols);
    }

    /**
     * Rows [from, to).
     *
     * @param from first row
     * @param to one past the last
     * @return rows [from, to)
     */
    public Var sliceRows(int from, int to) {
        return Layout.sliceRows(this, from, to);
    }

    /**
     * Columns [from, to).
     *
     * @param from first column
     * @param to one past the last
     * @return columns [from, to)
     */
    public Var sliceColumns(int from, int to) {
        return Layout.sliceColumns(this, from, to);
    }

    /**
     * The gathered rows (an embedding lookup); gradient scatter-added.
     *
     * @param indices INT32 rows of this
     * @return the gathered rows (an embedding lookup); gradient scatter-added
     */
    public Var gatherRows(Tensor indices) {
        return Layout.gatherRows(this, indices);
    }

    /**
     * Them stacked.
     *
     * @param parts Vars with the same columns
     * @return them stacked
     */
    public static Var concatRows(Var... parts) {
        return Layout.concatRows(parts);
    }

    /**
     * Them side by side.
     *
     * @param parts Vars with the same rows
     * @return them side by side
     */
    public static Var concatColumns(Var... parts) {
        return Layout.concatColumns(parts);
    }

    /**
     * The choice; gradients routed by mask.
     *
     * @param mask INT32
     * @param a where mask ≠ 0
     * @param b elsewhere
     * @return the choice; gradients routed by mask
     */
    public static Var where(Tensor mask, Var a, Var b) {
        return Layout.where(mask, a, b);
    }

    // ---- softmax and losses ------------------------------------------------------------------------------------

    /**
     * Softmax of each row.
     *
     * @return softmax of each row
     */
    public Var softmaxRows() {
        return Losses.softmaxRows(this);
    }

    /**
     * 1 × 1 cross-entropy of these logits (rows × classes) against one-hot (or probability) targets, a mean over
     * rows, exact for any logits: the fused softmax + cross-entropy kernel, forward and backward.
     *
     * @param targets rows × classes, this dtype
     * @return the loss
     */
    public Var crossEntropyWithLogits(Tensor targets) {
        return Losses.logitLoss(this, targets, dev.nabla.spi.BinaryOp.CROSS_ENTROPY, "crossEntropyWithLogits");
    }

    /**
     * 1 × 1 binary cross-entropy of these logits against targets in [0, 1], a mean over rows (summed over columns).
     *
     * @param targets this shape
     * @return the loss
     */
    public Var binaryCrossEntropyWithLogits(Tensor targets) {
        return Losses.logitLoss(this, targets, dev.nabla.spi.BinaryOp.BINARY_CROSS_ENTROPY,
                "binaryCrossEntropyWithLogits");
    }

    /**
     * 1 × 1 (1/N) Σ ½(this − t)², N = rows: Nabla's MSE (backprop.md).
     *
     * @param targets this shape
     * @return the loss
     */
    public Var mse(Tensor targets) {
        return Losses.mse(this, targets);
    }

    /**
     * The dtype of the value.
     *
     * @return FLOAT32 or FLOAT64
     */
    public DType dtype() {
        return value.dtype();
    }
}
