package dev.nabla.spi;

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
