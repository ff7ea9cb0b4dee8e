package dev.nabla;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

/**
 * The backend's primitives and fused ops on tensors with explicit outputs, validated: every operand is open, lives on
 * this backend and has the same dtype, and every shape fits. Errors name the op, the shapes and the backend.
 * Dense layers, losses and optimizers are written against this class; {@link Tensor}'s methods are thin calls into it.
 */
public final class Ops {
    private final Backend backend;
    private final ComputeBackend be;

    Ops(Backend backend) {
        this.backend = backend;
        this.be = backend.compute();
    }

    // ---- gemm ----------------------------------------------------------------------------------------------------------

    /**
     * C = α·op(A)·op(B) + β·C, op(X) = Xᵀ when its flag is set. β = 0 overwrites C. C must not be A or B.
     *
     * @param transA whether op(A) = Aᵀ
     * @param transB whether op(B) = Bᵀ
     * @param alpha α
     * @param a A
     * @param b B
     * @param beta β (0: C is overwritten, not read)
     * @param c C, updated in place; not A or B
     */
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        gemm("gemm", transA, transB, alpha, a, b, beta, c);
    }

    void gemm(String op, boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        Shape expected = gemmShape(op, transA, transB, a, b);
        check(op, c);
        sameDType(op, a, c);
        if (!c.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": " + operand(a, transA) + " · " + operand(b, transB) + " needs a "
                    + expected + " output, got " + c.shape() + tag());
        }
        noAlias(op, 1, "c,a,b", c, a, b);
        int k = transA ? a.rows() : a.cols();
        be.gemm(transA, transB, expected.rows(), expected.cols(), k, alpha, a.buffer(), b.buffer(), beta, c.buffer());
    }

    /** The shape of op(A)·op(B), after checking both operands; throws naming both shapes when they cannot be multiplied. */
    Shape gemmShape(String op, boolean transA, boolean transB, Tensor a, Tensor b) {
        check(op, a, b);
        sameDType(op, a, b);
        int m = transA ? a.cols() : a.rows();
        int ka = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (ka != kb) {
            throw new ShapeMismatchException(op + ": " + operand(a, transA) + " · " + operand(b, transB)
                    + " cannot be multiplied (" + ka + " != " + kb + ")" + tag());
        }
        return new Shape(m, n);
    }

    // ---- elementwise ---------------------------------------------------------------------------------------------------

    /**
     * out = op(x, param) elementwise; out may be x.
     *
     * @param op the operation
     * @param param the op's scalar parameter (ignored by ops that take none)
     * @param x the input
     * @param out the output, x's shape and dtype
     */
    public void unary(UnaryOp op, double param, Tensor x, Tensor out) {
        notNull("unary", "op", op);
        unary(op.name().toLowerCase(), op, param, x, out);
    }

    void unary(String op, UnaryOp f, double param, Tensor x, Tensor out) {
        check(op, x, out);
        sameDType(op, x, out);
        sameShape(op, "input", x, "output", out);
        be.unary(f, param, x.buffer(), out.buffer(), x.size());
    }

    /**
     * out = op(a, b) elementwise, b laid over a as {@code broadcast} says; out has a's shape and may be a or b.
     *
     * @param op the operation
     * @param a the left operand
     * @param b the right operand
     * @param broadcast how b is laid over a
     * @param out the output, a's shape
     */
    public void binary(BinaryOp op, Tensor a, Tensor b, Broadcast broadcast, Tensor out) {
        notNull("binary", "op", op);
        notNull(op.name().toLowerCase(), "broadcast", broadcast);
        binary(op.name().toLowerCase(), op, a, b, broadcast, out);
    }

    void binary(String op, BinaryOp f, Tensor a, Tensor b, Broadcast broadcast, Tensor out) {
        check(op, a, b, out);
        sameDType(op, a, b, out);
        Shape need = switch (broadcast) {
            case NONE -> a.shape();
            case ROW -> new Shape(1, a.cols());
            case COLUMN -> new Shape(a.rows(), 1);
        };
        if (!b.shape().equals(need)) {
            String what = switch (broadcast) {
                case NONE -> "the same shape (no broadcasting unless asked)";
                case ROW -> "a 1×" + a.cols() + " row vector";
                case COLUMN -> "a " + a.rows() + "×1 column vector";
            };
            throw new ShapeMismatchException(op + ": " + a.shape() + " and " + b.shape() + ": the second operand must be "
                    + what + tag());
        }
        sameShape(op, "input", a, "output", out);
        be.binary(f, a.buffer(), b.buffer(), broadcast, out.buffer(), a.rows(), a.cols());
    }

    /**
     * dst ← src (same shape and dtype).
     *
     * @param src the source
     * @param dst the destination
     */
    public void copy(Tensor src, Tensor dst) {
        check("copy", src, dst);
        sameDType("copy", src, dst);
        sameShape("copy", "source", src, "destination", dst);
        if (src.buffer() != dst.buffer()) {   // one buffer already holds the result (the SPI copy must not get it twice)
            be.copy(src.buffer(), dst.buffer(), src.size());
        }
    }

    /**
     * Every element of t ← value.
     *
     * @param t the tensor to fill
     * @param value the value, rounded to t's dtype
     */
    public void fill(Tensor t, double value) {
        check("fill", t);
        be.fill(t.buffer(), t.size(), value);
    }

    /**
     * y ← α·x + y (same shape); x may be y.
     *
     * @param alpha α
     * @param x x
     * @param y y, updated in place
     */
    public void axpy(double alpha, Tensor x, Tensor y) {
        axpy("axpy", alpha, x, y);
    }

    void axpy(String op, double alpha, Tensor x, Tensor y) {
        check(op, x, y);
        sameDType(op, x, y);
        sameShape(op, "x", x, "y", y);
        be.axpy(alpha, x.buffer(), y.buffer(), x.size());
    }

    // ---- reductions ----------------------------------------------------------------------------------------------------

    /**
     * out (1 × cols) = column sums of x: 1ᵀ·x. out must not be x.
     *
     * @param x the input, rows × cols
     * @param out the output, 1 × cols
     */
    public void sumColumns(Tensor x, Tensor out) {
        sumColumns("sumColumns", x, out);
    }

    void sumColumns(String op, Tensor x, Tensor out) {
        check(op, x, out);
        sameDType(op, x, out);
        expectShape(op, x, out, new Shape(1, x.cols()));
        noAlias(op, 1, "out,x", out, x);
        be.sumColumns(x.buffer(), x.rows(), x.cols(), out.buffer());
    }

    /**
     * out (rows × 1) = max or sum of each row of x. out must not be x.
     *
     * @param op MAX or SUM
     * @param x the input, rows × cols
     * @param out the output, rows × 1
     */
    public void reduceRows(RowReduction op, Tensor x, Tensor out) {
        notNull("reduceRows", "op", op);
        String name = "reduceRows(" + op + ")";
        check(name, x, out);
        sameDType(name, x, out);
        expectShape(name, x, out, new Shape(x.rows(), 1));
        noAlias(name, 1, "out,x", out, x);
        be.reduceRows(op, x.buffer(), x.rows(), x.cols(), out.buffer());
    }

    /**
     * out (1 × 1) = the sum of every element of x. out must not be x.
     *
     * @param x the input
     * @param out the output, 1 × 1
     */
    public void sumAll(Tensor x, Tensor out) {
        sumAll("sumAll", x, out);
    }

    void sumAll(String op, Tensor x, Tensor out) {
        check(op, x, out);
        sameDType(op, x, out);
        expectShape(op, x, out, new Shape(1, 1));
        noAlias(op, 1, "out,x", out, x);
        be.sumAll(x.buffer(), x.size(), out.buffer());
    }

    // ---- fused ops -----------------------------------------------------------------------------------------------------

    /**
     * out = g(z + 1·b) for an elementwise activation g; b is 1 × cols. out may be z (or b when z has one row).
     *
     * @param activation the elementwise activation g
     * @param z z, rows × cols
     * @param bias b, 1 × cols
     * @param out the output, z's shape (may be z)
     */
    public void biasActivation(UnaryOp activation, Tensor z, Tensor bias, Tensor out) {
        notNull("biasActivation", "activation", activation);
        String op = "biasActivation(" + activation + ")";
        requireActivation(op, activation);
        check(op, z, bias, out);
        sameDType(op, z, bias, out);
        if (!bias.shape().equals(new Shape(1, z.cols()))) {
            throw new ShapeMismatchException(op + ": bias " + bias.shape() + " must be 1×" + z.cols() + " for input "
                    + z.shape() + tag());
        }
        sameShape(op, "input", z, "output", out);
        be.biasActivation(activation, z.buffer(), bias.buffer(), out.buffer(), z.rows(), z.cols());
    }

    /**
     * out = softmax of each row of x; out may be x.
     *
     * @param x the input
     * @param out the output, x's shape
     */
    public void softmaxRows(Tensor x, Tensor out) {
        softmaxRows("softmaxRows", x, out);
    }

    void softmaxRows(String op, Tensor x, Tensor out) {
        check(op, x, out);
        sameDType(op, x, out);
        sameShape(op, "input", x, "output", out);
        be.softmaxRows(x.buffer(), out.buffer(), x.rows(), x.cols());
    }

    /**
     * out = d ⊙ g'(a), g' from the stored activation a; all three the same shape. out may be a or d.
     *
     * @param gradFromOutput the derivative g' as a function of the stored output
     * @param a the stored activation
     * @param d the incoming gradient
     * @param out the output
     */
    public void activationBackward(UnaryOp gradFromOutput, Tensor a, Tensor d, Tensor out) {
        notNull("activationBackward", "gradient op", gradFromOutput);
        String op = "activationBackward(" + gradFromOutput + ")";
        requireGrad(op, gradFromOutput);
        check(op, a, d, out);
        sameDType(op, a, d, out);
        sameShape(op, "activation", a, "error", d);
        sameShape(op, "activation", a, "output", out);
        be.activationBackward(gradFromOutput, a.buffer(), d.buffer(), out.buffer(), a.rows(), a.cols());
    }

    /**
     * out = (δ·Wᵀ) ⊙ g'(aPrev): δ is N × nOut, W is nIn × nOut, aPrev and out are N × nIn. out must not be δ, W or
     * aPrev.
     *
     * @param gradFromOutput the previous layer's derivative g' from its stored output
     * @param delta δ, N × nOut
     * @param w W, nIn × nOut
     * @param aPrev the previous layer's activation, N × nIn
     * @param out the output, N × nIn
     */
    public void backpropDelta(UnaryOp gradFromOutput, Tensor delta, Tensor w, Tensor aPrev, Tensor out) {
        notNull("backpropDelta", "gradient op", gradFromOutput);
        String op = "backpropDelta(" + gradFromOutput + ")";
        requireGrad(op, gradFromOutput);
        check(op, delta, w, aPrev, out);
        sameDType(op, delta, w, aPrev, out);
        Shape product = gemmShape(op, false, true, delta, w);
        if (!aPrev.shape().equals(product)) {
            throw new ShapeMismatchException(op + ": δ·Wᵀ is " + product + " but the previous activation is "
                    + aPrev.shape() + tag());
        }
        sameShape(op, "previous activation", aPrev, "output", out);
        noAlias(op, 1, "out,delta,w,aPrev", out, delta, w, aPrev);
        be.backpropDelta(gradFromOutput, delta.buffer(), w.buffer(), aPrev.buffer(), out.buffer(),
                delta.rows(), delta.cols(), w.rows());
    }

    /**
     * loss (1 × 1) = (1/N) Σ lossTerm(f, t) and δ = (f − t)/N ⊙ outputGrad(f), N = rows of f. δ may be f or t;
     * loss must not be f, t or δ.
     *
     * @param lossTerm the per-element loss term
     * @param outputGrad the output activation's derivative from its output
     * @param f the network's output, N × cols
     * @param t the targets, f's shape
     * @param delta receives δ, f's shape (may be f)
     * @param loss receives the loss, 1 × 1
     */
    public void lossAndDelta(BinaryOp lossTerm, UnaryOp outputGrad, Tensor f, Tensor t, Tensor delta, Tensor loss) {
        notNull("lossAndDelta", "loss term", lossTerm);
        String op = "lossAndDelta(" + lossTerm + ")";
        notNull(op, "output gradient op", outputGrad);
        if (!lossTerm.isLossTerm()) {
            throw new InvalidArgumentException(op + ": " + lossTerm + " is not a loss term" + tag());
        }
        requireGrad(op, outputGrad);
        check(op, f, t, delta, loss);
        sameDType(op, f, t, delta, loss);
        if (!t.shape().equals(f.shape())) {
            throw new ShapeMismatchException(op + ": targets " + t.shape() + " do not match the output " + f.shape()
                    + tag());
        }
        sameShape(op, "output", f, "delta", delta);
        expectShape(op, f, loss, new Shape(1, 1));
        noAlias(op, 1, "loss,f,t,delta", loss, f, t, delta);
        be.lossAndDelta(lossTerm, outputGrad, f.buffer(), t.buffer(), delta.buffer(), loss.buffer(), f.rows(), f.cols());
    }

    /**
     * A cross-entropy's loss (1 × 1) from the logits z, exact for any z, and δ = (f − t)/N from the output f = g(z)
     * (see {@link ComputeBackend#logitLossAndDelta}); lossTerm is CROSS_ENTROPY (softmax output) or
     * BINARY_CROSS_ENTROPY (sigmoid output). δ may be f or t; loss must not be z, f, t or δ, and δ not z.
     *
     * @param lossTerm CROSS_ENTROPY or BINARY_CROSS_ENTROPY
     * @param z the output layer's pre-activation (logits), N × cols
     * @param f the output g(z), z's shape
     * @param t the targets, z's shape
     * @param delta receives δ, z's shape (may be f or t)
     * @param loss receives the loss, 1 × 1
     */
    public void logitLossAndDelta(BinaryOp lossTerm, Tensor z, Tensor f, Tensor t, Tensor delta, Tensor loss) {
        notNull("logitLossAndDelta", "loss term", lossTerm);
        String op = "logitLossAndDelta(" + lossTerm + ")";
        if (lossTerm != BinaryOp.CROSS_ENTROPY && lossTerm != BinaryOp.BINARY_CROSS_ENTROPY) {
            throw new InvalidArgumentException(op + ": " + lossTerm
                    + " is not a cross-entropy (CROSS_ENTROPY or BINARY_CROSS_ENTROPY)" + tag());
        }
        check(op, z, f, t, delta, loss);
        sameDType(op, z, f, t, delta, loss);
        sameShape(op, "logits", z, "output", f);
        if (!t.shape().equals(f.shape())) {
            throw new ShapeMismatchException(op + ": targets " + t.shape() + " do not match the output " + f.shape()
                    + tag());
        }
        sameShape(op, "output", f, "delta", delta);
        expectShape(op, f, loss, new Shape(1, 1));
        noAlias(op, 1, "loss,z,f,t,delta", loss, z, f, t, delta);
        noAlias(op, 1, "delta,z", delta, z);
        be.logitLossAndDelta(lossTerm, z.buffer(), f.buffer(), t.buffer(), delta.buffer(), loss.buffer(), f.rows(),
                f.cols());
    }

    /**
     * One SGD step on parameter w with gradient g (see {@link ComputeBackend#sgdStep}); velocity may be null. w, g and
     * velocity must be different tensors.
     * lr must be finite and &gt; 0, momentum in [0, 1), weightDecay finite and ≥ 0 (the ranges of {@code Optimizers}).
     *
     * @param w the parameter, updated in place
     * @param g the gradient, w's shape
     * @param velocity the momentum buffer, w's shape, or null without momentum
     * @param lr the learning rate
     * @param momentum μ
     * @param weightDecay λ
     */
    public void sgdStep(Tensor w, Tensor g, Tensor velocity, double lr, double momentum, double weightDecay) {
        String op = "sgdStep";
        positive(op, "learning rate", lr);
        fraction(op, "momentum", momentum);
        nonNegative(op, "weight decay", weightDecay);
        check(op, w, g);
        sameDType(op, w, g);
        sameShape(op, "parameter", w, "gradient", g);
        if (velocity != null) {
            check(op, velocity);
            sameDType(op, w, velocity);
            sameShape(op, "parameter", w, "velocity", velocity);
        }
        noAlias(op, 2, "w,velocity,g", w, velocity, g);
        be.sgdStep(w.buffer(), g.buffer(), velocity == null ? null : velocity.buffer(), w.rows(), w.cols(),
                lr, momentum, weightDecay);
    }

    /**
     * One Adam step on parameter w with gradient g and moments m, v (see {@link ComputeBackend#adamStep}); all four
     * must be different tensors.
     * lr and epsilon must be finite and &gt; 0, beta1 and beta2 in [0, 1), weightDecay finite and ≥ 0, step ≥ 1.
     *
     * @param w the parameter, updated in place
     * @param g the gradient, w's shape
     * @param m the first moment, updated
     * @param v the second moment, updated
     * @param lr the learning rate
     * @param beta1 β₁
     * @param beta2 β₂
     * @param epsilon ε
     * @param weightDecay λ
     * @param step the step number, 1-based
     */
    public void adamStep(Tensor w, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2,
                         double epsilon, double weightDecay, long step) {
        String op = "adamStep";
        positive(op, "learning rate", lr);
        fraction(op, "beta1", beta1);
        fraction(op, "beta2", beta2);
        positive(op, "epsilon", epsilon);
        nonNegative(op, "weight decay", weightDecay);
        check(op, w, g, m, v);
        sameDType(op, w, g, m, v);
        sameShape(op, "parameter", w, "gradient", g);
        sameShape(op, "parameter", w, "first moment", m);
        sameShape(op, "parameter", w, "second moment", v);
        if (step < 1) {
            throw new InvalidArgumentException(op + ": step counts from 1, got " + step + tag());
        }
        noAlias(op, 3, "w,m,v,g", w, m, v, g);
        be.adamStep(w.buffer(), g.buffer(), m.buffer(), v.buffer(), w.rows(), w.cols(), lr, beta1, beta2, epsilon,
                weightDecay, step);
    }

    // ---- checks ----------------------------------------------------------------------------------------------------------

    private String tag() {
        return " [" + backend.name() + "]";
    }

    private static String operand(Tensor t, boolean transposed) {
        return "(" + t.shape() + ")" + (transposed ? "ᵀ" : "");
    }

    /** Every tensor is open and lives on this backend. */
    void check(String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t == null) {
                throw new InvalidArgumentException(op + ": a tensor argument is null" + tag());
            }
            if (t.isClosed()) {
                throw new TensorClosedException(op + ": tensor " + t.shape() + " " + t.dtype() + " [" + t.backend().name()
                        + "] is closed");
            }
            if (t.backend() != backend) {
                throw new BackendMismatchException(op + ": tensor " + t.shape() + " lives on " + t.backend().name()
                        + ", but this op runs on " + backend.name() + "; move it first with tensor.to(backend)"
                        + (t.backend().name().equals(backend.name()) ? " (two instances of " + backend.name() + ")" : ""));
            }
        }
        backend.checkOpen(op);
    }

    void sameDType(String op, Tensor first, Tensor... others) {
        for (Tensor t : others) {
            if (t.dtype() != first.dtype()) {
                throw new DTypeMismatchException(op + ": dtypes differ: " + first.shape() + " is " + first.dtype()
                        + ", " + t.shape() + " is " + t.dtype() + tag());
            }
        }
    }

    /**
     * The aliasing rules of {@link ComputeBackend} (each method's javadoc): each of the first {@code exclusive}
     * operands must have a buffer of its own, shared with no other operand listed; the operands after them may share
     * buffers among themselves. {@code names} names the operands in order, comma-separated; null operands (an absent
     * velocity) are skipped. Two operands alias when they share a {@link Tensor#buffer() buffer}, so a future view
     * onto another tensor's buffer is caught too. Each op calls it last, just before the backend: the other checks
     * (shapes, hyper-parameters) report first, as they did before aliases were checked.
     */
    private void noAlias(String op, int exclusive, String names, Tensor... operands) {
        for (int i = 0; i < exclusive; i++) {
            for (int j = i + 1; j < operands.length; j++) {
                if (operands[i] != null && operands[j] != null && operands[i].buffer() == operands[j].buffer()) {
                    String[] n = names.split(",");
                    throw new InvalidArgumentException(op + ": " + n[i] + " and " + n[j] + " are the same buffer; "
                            + n[i] + " must have a buffer of its own" + tag());
                }
            }
        }
    }

    private void sameShape(String op, String firstName, Tensor first, String secondName, Tensor second) {
        if (!first.shape().equals(second.shape())) {
            throw new ShapeMismatchException(op + ": " + firstName + " " + first.shape() + " and " + secondName + " "
                    + second.shape() + " must have the same shape" + tag());
        }
    }

    private void expectShape(String op, Tensor input, Tensor out, Shape expected) {
        if (!out.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": input " + input.shape() + " needs a " + expected + " output, got "
                    + out.shape() + tag());
        }
    }

    private void notNull(String op, String what, Object value) {
        if (value == null) {
            throw new InvalidArgumentException(op + ": " + what + " is null" + tag());
        }
    }

    private void positive(String op, String name, double v) {
        if (!Double.isFinite(v) || v <= 0) {
            throw new InvalidHyperParameterException(op + ": " + name + " must be finite and > 0, got " + v + tag());
        }
    }

    private void nonNegative(String op, String name, double v) {
        if (!Double.isFinite(v) || v < 0) {
            throw new InvalidHyperParameterException(op + ": " + name + " must be finite and ≥ 0, got " + v + tag());
        }
    }

    private void fraction(String op, String name, double v) {
        if (!Double.isFinite(v) || v < 0 || v >= 1) {
            throw new InvalidHyperParameterException(op + ": " + name + " must be in [0, 1), got " + v + tag());
        }
    }

    private void requireActivation(String op, UnaryOp activation) {
        switch (activation) {
            case IDENTITY, SIGMOID, TANH, RELU -> { }
            default -> throw new InvalidArgumentException(op + ": " + activation
                    + " is not an elementwise activation (IDENTITY, SIGMOID, TANH, RELU)" + tag());
        }
    }

    private void requireGrad(String op, UnaryOp grad) {
        if (!grad.isGradFromOutput()) {
            throw new InvalidArgumentException(op + ": " + grad + " is not a *_GRAD_FROM_OUTPUT op" + tag());
        }
    }
}
