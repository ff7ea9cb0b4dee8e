package dev.nabla.nn;

import dev.nabla.Ops;
import dev.nabla.Tensor;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;

/**
 * A fully connected layer: W is inputs × outputs, b is 1 × outputs, and the forward pass is
 * {@code A = g(X·W + 1_N·b)} (backprop.md's row-major convention). It owns W and b; the network closes them.
 */
public final class Dense implements AutoCloseable {
    private final int inputs;
    private final int outputs;
    private final Activation activation;
    private final Tensor weights;
    private final Tensor bias;

    Dense(int inputs, int outputs, Activation activation, Tensor weights, Tensor bias) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.activation = activation;
        this.weights = weights;
        this.bias = bias;
    }

    /**
     * The number of inputs, the rows of W.
     *
     * @return the number of inputs
     */
    public int inputs() {
        return inputs;
    }

    /**
     * The number of outputs (units), the columns of W and b.
     *
     * @return the number of outputs
     */
    public int outputs() {
        return outputs;
    }

    /**
     * The activation g.
     *
     * @return the activation
     */
    public Activation activation() {
        return activation;
    }

    Tensor weights() {
        return weights;
    }

    Tensor bias() {
        return bias;
    }

    /** out (N × outputs) = g(x·W + 1·b). */
    void forward(Ops ops, Tensor x, Tensor out) {
        forwardWith(ops, x, weights, out);
    }

    /** out (N × outputs) = g(x·w + 1·b) with w this layer's W or a 16-bit copy of it (then x is 16-bit too). */
    void forwardWith(Ops ops, Tensor x, Tensor w, Tensor out) {
        forwardWithBias(ops, x, w, bias, out);
    }

    /**
     * out = g(x·w + 1·b) with w, b this layer's W and b or 16-bit copies of them: with a 16-bit out (and b, an
     * elementwise g) the gemm rounds x·w to out's type once and the fused bias + activation reads and writes it.
     */
    void forwardWithBias(Ops ops, Tensor x, Tensor w, Tensor b, Tensor out) {
        ops.gemm(false, false, 1.0, x, w, 0.0, out);
        if (activation.isElementwise()) {
            ops.biasActivation(activation.forwardOp(), out, b, out);
        } else {
            ops.binary(BinaryOp.ADD, out, b, Broadcast.ROW, out);
            ops.softmaxRows(out, out);
        }
    }

    /**
     * Like {@link #forward(Ops, Tensor, Tensor)}, keeping the pre-activation: z = x·W + 1·b, then out = g(z). The
     * output layer of a cross-entropy network runs this, its loss is taken from z (exact where g saturates).
     */
    void forward(Ops ops, Tensor x, Tensor z, Tensor out) {
        forwardWith(ops, x, weights, z, out);
    }

    /** {@link #forward(Ops, Tensor, Tensor, Tensor)} with w this layer's W or a 16-bit copy of it. */
    void forwardWith(Ops ops, Tensor x, Tensor w, Tensor z, Tensor out) {
        ops.gemm(false, false, 1.0, x, w, 0.0, z);
        ops.binary(BinaryOp.ADD, z, bias, Broadcast.ROW, z);
        if (activation.isElementwise()) {
            ops.unary(activation.forwardOp(), 0.0, z, out);
        } else {
            ops.softmaxRows(z, out);
        }
    }

    @Override
    public void close() {
        weights.close();
        bias.close();
    }

    @Override
    public String toString() {
        return "Dense(" + inputs + " → " + outputs + ", " + activation + ")";
    }
}
