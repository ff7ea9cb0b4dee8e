package dev.nabla.nn;

import dev.nabla.InvalidArgumentException;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.UnaryOp;

/**
 * Losses, each a mean over the batch of N rows (backprop.md):
 * <ul>
 *   <li>MSE: L = (1/2N) Σ (f − t)², δ = (1/N)(f − T) ⊙ g'(Z) — with any elementwise output g;</li>
 *   <li>BINARY_CROSS_ENTROPY: L = −(1/N) Σ [t ln f + (1 − t) ln(1 − f)], δ = (1/N)(f − T) — sigmoid output;</li>
 *   <li>CROSS_ENTROPY: L = −(1/N) Σ t ln f, δ = (1/N)(f − T) — softmax output, one-hot T.</li>
 * </ul>
 * A network computes the cross-entropies' value from the output layer's pre-activation Z (the logits): log-sum-exp
 * for softmax, softplus for sigmoid ({@code ComputeBackend.logitLossAndDelta}), exact for any Z, as PyTorch's
 * {@code cross_entropy} and {@code binary_cross_entropy_with_logits}. Their {@link #term()} on f, used by
 * {@code Ops.lossAndDelta}, clamps the logarithms' arguments to at least ε = {@value BinaryOp#PROBABILITY_EPSILON}
 * and so reports at most −ln ε ≈ 16.1 per element where the output saturates.
 */
public enum Loss {
    /** Mean squared error, (1 / 2N) Σ (f − t)², after any output activation. */
    MSE(BinaryOp.HALF_SQUARED_ERROR),
    /** Binary cross-entropy after a SIGMOID output. */
    BINARY_CROSS_ENTROPY(BinaryOp.BINARY_CROSS_ENTROPY),
    /** Cross-entropy after a SOFTMAX output, with one-hot targets. */
    CROSS_ENTROPY(BinaryOp.CROSS_ENTROPY);

    private final BinaryOp term;

    Loss(BinaryOp term) {
        this.term = term;
    }

    /**
     * The per-element term that is summed and divided by N.
     *
     * @return the loss term
     */
    public BinaryOp term() {
        return term;
    }

    /**
     * Whether a network computes this loss from the output layer's logits Z(L) (the cross-entropies).
     *
     * @return true for the cross-entropies, false for MSE
     */
    public boolean fromLogits() {
        return this != MSE;
    }

    /**
     * The factor g'(f) in δ for this loss after {@code output}: g' for MSE, 1 for the cross-entropies.
     *
     * @param output the last layer's activation
     * @return the op computing that factor from the stored output
     */
    public UnaryOp outputGrad(Activation output) {
        return this == MSE ? output.gradFromOutputOp() : UnaryOp.IDENTITY_GRAD_FROM_OUTPUT;
    }

    /**
     * Throws unless this loss is defined for {@code output} as the last activation.
     *
     * @param output the last layer's activation
     */
    public void checkOutput(Activation output) {
        switch (this) {
            case MSE -> {
                if (output == Activation.SOFTMAX) {
                    throw new InvalidArgumentException("network: MSE after SOFTMAX is not supported (softmax' is not"
                            + " elementwise); use CROSS_ENTROPY with SOFTMAX, or MSE with another output activation");
                }
            }
            case BINARY_CROSS_ENTROPY -> {
                if (output != Activation.SIGMOID) {
                    throw new InvalidArgumentException("network: BINARY_CROSS_ENTROPY needs a SIGMOID output layer, got "
                            + output);
                }
            }
            case CROSS_ENTROPY -> {
                if (output != Activation.SOFTMAX) {
                    throw new InvalidArgumentException("network: CROSS_ENTROPY needs a SOFTMAX output layer, got "
                            + output);
                }
            }
        }
    }
}
