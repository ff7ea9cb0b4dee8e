package dev.nabla.nn;

import dev.nabla.spi.UnaryOp;

/**
 * Activation functions g of a dense layer, with the derivative each takes from its stored output a = g(z)
 * (backprop.md). SOFTMAX is row-wise and only valid as the output layer with {@link Loss#CROSS_ENTROPY}.
 */
public enum Activation {
    /** 1/(1+e^−z); g' = a(1 − a) */
    SIGMOID(UnaryOp.SIGMOID, UnaryOp.SIGMOID_GRAD_FROM_OUTPUT),
    /** tanh z; g' = 1 − a² */
    TANH(UnaryOp.TANH, UnaryOp.TANH_GRAD_FROM_OUTPUT),
    /** max(0, z); g' = 1 where a &gt; 0 */
    RELU(UnaryOp.RELU, UnaryOp.RELU_GRAD_FROM_OUTPUT),
    /** z; g' = 1 */
    IDENTITY(UnaryOp.IDENTITY, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT),
    /** e^z_j / Σ_k e^z_k per row; output layer only, with cross-entropy (whose δ is (f − T)/N) */
    SOFTMAX(null, null);

    private final UnaryOp forward;
    private final UnaryOp gradFromOutput;

    Activation(UnaryOp forward, UnaryOp gradFromOutput) {
        this.forward = forward;
        this.gradFromOutput = gradFromOutput;
    }

    /**
     * The elementwise op computing g(z); null for SOFTMAX, which is not elementwise.
     *
     * @return the forward op, or null for SOFTMAX
     */
    public UnaryOp forwardOp() {
        return forward;
    }

    /**
     * The op computing g'(z) from a = g(z); null for SOFTMAX.
     *
     * @return the derivative op, or null for SOFTMAX
     */
    public UnaryOp gradFromOutputOp() {
        return gradFromOutput;
    }

    /**
     * Whether g acts element by element (every activation but SOFTMAX, which normalises a row).
     *
     * @return false for SOFTMAX only
     */
    public boolean isElementwise() {
        return this != SOFTMAX;
    }
}
