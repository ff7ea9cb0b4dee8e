package dev.nabla;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.List;

/**
 * The backend's primitives and fused ops on tensors with explicit outputs, validated: every operand is open, lives on
 * this backend and has the same dtype, and every shape fits. Errors name the op, the shapes and the backend.
 * Dense layers, losses and optimizers are written against this class; {@link Tensor}'s methods are thin calls into it.
 */
public final class Ops {
    /** The calls' names in errors, made once (see CallNames). */
    private static final CallNames<UnaryOp> UNARY_NAMES = CallNames.lowerCase(UnaryOp.class);
    private static final CallNames<BinaryOp> BINARY_NAMES = CallNames.lowerCase(BinaryOp.class);
    static final CallNames<CompareOp> COMPARE_NAMES = CallNames.lowerCase(CompareOp.class);
    private static final CallNames<UnaryOp> BIAS_ACTIVATION_NAMES = CallNames.withArgument("biasActivation",
            UnaryOp.class);
    private static final CallNames<UnaryOp> ACTIVATION_BACKWARD_NAMES = CallNames.withArgument("activationBackward",
            UnaryOp.class);
    private static final CallNames<UnaryOp> BACKPROP_DELTA_NAMES = CallNames.withArgument("backpropDelta",
            UnaryOp.class);
    private static final CallNames<BinaryOp> LOSS_AND_DELTA_NAMES = CallNames.withArgument("lossAndDelta",
            BinaryOp.class);
    private static final CallNames<BinaryOp> LOGIT_LOSS_AND_DELTA_NAMES = CallNames.withArgument("logitLossAndDelta",
            BinaryOp.class);

    private final Backend backend;
    private final ComputeBackend be;

    Ops(Backend backend) {
        this.backend = backend;
        this.be = backend.compute();
    }

    // ---- gemm ----------------------------------------------------------------------------------------------------------

    /**
     * C = α·op(A)·op(B) + β·C, op(X) = Xᵀ when its flag is set. β = 0 overwrites C. C must not be A or B.
     * A and B may be BFLOAT16 or FLOAT16 (both the same) where the backend computes on them
     * ({@link ComputeBackend#gemmOnHalves()}): the products accumulate in float32, and C is FLOAT32 or A's dtype.
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
        if (a.dtype().isHalf()) {                       // gemmShape let the halves through: this backend has them
            check(op, c);
            if (c.dtype() != DType.FLOAT32 && c.dtype() != a.dtype()) {
                throw new DTypeMismatchException(op + ": " + a.dtype() + " inputs need a FLOAT32 or " + a.dtype()
                        + " output, got " + c.shape() + " " + c.dtype() + tag());
            }
        } else {
            checkFloat(op, c);
            sameDType(op, a, c);
        }
        if (!c.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": " + operand(a, transA) + " · " + operand(b, transB) + " needs a "
                    + expected + " output, got " + c.shape() + tag());
        }
        noAlias(op, 1, "c,a,b", c, a, b);
        int k = transA ? a.rows() : a.cols();
        try (Staging st = stage(op)) {
            be.gemm(transA, transB, expected.rows(), expected.cols(), k, alpha, st.read(a), st.read(b), beta,
                    beta == 0 ? st.write(c) : st.update(c));
            st.commit();
        }
    }

    /** The shape of op(A)·op(B), after checking both operands; throws naming both shapes when they cannot be multiplied. */
    Shape gemmShape(String op, boolean transA, boolean transB, Tensor a, Tensor b) {
        if (a != null && a.dtype().isHalf() && be.gemmOnHalves()) {
            check(op, a, b);
        } else {
            checkFloat(op, a, b);
        }
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
        unary(UNARY_NAMES.of(op), op, param, x, out);
    }

    void unary(String op, UnaryOp f, double param, Tensor x, Tensor out) {
        checkFloat(op, x, out);
        sameDType(op, x, out);
        sameShape(op, "input", x, "output", out);
        try (Staging st = stage(op)) {
            be.unary(f, param, st.read(x), st.write(out), x.size());
            st.commit();
        }
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
        notNull(BINARY_NAMES.of(op), "broadcast", broadcast);
        binary(BINARY_NAMES.of(op), op, a, b, broadcast, out);
    }

    void binary(String op, BinaryOp f, Tensor a, Tensor b, Broadcast broadcast, Tensor out) {
        checkFloat(op, a, b, out);
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
        try (Staging st = stage(op)) {
            be.binary(f, st.read(a), st.read(b), broadcast, st.write(out), a.rows(), a.cols());
            st.commit();
        }
    }

    /**
     * dst ← src (same shape and dtype).
     *
     * @param src the source
     * @param dst the destination
     */
    public void copy(Tensor src, Tensor dst) {
        copy("copy", src, dst);
    }

    void copy(String op, Tensor src, Tensor dst) {
        check(op, src, dst);
        sameDType(op, src, dst);
        sameShape(op, "source", src, "destination", dst);
        if (src.sameRange(dst)) {       // the destination already holds the values (the SPI copy must not get it twice)
            return;
        }
        if (src.overlaps(dst)) {        // an allowed alias must be exactly the same elements (ComputeBackend)
            throw new InvalidArgumentException(op + ": source " + src.shape() + " " + src.dtype() + " (from element "
                    + src.offsetInBuffer() + ") and destination " + dst.shape() + " (from element "
                    + dst.offsetInBuffer() + ") are views that overlap without being the same elements; copy from "
                    + "src.copy() instead" + tag());
        }
        if (src.size() > 0) {
            if (src.state == dst.state) {       // two disjoint views of one buffer: stage the source
                try (Staging st = stage(op)) {
                    be.copyStrided(st.read(src), 0, src.size(), 1, dst.state.buffer(), dst.offsetInBuffer(),
                            src.size(), 1, (int) src.size());
                }
            } else if (src.offsetInBuffer() == 0 && dst.offsetInBuffer() == 0) {
                be.copy(src.state.buffer(), dst.state.buffer(), src.size());
            } else {
                be.copyStrided(src.state.buffer(), src.offsetInBuffer(), src.size(), 1, dst.state.buffer(),
                        dst.offsetInBuffer(), src.size(), 1, (int) src.size());
            }
        }
        if (src.dtype() == DType.INT32) {
            wroteInts(dst, src.state.intRange());
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
        if (t.dtype() == DType.INT32) {
            IntRange.requireInt("fill", value, t.shape(), backend.name());
        }
        try (Staging st = stage("fill")) {
            be.fill(st.write(t), t.size(), value);
            st.commit();
        }
        if (t.dtype() == DType.INT32) {
            wroteInts(t, IntRange.of((long) value, (long) value));
        }
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
        checkFloat(op, x, y);
        sameDType(op, x, y);
        sameShape(op, "x", x, "y", y);
        try (Staging st = stage(op)) {
            be.axpy(alpha, st.read(x), st.update(y), x.size());
            st.commit();
        }
    }

    // ---- reductions ----------------------------------------------------------------------------------------------------

    /**
     * out (1 × cols) = column sums of x: 1ᵀ·x. out must not be x. x may be BFLOAT16 or FLOAT16 where the backend sums
     * them ({@link ComputeBackend#sumColumnsOnHalves()}): the sums accumulate in float32 and out is FLOAT32.
     *
     * @param x the input, rows × cols
     * @param out the output, 1 × cols
     */
    public void sumColumns(Tensor x, Tensor out) {
        sumColumns("sumColumns", x, out);
    }

    void sumColumns(String op, Tensor x, Tensor out) {
        if (x != null && x.dtype().isHalf() && be.sumColumnsOnHalves()) {
            check(op, x, out);
            if (out.dtype() != DType.FLOAT32) {
                throw new DTypeMismatchException(op + ": " + x.dtype() + " input " + x.shape() + " sums into a FLOAT32 "
                        + "output, got " + out.shape() + " " + out.dtype() + tag());
            }
        } else {
            checkFloat(op, x, out);
            sameDType(op, x, out);
        }
        expectShape(op, x, out, 1, x.cols());
        noAlias(op, 1, "out,x", out, x);
        try (Staging st = stage(op)) {
            be.sumColumns(st.read(x), x.rows(), x.cols(), st.write(out));
            st.commit();
        }
    }

    /**
     * out (rows × 1) = max or sum of each row of x. out must not be x.
     *
     * @param op MAX, MIN or SUM
     * @param x the input, rows × cols
     * @param out the output, rows × 1
     */
    public void reduceRows(RowReduction op, Tensor x, Tensor out) {
        notNull("reduceRows", "op", op);
        reduceRows("reduceRows(" + op + ")", op, x, out);
    }

    void reduceRows(String name, RowReduction op, Tensor x, Tensor out) {
        checkFloat(name, x, out);
        sameDType(name, x, out);
        expectShape(name, x, out, x.rows(), 1);
        noAlias(name, 1, "out,x", out, x);
        try (Staging st = stage(name)) {
            be.reduceRows(op, st.read(x), x.rows(), x.cols(), st.write(out));
            st.commit();
        }
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
        checkFloat(op, x, out);
        sameDType(op, x, out);
        expectShape(op, x, out, 1, 1);
        noAlias(op, 1, "out,x", out, x);
        try (Staging st = stage(op)) {
            be.sumAll(st.read(x), x.size(), st.write(out));
            st.commit();
        }
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
        String op = BIAS_ACTIVATION_NAMES.of(activation);
        requireActivation(op, activation);
        checkFloatOrHalvesHere(op, z, bias, out);
        sameDType(op, z, bias, out);
        if (bias.rows() != 1 || bias.cols() != z.cols()) {
            throw new ShapeMismatchException(op + ": bias " + bias.shape() + " must be 1×" + z.cols() + " for input "
                    + z.shape() + tag());
        }
        sameShape(op, "input", z, "output", out);
        try (Staging st = stage(op)) {
            be.biasActivation(activation, st.read(z), st.read(bias), st.write(out), z.rows(), z.cols());
            st.commit();
        }
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
        checkFloat(op, x, out);
        sameDType(op, x, out);
        sameShape(op, "input", x, "output", out);
        try (Staging st = stage(op)) {
            be.softmaxRows(st.read(x), st.write(out), x.rows(), x.cols());
            st.commit();
        }
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
        String op = ACTIVATION_BACKWARD_NAMES.of(gradFromOutput);
        requireGrad(op, gradFromOutput);
        checkFloatOrHalvesHere(op, a, d, out);
        sameDType(op, a, d, out);
        sameShape(op, "activation", a, "error", d);
        sameShape(op, "activation", a, "output", out);
        try (Staging st = stage(op)) {
            be.activationBackward(gradFromOutput, st.read(a), st.read(d), st.write(out), a.rows(), a.cols());
            st.commit();
        }
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
        String op = BACKPROP_DELTA_NAMES.of(gradFromOutput);
        requireGrad(op, gradFromOutput);
        checkFloat(op, delta, w, aPrev, out);
        sameDType(op, delta, w, aPrev, out);
        Shape product = gemmShape(op, false, true, delta, w);
        if (!aPrev.shape().equals(product)) {
            throw new ShapeMismatchException(op + ": δ·Wᵀ is " + product + " but the previous activation is "
                    + aPrev.shape() + tag());
        }
        sameShape(op, "previous activation", aPrev, "output", out);
        noAlias(op, 1, "out,delta,w,aPrev", out, delta, w, aPrev);
        try (Staging st = stage(op)) {
            be.backpropDelta(gradFromOutput, st.read(delta), st.read(w), st.read(aPrev), st.write(out),
                    delta.rows(), delta.cols(), w.rows());
            st.commit();
        }
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
        String op = LOSS_AND_DELTA_NAMES.of(lossTerm);
        notNull(op, "output gradient op", outputGrad);
        if (!lossTerm.isLossTerm()) {
            throw new InvalidArgumentException(op + ": " + lossTerm + " is not a loss term" + tag());
        }
        requireGrad(op, outputGrad);
        checkFloat(op, f, t, delta, loss);
        sameDType(op, f, t, delta, loss);
        if (!t.shape().equals(f.shape())) {
            throw new ShapeMismatchException(op + ": targets " + t.shape() + " do not match the output " + f.shape()
                    + tag());
        }
        sameShape(op, "output", f, "delta", delta);
        expectShape(op, f, loss, 1, 1);
        noAlias(op, 1, "loss,f,t,delta", loss, f, t, delta);
        try (Staging st = stage(op)) {
            be.lossAndDelta(lossTerm, outputGrad, st.read(f), st.read(t), st.write(delta), st.write(loss), f.rows(),
                    f.cols());
            st.commit();
        }
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
        String op = LOGIT_LOSS_AND_DELTA_NAMES.of(lossTerm);
        if (lossTerm != BinaryOp.CROSS_ENTROPY && lossTerm != BinaryOp.BINARY_CROSS_ENTROPY) {
            throw new InvalidArgumentException(op + ": " + lossTerm
                    + " is not a cross-entropy (CROSS_ENTROPY or BINARY_CROSS_ENTROPY)" + tag());
        }
        checkFloat(op, z, f, t, delta, loss);
        sameDType(op, z, f, t, delta, loss);
        sameShape(op, "logits", z, "output", f);
        if (!t.shape().equals(f.shape())) {
            throw new ShapeMismatchException(op + ": targets " + t.shape() + " do not match the output " + f.shape()
                    + tag());
        }
        sameShape(op, "output", f, "delta", delta);
        expectShape(op, f, loss, 1, 1);
        noAlias(op, 1, "loss,z,f,t,delta", loss, z, f, t, delta);
        noAlias(op, 1, "delta,z", delta, z);
        try (Staging st = stage(op)) {
            be.logitLossAndDelta(lossTerm, st.read(z), st.read(f), st.read(t), st.write(delta), st.write(loss),
                    f.rows(), f.cols());
            st.commit();
        }
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
        checkFloat(op, w, g);
        sameDType(op, w, g);
        sameShape(op, "parameter", w, "gradient", g);
        if (velocity != null) {
            checkFloat(op, velocity);
            sameDType(op, w, velocity);
            sameShape(op, "parameter", w, "velocity", velocity);
        }
        noAlias(op, 2, "w,velocity,g", w, velocity, g);
        try (Staging st = stage(op)) {
            be.sgdStep(st.update(w), st.read(g), st.update(velocity), w.rows(), w.cols(), lr, momentum, weightDecay);
            st.commit();
        }
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
        checkFloat(op, w, g, m, v);
        sameDType(op, w, g, m, v);
        sameShape(op, "parameter", w, "gradient", g);
        sameShape(op, "parameter", w, "first moment", m);
        sameShape(op, "parameter", w, "second moment", v);
        if (step < 1) {
            throw new InvalidArgumentException(op + ": step counts from 1, got " + step + tag());
        }
        noAlias(op, 3, "w,m,v,g", w, m, v, g);
        try (Staging st = stage(op)) {
            be.adamStep(st.update(w), st.read(g), st.update(m), st.update(v), w.rows(), w.cols(), lr, beta1, beta2,
                    epsilon, weightDecay, step);
            st.commit();
        }
    }

    // ---- layout: transpose, concatenation, explicit broadcasting, casts ----------------------------------------------

    /**
     * out (cols × rows) = xᵀ. Any dtype; out must not overlap x.
     *
     * @param x the input, rows × cols
     * @param out the output, cols × rows, x's dtype
     */
    public void transpose(Tensor x, Tensor out) {
        String op = "transpose";
        check(op, x, out);
        sameDType(op, x, out);
        expectShape(op, x, out, x.cols(), x.rows());
        noAlias(op, 1, "out,x", out, x);
        if (x.size() > 0) {
            be.copyStrided(x.state.buffer(), x.offsetInBuffer(), 1, x.cols(), out.state.buffer(), out.offsetInBuffer(),
                    x.rows(), x.cols(), x.rows());
        }
        intsFrom(out, x);
    }

    /**
     * out = the parts stacked top to bottom; every part has out's columns and dtype, and out has their rows in all.
     * out must not overlap a part.
     *
     * @param parts the blocks, in order
     * @param out the output
     */
    public void concatRows(List<Tensor> parts, Tensor out) {
        concat("concatRows", parts, out, true);
    }

    /**
     * out = the parts side by side, left to right; every part has out's rows and dtype, and out has their columns in
     * all. out must not overlap a part.
     *
     * @param parts the blocks, in order
     * @param out the output
     */
    public void concatColumns(List<Tensor> parts, Tensor out) {
        concat("concatColumns", parts, out, false);
    }

    /**
     * The parts stacked top to bottom ({@code stackRows}) or side by side into out: each part must match out in the
     * other dimension, and together fill it; every part is one strided copy at its place in out.
     */
    private void concat(String op, List<Tensor> parts, Tensor out, boolean stackRows) {
        Tensor[] all = operands(op, parts, out);
        check(op, all);
        sameDType(op, out, all);
        String along = stackRows ? "rows" : "columns", across = stackRows ? "columns" : "rows";
        long total = 0;
        for (Tensor p : parts) {
            if ((stackRows ? p.cols() : p.rows()) != (stackRows ? out.cols() : out.rows())) {
                throw new ShapeMismatchException(op + ": every part needs " + (stackRows ? out.cols() : out.rows())
                        + " " + across + ", got " + shapes(parts) + tag());
            }
            total += stackRows ? p.rows() : p.cols();
            noAlias(op, 1, "out,part", out, p);
        }
        if (total != (stackRows ? out.rows() : out.cols())) {
            throw new ShapeMismatchException(op + ": parts " + shapes(parts) + " have " + total + " " + along
                    + " in all, the output " + out.shape() + " has " + (stackRows ? out.rows() : out.cols()) + tag());
        }
        long at = out.offsetInBuffer();
        IntRange ints = IntRange.of(0, -1);
        for (Tensor p : parts) {
            if (p.size() > 0) {
                be.copyStrided(p.state.buffer(), p.offsetInBuffer(), p.cols(), 1, out.state.buffer(), at, out.cols(),
                        p.rows(), p.cols());
            }
            at += stackRows ? p.size() : p.cols();
            ints = IntRange.union(ints, p.state.intRange());
        }
        if (out.dtype() == DType.INT32) {
            wroteInts(out, ints);
        }
    }

    /**
     * out = columns [from, from + out.cols()) of x (a copy; same rows and dtype). out must not overlap x.
     *
     * @param x the input
     * @param from the first column copied
     * @param out the output, x.rows() × (the number of columns copied)
     */
    public void sliceColumns(Tensor x, int from, Tensor out) {
        String op = "sliceColumns";
        check(op, x, out);
        sameDType(op, x, out);
        if (from < 0 || out.rows() != x.rows() || (long) from + out.cols() > x.cols()) {
            throw new InvalidShapeException(op + ": columns [" + from + ", " + ((long) from + out.cols()) + ") of "
                    + x.shape() + " into " + out.shape() + " are not a column range of the input with its rows" + tag());
        }
        noAlias(op, 1, "out,x", out, x);
        if (out.size() > 0) {
            be.copyStrided(x.state.buffer(), x.offsetInBuffer() + from, x.cols(), 1, out.state.buffer(),
                    out.offsetInBuffer(), out.cols(), out.rows(), out.cols());
        }
        intsFrom(out, x);
    }

    /**
     * out = x repeated to out's shape: x is 1 × 1 (a scalar), 1 × cols (a row, repeated down), rows × 1 (a column,
     * repeated across) or out's own shape. The one explicit broadcast: Nabla's binary ops never broadcast
     * silently. out must not overlap x.
     *
     * @param x the tensor to repeat
     * @param out the output, x's dtype
     */
    public void broadcastTo(Tensor x, Tensor out) {
        String op = "broadcastTo";
        check(op, x, out);
        sameDType(op, x, out);
        boolean rowsOk = x.rows() == out.rows() || x.rows() == 1;
        boolean colsOk = x.cols() == out.cols() || x.cols() == 1;
        if (!rowsOk || !colsOk) {
            throw new ShapeMismatchException(op + ": " + x.shape() + " cannot be broadcast to " + out.shape()
                    + " (each dimension must be equal or 1)" + tag());
        }
        noAlias(op, 1, "out,x", out, x);
        if (out.size() > 0) {
            be.copyStrided(x.state.buffer(), x.offsetInBuffer(), x.rows() == 1 ? 0 : x.cols(), x.cols() == 1 ? 0 : 1,
                    out.state.buffer(), out.offsetInBuffer(), out.cols(), out.rows(), out.cols());
        }
        intsFrom(out, x);
    }

    /**
     * out = src converted to out's dtype (same shape): floats round to nearest; to INT32 rounds toward zero, saturates
     * at the int range and takes NaN to 0 (see {@link ComputeBackend#cast}). The same dtype copies.
     *
     * @param src the source
     * @param out the output, src's shape, any dtype
     */
    public void cast(Tensor src, Tensor out) {
        String op = "cast";
        if (src != null && out != null && src.dtype() == out.dtype()) {
            copy(op, src, out);
            return;
        }
        check(op, src, out);
        sameShape(op, "source", src, "output", out);
        try (Staging st = stage(op)) {
            be.cast(st.read(src), st.write(out), src.size());
            st.commit();
        }
        if (out.dtype() == DType.INT32) {
            wroteInts(out, null);       // values computed on the device: bounds unknown
        }
    }

    // ---- indexing and masks ------------------------------------------------------------------------------------------

    /**
     * out row i ← src row indices[i]: any dtype; indices is an INT32 vector (1 × n or n × 1) of rows of src. An index
     * outside [0, src.rows()) throws {@link IndexOutOfRangeException}; indices whose bounds core knows (made by
     * {@code fromArray}, {@code argmaxRows}, a gather of known ones) are checked without reading them back.
     *
     * @param src the rows to gather from
     * @param indices INT32, n of them
     * @param out n × src.cols(), src's dtype
     */
    public void gatherRows(Tensor src, Tensor indices, Tensor out) {
        String op = "gatherRows";
        check(op, src, indices, out);
        sameDType(op, src, out);
        int n = indexVector(op, "indices", indices);
        expectShape(op, src, out, n, src.cols());
        noAlias(op, 1, "out,src,indices", out, src, indices);
        checkIndices(op, "index", indices, src.rows(), "the rows of source " + src.shape());
        try (Staging st = stage(op)) {
            be.gatherRows(st.read(src), src.rows(), src.cols(), st.read(indices), n, st.write(out));
            st.commit();
        }
        intsFrom(out, src);
    }

    /**
     * dst row indices[i] += src row i, for every i in order: the adjoint (gradient) of {@link #gatherRows}. FLOAT32 or
     * FLOAT64; indices is an INT32 vector of n rows of dst.
     *
     * @param src the rows to add, n × cols
     * @param indices INT32, n of them, each in [0, dst.rows())
     * @param dst the accumulator, updated in place; not src or indices
     */
    public void scatterAddRows(Tensor src, Tensor indices, Tensor dst) {
        String op = "scatterAddRows";
        checkFloat(op, src, dst);
        check(op, indices);
        sameDType(op, src, dst);
        int n = indexVector(op, "indices", indices);
        if (src.rows() != n || src.cols() != dst.cols()) {
            throw new ShapeMismatchException(op + ": source " + src.shape() + " needs " + n + " rows (one per index) "
                    + "and the accumulator's " + dst.cols() + " columns" + tag());
        }
        noAlias(op, 1, "dst,src,indices", dst, src, indices);
        checkIndices(op, "index", indices, dst.rows(), "the rows of accumulator " + dst.shape());
        try (Staging st = stage(op)) {
            be.scatterAddRows(st.read(src), st.read(indices), n, src.cols(), st.update(dst), dst.rows());
            st.commit();
        }
    }

    /**
     * out (INT32, rows × 1) = the column of each row's maximum, the first one on ties; a NaN beats every number.
     * x is FLOAT32 or FLOAT64 with at least one column (unless it has no rows).
     *
     * @param x the input, rows × cols
     * @param out INT32, rows × 1
     */
    public void argmaxRows(Tensor x, Tensor out) {
        String op = "argmaxRows";
        checkFloat(op, x);
        check(op, out);
        requireDType(op, "output", out, DType.INT32);
        expectShape(op, x, out, x.rows(), 1);
        if (x.cols() == 0 && x.rows() > 0) {
            throw new InvalidShapeException(op + ": " + x.shape() + " has rows without columns; their argmax is "
                    + "undefined" + tag());
        }
        try (Staging st = stage(op)) {
            be.argmaxRows(st.read(x), x.rows(), x.cols(), st.write(out));
            st.commit();
        }
        wroteInts(out, IntRange.of(0, x.cols() - 1L));
    }

    /**
     * out (n × classes) = one-hot rows of INT32 labels (a vector of n): 1 in column labels[i], 0 elsewhere; classes is
     * out's column count. A label outside [0, classes) throws {@link IndexOutOfRangeException}.
     *
     * @param labels INT32, n of them
     * @param out FLOAT32 or FLOAT64, n × classes
     */
    public void oneHot(Tensor labels, Tensor out) {
        String op = "oneHot";
        check(op, labels);
        checkFloat(op, out);
        int n = indexVector(op, "labels", labels);
        if (out.rows() != n) {
            throw new ShapeMismatchException(op + ": " + n + " labels need " + n + " output rows, got " + out.shape()
                    + tag());
        }
        checkIndices(op, "label", labels, out.cols(), "the classes (columns) of output " + out.shape());
        try (Staging st = stage(op)) {
            be.oneHot(st.read(labels), n, out.cols(), st.write(out));
            st.commit();
        }
    }

    /**
     * out (INT32 mask, a's shape) = 1 where a cmp b, else 0 (IEEE: NaN compares false except NE); b is laid over a as
     * {@code broadcast} says. a and b share a dtype, INT32 included.
     *
     * @param cmp the comparison
     * @param a the left operand
     * @param b the right operand, shaped as broadcast says
     * @param broadcast how b is laid over a
     * @param out INT32, a's shape; not a or b
     */
    public void compare(CompareOp cmp, Tensor a, Tensor b, Broadcast broadcast, Tensor out) {
        notNull("compare", "comparison", cmp);
        String op = COMPARE_NAMES.of(cmp);
        notNull(op, "broadcast", broadcast);
        check(op, a, b, out);
        notHalf(op, a);
        notHalf(op, b);
        sameDType(op, a, b);
        requireDType(op, "output", out, DType.INT32);
        broadcastShape(op, a, b, broadcast);
        sameShape(op, "input", a, "output", out);
        noAlias(op, 1, "out,a,b", out, a, b);
        try (Staging st = stage(op)) {
            be.compare(cmp, st.read(a), st.read(b), broadcast, st.write(out), a.rows(), a.cols());
            st.commit();
        }
        wroteInts(out, IntRange.of(0, 1));
    }

    /**
     * out = mask ≠ 0 ? a : b elementwise; a, b and out share a floating dtype and mask's shape; mask is INT32. out may
     * be a or b.
     *
     * @param mask INT32
     * @param a where mask is nonzero
     * @param b where mask is zero
     * @param out the output
     */
    public void where(Tensor mask, Tensor a, Tensor b, Tensor out) {
        String op = "where";
        check(op, mask);
        checkFloat(op, a, b, out);
        requireDType(op, "mask", mask, DType.INT32);
        sameDType(op, a, b, out);
        sameShape(op, "mask", mask, "first operand", a);
        sameShape(op, "mask", mask, "second operand", b);
        sameShape(op, "mask", mask, "output", out);
        try (Staging st = stage(op)) {
            be.where(st.read(mask), st.read(a), st.read(b), st.write(out), mask.size());
            st.commit();
        }
    }

    // ---- index helpers ---------------------------------------------------------------------------------------------

    /** The length of an INT32 index vector (1 × n or n × 1), or a typed error naming it. */
    private int indexVector(String op, String what, Tensor t) {
        requireDType(op, what, t, DType.INT32);
        if (t.rows() != 1 && t.cols() != 1) {
            throw new ShapeMismatchException(op + ": " + what + " must be a vector (1×n or n×1), got " + t.shape()
                    + tag());
        }
        return (int) t.size();
    }

    /**
     * Proves every element of the INT32 vector t lies in [0, bound): from the bounds core keeps when they suffice,
     * else by reading t back (then the exact bounds are kept for the next call). Never clamps. {@code range} says what
     * [0, bound) is, with its shape ("the rows of source 5×3").
     */
    private void checkIndices(String op, String what, Tensor t, long bound, String range) {
        IntRange known = t.state.intRange();
        if (known != null && known.within(0, bound - 1)) {
            return;
        }
        int[] values = t.toIntArray();
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= bound) {
                throw new IndexOutOfRangeException(op + ": " + what + " " + values[i] + " at position " + i + " of "
                        + t.shape() + " is outside [0, " + bound + "), " + range + tag());
            }
        }
        if (t.offsetInBuffer() == 0 && t.size() == t.state.buffer().length()) {
            t.state.setIntRange(IntRange.of(values));
        }
    }

    /** After out was written from x's elements (a copy, gather, transpose): out's INT32 bounds are x's. */
    private static void intsFrom(Tensor out, Tensor x) {
        if (out.dtype() == DType.INT32) {
            wroteInts(out, x.state.intRange());
        }
    }

    private void requireDType(String op, String what, Tensor t, DType dtype) {
        if (t.dtype() != dtype) {
            throw new DTypeMismatchException(op + ": " + what + " " + t.shape() + " must be " + dtype + ", got "
                    + t.dtype() + tag());
        }
    }

    /** The shape b must have to be laid over a as broadcast says, or a typed error. */
    private void broadcastShape(String op, Tensor a, Tensor b, Broadcast broadcast) {
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
    }

    private Tensor[] operands(String op, List<Tensor> parts, Tensor out) {
        if (parts == null) {
            throw new InvalidArgumentException(op + ": the list of parts is null" + tag());
        }
        if (parts.isEmpty()) {
            throw new InvalidArgumentException(op + ": there are no parts to concatenate" + tag());
        }
        Tensor[] all = new Tensor[parts.size() + 1];
        for (int i = 0; i < parts.size(); i++) {
            all[i] = parts.get(i);
        }
        all[parts.size()] = out;
        return all;
    }

    private static String shapes(List<Tensor> parts) {
        StringBuilder sb = new StringBuilder("[");
        for (Tensor p : parts) {
            sb.append(sb.length() > 1 ? ", " : "").append(p.shape());
        }
        return sb.append(']').toString();
    }

    // ---- checks ----------------------------------------------------------------------------------------------------------

    private String tag() {
        return " [" + backend.name() + "]";
    }

    private static String operand(Tensor t, boolean transposed) {
        return "(" + t.shape() + ")" + (transposed ? "ᵀ" : "");
    }

    // Every op checks its operands on every call, so the checks come in fixed arities: a varargs array is one more
    // allocation per call (three per op, about 1.5 KB of a training step's heap). Java picks the fixed arity where
    // one fits; the varargs forms serve the rest, and each form checks its operands in the same order.

    /** Every tensor is open and lives on this backend. */
    void check(String op, Tensor a) {
        checkOne(op, a);
        backend.checkOpen(op);
    }

    void check(String op, Tensor a, Tensor b) {
        checkOne(op, a);
        checkOne(op, b);
        backend.checkOpen(op);
    }

    void check(String op, Tensor a, Tensor b, Tensor c) {
        checkOne(op, a);
        checkOne(op, b);
        checkOne(op, c);
        backend.checkOpen(op);
    }

    void check(String op, Tensor a, Tensor b, Tensor c, Tensor d) {
        checkOne(op, a);
        checkOne(op, b);
        checkOne(op, c);
        checkOne(op, d);
        backend.checkOpen(op);
    }

    void check(String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            checkOne(op, t);
        }
        backend.checkOpen(op);
    }

    /** t is not null, not closed, and lives on this backend. */
    private void checkOne(String op, Tensor t) {
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

    /**
     * {@link #check}, and every tensor is FLOAT32 or FLOAT64: what every arithmetic op needs. BFLOAT16 and FLOAT16
     * are storage types no arithmetic op has a kernel for yet: refused here by name, so that no backend ever
     * computes on 16-bit buffers it does not expect.
     */
    void checkFloat(String op, Tensor a) {
        check(op, a);
        notHalf(op, a);
        floating(op, a);
    }

    void checkFloat(String op, Tensor a, Tensor b) {
        check(op, a, b);
        notHalf(op, a);
        notHalf(op, b);
        floating(op, a);
        floating(op, b);
    }

    void checkFloat(String op, Tensor a, Tensor b, Tensor c) {
        check(op, a, b, c);
        notHalf(op, a);
        notHalf(op, b);
        notHalf(op, c);
        floating(op, a);
        floating(op, b);
        floating(op, c);
    }

    void checkFloat(String op, Tensor a, Tensor b, Tensor c, Tensor d) {
        check(op, a, b, c, d);
        notHalf(op, a);
        notHalf(op, b);
        notHalf(op, c);
        notHalf(op, d);
        floating(op, a);
        floating(op, b);
        floating(op, c);
        floating(op, d);
    }

    void checkFloat(String op, Tensor... tensors) {
        check(op, tensors);
        for (Tensor t : tensors) {
            notHalf(op, t);
        }
        for (Tensor t : tensors) {
            floating(op, t);
        }
    }

    /** t is FLOAT32 or FLOAT64. */
    private void floating(String op, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new UnsupportedDTypeException(op + ": tensor " + t.shape() + " is " + t.dtype() + "; " + op
                    + " needs FLOAT32 or FLOAT64 (convert with cast)" + tag());
        }
    }

    /**
     * {@link #checkFloat}, except that the 16-bit storage types pass where this backend computes the fused
     * activations on them ({@link ComputeBackend#fusedActivationsOnHalves()}); {@link #sameDType} follows.
     */
    private void checkFloatOrHalvesHere(String op, Tensor a, Tensor b, Tensor c) {
        if (a != null && a.dtype().isHalf() && be.fusedActivationsOnHalves()) {
            check(op, a, b, c);
            return;
        }
        checkFloat(op, a, b, c);
    }

    /** Refuses a BFLOAT16 or FLOAT16 operand of an op that has no kernel for them, naming op, dtype and backend. */
    private void notHalf(String op, Tensor t) {
        if (t.dtype().isHalf()) {
            throw new UnsupportedDTypeException(op + ": tensor " + t.shape() + " is " + t.dtype() + ", a storage "
                    + "type " + op + " does not compute on yet; cast it to FLOAT32 first" + tag());
        }
    }

    /** A staging frame for the operands of one backend call (views made whole, see {@link Staging}). */
    private Staging stage(String op) {
        return Staging.open(backend, op);
    }

    /**
     * Records what an op wrote into an INT32 tensor: the new bounds when it overwrote the whole buffer, else the union
     * with what the rest of the buffer may hold.
     */
    static void wroteInts(Tensor t, IntRange written) {
        boolean whole = t.offsetInBuffer() == 0 && t.size() == t.state.buffer().length();
        t.state.setIntRange(whole ? written : IntRange.union(t.state.intRange(), written));
    }

    void sameDType(String op, Tensor first, Tensor b) {
        sameDTypeAs(op, first, b);
    }

    void sameDType(String op, Tensor first, Tensor b, Tensor c) {
        sameDTypeAs(op, first, b);
        sameDTypeAs(op, first, c);
    }

    void sameDType(String op, Tensor first, Tensor b, Tensor c, Tensor d) {
        sameDTypeAs(op, first, b);
        sameDTypeAs(op, first, c);
        sameDTypeAs(op, first, d);
    }

    void sameDType(String op, Tensor first, Tensor... others) {
        for (Tensor t : others) {
            sameDTypeAs(op, first, t);
        }
    }

    private void sameDTypeAs(String op, Tensor first, Tensor t) {
        if (t.dtype() != first.dtype()) {
            throw new DTypeMismatchException(op + ": dtypes differ: " + first.shape() + " is " + first.dtype()
                    + ", " + t.shape() + " is " + t.dtype() + tag());
        }
    }

    /**
     * The aliasing rules of {@link ComputeBackend} (each method's javadoc): each of the first {@code exclusive}
     * operands must have a buffer of its own, shared with no other operand listed; the operands after them may share
     * buffers among themselves. {@code names} names the operands in order, comma-separated; null operands (an absent
     * velocity) are skipped. Two operands alias when they share an element: the same tensor, or views
     * ({@link Tensor#sliceRows}, {@link Tensor#reshape}) whose ranges of one buffer overlap. Each op calls it last, just before the backend: the other checks
     * (shapes, hyper-parameters) report first, as they did before aliases were checked.
     */
    private void noAlias(String op, int exclusive, String names, Tensor t0, Tensor t1) {
        noAlias(op, exclusive, names, 2, t0, t1, null, null, null);
    }

    private void noAlias(String op, int exclusive, String names, Tensor t0, Tensor t1, Tensor t2) {
        noAlias(op, exclusive, names, 3, t0, t1, t2, null, null);
    }

    private void noAlias(String op, int exclusive, String names, Tensor t0, Tensor t1, Tensor t2, Tensor t3) {
        noAlias(op, exclusive, names, 4, t0, t1, t2, t3, null);
    }

    private void noAlias(String op, int exclusive, String names, Tensor t0, Tensor t1, Tensor t2, Tensor t3,
                         Tensor t4) {
        noAlias(op, exclusive, names, 5, t0, t1, t2, t3, t4);
    }

    /** {@link #noAlias} over the first {@code count} of five operand slots, without an array. */
    private void noAlias(String op, int exclusive, String names, int count, Tensor t0, Tensor t1, Tensor t2,
                         Tensor t3, Tensor t4) {
        for (int i = 0; i < exclusive; i++) {
            Tensor a = nth(i, t0, t1, t2, t3, t4);
            for (int j = i + 1; j < count; j++) {
                Tensor b = nth(j, t0, t1, t2, t3, t4);
                if (a != null && b != null && a.overlaps(b)) {
                    String[] n = names.split(",");
                    throw new InvalidArgumentException(op + ": " + n[i] + " and " + n[j] + " are the same buffer"
                            + (a.sameRange(b) ? "" : " (overlapping views)") + "; " + n[i]
                            + " must have a buffer of its own" + tag());
                }
            }
        }
    }

    private static Tensor nth(int i, Tensor t0, Tensor t1, Tensor t2, Tensor t3, Tensor t4) {
        return switch (i) {
            case 0 -> t0;
            case 1 -> t1;
            case 2 -> t2;
            case 3 -> t3;
            default -> t4;
        };
    }

    private void sameShape(String op, String firstName, Tensor first, String secondName, Tensor second) {
        if (!first.shape().equals(second.shape())) {
            throw new ShapeMismatchException(op + ": " + firstName + " " + first.shape() + " and " + secondName + " "
                    + second.shape() + " must have the same shape" + tag());
        }
    }

    /** out must be rows × cols (compared without building a Shape: ops check on every call). */
    private void expectShape(String op, Tensor input, Tensor out, int rows, int cols) {
        if (out.rows() != rows || out.cols() != cols) {
            throw new ShapeMismatchException(op + ": input " + input.shape() + " needs a " + new Shape(rows, cols)
                    + " output, got " + out.shape() + tag());
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
