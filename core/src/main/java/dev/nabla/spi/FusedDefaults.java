package dev.nabla.spi;

import dev.nabla.InvalidArgumentException;

/**
 * The fused ops of {@link ComputeBackend} written as compositions of its primitives. They are the default methods'
 * bodies and the test oracle for every backend override (the contract kit runs both and compares them).
 * Temporaries come from {@link ComputeBackend#allocate} and are released before returning.
 */
public final class FusedDefaults {

    private FusedDefaults() {
    }

    /**
     * out = g(z + 1·b): a ROW-broadcast ADD, then the activation.
     *
     * @param be the backend whose primitives compose the op
     * @param activation the elementwise activation g
     * @param z z, rows × cols
     * @param bias b, 1 × cols
     * @param out the output, rows × cols (may be z)
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     */
    public static void biasActivation(ComputeBackend be, UnaryOp activation, DeviceBuffer z, DeviceBuffer bias,
                                      DeviceBuffer out, int rows, int cols) {
        be.binary(BinaryOp.ADD, z, bias, Broadcast.ROW, out, rows, cols);
        if (activation != UnaryOp.IDENTITY) {
            be.unary(activation, 0.0, out, out, (long) rows * cols);
        }
    }

    /**
     * Row-wise softmax: subtract the row max (COLUMN broadcast), exp, divide by the row sum.
     *
     * @param be the backend whose primitives compose the op
     * @param x the input, rows × cols
     * @param out the output, rows × cols (may be x)
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     */
    public static void softmaxRows(ComputeBackend be, DeviceBuffer x, DeviceBuffer out, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        DeviceBuffer rowStat = be.allocate(x.dtype(), rows);
        try {
            be.reduceRows(RowReduction.MAX, x, rows, cols, rowStat);
            be.binary(BinaryOp.SUB, x, rowStat, Broadcast.COLUMN, out, rows, cols);
            be.unary(UnaryOp.EXP, 0.0, out, out, (long) rows * cols);
            be.reduceRows(RowReduction.SUM, out, rows, cols, rowStat);
            be.binary(BinaryOp.DIV, out, rowStat, Broadcast.COLUMN, out, rows, cols);
        } finally {
            be.release(rowStat);
        }
    }

    /**
     * out = d ⊙ g'(a): the derivative from the stored output into a temporary, then MUL.
     *
     * @param be the backend whose primitives compose the op
     * @param gradFromOutput the derivative g' as a function of the stored output (a {@code *_GRAD_FROM_OUTPUT} op)
     * @param a the stored activation, rows × cols
     * @param d the incoming gradient, rows × cols
     * @param out the output, rows × cols
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     */
    public static void activationBackward(ComputeBackend be, UnaryOp gradFromOutput, DeviceBuffer a, DeviceBuffer d,
                                          DeviceBuffer out, int rows, int cols) {
        long n = (long) rows * cols;
        if (gradFromOutput == UnaryOp.IDENTITY_GRAD_FROM_OUTPUT) {
            if (out != d) {
                be.copy(d, out, n);
            }
            return;
        }
        DeviceBuffer grad = be.allocate(a.dtype(), n);
        try {
            be.unary(gradFromOutput, 0.0, a, grad, n);
            be.binary(BinaryOp.MUL, d, grad, Broadcast.NONE, out, rows, cols);
        } finally {
            be.release(grad);
        }
    }

    /**
     * out = (δ·Wᵀ) ⊙ g'(aPrev): gemm(transB) then {@link #activationBackward} in place.
     *
     * @param be the backend whose primitives compose the op
     * @param gradFromOutput the derivative g' as a function of the stored output (a {@code *_GRAD_FROM_OUTPUT} op)
     * @param delta δ, rows × nOut
     * @param w W, nIn × nOut
     * @param aPrev the previous layer's stored activation, rows × nIn
     * @param out the output, rows × nIn
     * @param rows the batch size N
     * @param nOut the columns of δ and W (the layer's outputs)
     * @param nIn the rows of W, the columns of aPrev and out (the layer's inputs)
     */
    public static void backpropDelta(ComputeBackend be, UnaryOp gradFromOutput, DeviceBuffer delta, DeviceBuffer w,
                                     DeviceBuffer aPrev, DeviceBuffer out, int rows, int nOut, int nIn) {
        be.gemm(false, true, rows, nIn, nOut, 1.0, delta, w, 0.0, out);
        be.activationBackward(gradFromOutput, aPrev, out, out, rows, nIn);
    }

    /**
     * loss = (1/N) Σ term(f, t) through a temporary and sumAll; δ = (f − t)/N ⊙ outputGrad(f).
     *
     * @param be the backend whose primitives compose the op
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
    public static void lossAndDelta(ComputeBackend be, BinaryOp lossTerm, UnaryOp outputGrad, DeviceBuffer f,
                                    DeviceBuffer t, DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        long n = (long) rows * cols;
        double invN = rows == 0 ? 0.0 : 1.0 / rows;
        DeviceBuffer terms = be.allocate(f.dtype(), n);
        try {
            be.binary(lossTerm, f, t, Broadcast.NONE, terms, rows, cols);
            be.sumAll(terms, n, loss);
            be.unary(UnaryOp.SCALE, invN, loss, loss, 1);
            if (outputGrad == UnaryOp.IDENTITY_GRAD_FROM_OUTPUT) {
                be.binary(BinaryOp.SUB, f, t, Broadcast.NONE, delta, rows, cols);
            } else {
                // the derivative must be read from f before delta (which may alias f) is written
                be.unary(outputGrad, 0.0, f, terms, n);
                be.binary(BinaryOp.SUB, f, t, Broadcast.NONE, delta, rows, cols);
                be.binary(BinaryOp.MUL, delta, terms, Broadcast.NONE, delta, rows, cols);
            }
            be.unary(UnaryOp.SCALE, invN, delta, delta, n);
        } finally {
            be.release(terms);
        }
    }

    /**
     * The loss of {@link ComputeBackend#logitLossAndDelta} from z (see {@link #crossEntropyTerms},
     * {@link #binaryCrossEntropyTerms}) summed by sumAll and scaled by 1/N; then δ = (f − t)/N by SUB and SCALE.
     *
     * @param be the backend whose primitives compose the op
     * @param lossTerm CROSS_ENTROPY or BINARY_CROSS_ENTROPY
     * @param z the logits, rows × cols
     * @param f the output g(z), rows × cols
     * @param t the targets, rows × cols
     * @param delta receives δ, rows × cols (may be f or t)
     * @param loss receives the loss in element 0
     * @param rows the batch size N
     * @param cols the columns of the matrix
     */
    public static void logitLossAndDelta(ComputeBackend be, BinaryOp lossTerm, DeviceBuffer z, DeviceBuffer f,
                                         DeviceBuffer t, DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        long n = (long) rows * cols;
        if (n == 0) {
            be.fill(loss, 1, 0.0);
            return;
        }
        double invN = 1.0 / rows;
        DeviceBuffer terms = be.allocate(z.dtype(), n);
        try {
            if (lossTerm == BinaryOp.CROSS_ENTROPY) {
                crossEntropyTerms(be, z, t, terms, rows, cols);
            } else if (lossTerm == BinaryOp.BINARY_CROSS_ENTROPY) {
                binaryCrossEntropyTerms(be, z, t, terms, rows, cols);
            } else {
                throw new InvalidArgumentException("logitLossAndDelta: " + lossTerm + " is not a cross-entropy");
            }
            be.sumAll(terms, n, loss);
            be.unary(UnaryOp.SCALE, invN, loss, loss, 1);
        } finally {
            be.release(terms);
        }
        be.binary(BinaryOp.SUB, f, t, Broadcast.NONE, delta, rows, cols);
        be.unary(UnaryOp.SCALE, invN, delta, delta, n);
    }

    /**
     * terms = t ⊙ (lse − z) = −t ⊙ log softmax(z), row by row, with lse_i = m_i + ln Σ_j e^(z_ij − m_i): the
     * difference is taken as (z − m) − ln Σ e^(z − m), never as lse − z, so that it loses nothing when z is large.
     */
    static void crossEntropyTerms(ComputeBackend be, DeviceBuffer z, DeviceBuffer t, DeviceBuffer terms, int rows,
                                  int cols) {
        long n = (long) rows * cols;
        DeviceBuffer rowStat = be.allocate(z.dtype(), rows);
        try {
            DeviceBuffer e = be.allocate(z.dtype(), n);
            try {
                be.reduceRows(RowReduction.MAX, z, rows, cols, rowStat);                    // m
                be.binary(BinaryOp.SUB, z, rowStat, Broadcast.COLUMN, terms, rows, cols);  // z − m ≤ 0
                be.unary(UnaryOp.EXP, 0.0, terms, e, n);
                be.reduceRows(RowReduction.SUM, e, rows, cols, rowStat);                    // Σ e^(z − m) ≥ 1
                be.unary(UnaryOp.LOG, 0.0, rowStat, rowStat, rows);
                be.binary(BinaryOp.SUB, terms, rowStat, Broadcast.COLUMN, terms, rows, cols); // log softmax(z)
                be.binary(BinaryOp.MUL, terms, t, Broadcast.NONE, terms, rows, cols);
                be.unary(UnaryOp.SCALE, -1.0, terms, terms, n);
            } finally {
                be.release(e);
            }
        } finally {
            be.release(rowStat);
        }
    }

    /**
     * terms = max(z, 0) − t·z + log1p(e^−|z|). log1p(e) is ln u − δ/u with u = 1 + e rounded and δ = (u − 1) − e its
     * rounding error (both exact: u − 1 by Sterbenz, and δ because u − 1 and e are within a factor 2 or u − 1 = 0);
     * ln(u − δ) = ln u + ln(1 − δ/u) ≈ ln u − δ/u to within (δ/u)², so a tiny e^−|z| is not lost to 1 + e = 1.
     */
    static void binaryCrossEntropyTerms(ComputeBackend be, DeviceBuffer z, DeviceBuffer t, DeviceBuffer terms,
                                        int rows, int cols) {
        long n = (long) rows * cols;
        DeviceBuffer e = be.allocate(z.dtype(), n);
        try {
            DeviceBuffer u = be.allocate(z.dtype(), n);
            try {
                be.unary(UnaryOp.RELU, 0.0, z, terms, n);                                   // max(z, 0)
                be.binary(BinaryOp.MUL, t, z, Broadcast.NONE, e, rows, cols);
                be.binary(BinaryOp.SUB, terms, e, Broadcast.NONE, terms, rows, cols);      // − t·z
                be.unary(UnaryOp.SCALE, -1.0, z, e, n);
                be.binary(BinaryOp.MIN, z, e, Broadcast.NONE, e, rows, cols);              // −|z|
                be.unary(UnaryOp.EXP, 0.0, e, e, n);                                        // e = e^−|z| ∈ (0, 1]
                be.unary(UnaryOp.ADD_SCALAR, 1.0, e, u, n);                                 // u = 1 + e, rounded
                be.unary(UnaryOp.ADD_SCALAR, -1.0, u, u, n);                                // u − 1, exact
                be.binary(BinaryOp.SUB, u, e, Broadcast.NONE, e, rows, cols);              // δ = (u − 1) − e, exact
                be.unary(UnaryOp.ADD_SCALAR, 1.0, u, u, n);                                 // u again, exact
                be.binary(BinaryOp.DIV, e, u, Broadcast.NONE, e, rows, cols);              // δ/u
                be.unary(UnaryOp.LOG, 0.0, u, u, n);
                be.binary(BinaryOp.SUB, u, e, Broadcast.NONE, u, rows, cols);              // log1p(e) = ln u − δ/u
                be.binary(BinaryOp.ADD, terms, u, Broadcast.NONE, terms, rows, cols);
            } finally {
                be.release(u);
            }
        } finally {
            be.release(e);
        }
    }

    /**
     * g' = g + λw into a temporary; then v = μv + g', w −= lr·v (or w −= lr·g' without momentum).
     *
     * @param be the backend whose primitives compose the op
     * @param w the parameter, updated in place
     * @param g the gradient of the loss with respect to w
     * @param velocity the momentum buffer v, or null without momentum
     * @param rows the rows of the matrix
     * @param cols the columns of the matrix
     * @param lr the learning rate
     * @param momentum μ, in [0, 1)
     * @param weightDecay λ, the L2 decay (0: none)
     */
    public static void sgdStep(ComputeBackend be, DeviceBuffer w, DeviceBuffer g, DeviceBuffer velocity,
                               int rows, int cols, double lr, double momentum, double weightDecay) {
        long n = (long) rows * cols;
        DeviceBuffer gd = be.allocate(w.dtype(), n);
        try {
            be.copy(g, gd, n);
            if (weightDecay != 0.0) {
                be.axpy(weightDecay, w, gd, n);
            }
            if (velocity != null) {
                be.unary(UnaryOp.SCALE, momentum, velocity, velocity, n);
                be.axpy(1.0, gd, velocity, n);
                be.axpy(-lr, velocity, w, n);
            } else {
                be.axpy(-lr, gd, w, n);
            }
        } finally {
            be.release(gd);
        }
    }

    /**
     * Adam from SCALE, SQUARE, SQRT, ADD_SCALAR, DIV and axpy, with bias correction for {@code step}.
     *
     * @param be the backend whose primitives compose the op
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
    public static void adamStep(ComputeBackend be, DeviceBuffer w, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v,
                                int rows, int cols, double lr, double beta1, double beta2, double epsilon,
                                double weightDecay, long step) {
        long n = (long) rows * cols;
        DeviceBuffer gd = be.allocate(w.dtype(), n);
        DeviceBuffer tmp = be.allocate(w.dtype(), n);
        try {
            be.copy(g, gd, n);
            if (weightDecay != 0.0) {
                be.axpy(weightDecay, w, gd, n);
            }
            be.unary(UnaryOp.SCALE, beta1, m, m, n);
            be.axpy(1.0 - beta1, gd, m, n);
            be.unary(UnaryOp.SQUARE, 0.0, gd, tmp, n);
            be.unary(UnaryOp.SCALE, beta2, v, v, n);
            be.axpy(1.0 - beta2, tmp, v, n);
            double c1 = 1.0 - Math.pow(beta1, step);
            double c2 = 1.0 - Math.pow(beta2, step);
            be.unary(UnaryOp.SCALE, 1.0 / c2, v, tmp, n);      // v̂
            be.unary(UnaryOp.SQRT, 0.0, tmp, tmp, n);
            be.unary(UnaryOp.ADD_SCALAR, epsilon, tmp, tmp, n); // √v̂ + ε
            be.unary(UnaryOp.SCALE, 1.0 / c1, m, gd, n);       // m̂
            be.binary(BinaryOp.DIV, gd, tmp, Broadcast.NONE, gd, rows, cols);
            be.axpy(-lr, gd, w, n);
        } finally {
            be.release(tmp);
            be.release(gd);
        }
    }
}
