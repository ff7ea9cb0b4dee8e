package dev.nabla.nn;

/**
 * Weight initialisation, drawn on the host from the network's seed (so every backend starts from the same weights).
 * Biases start at zero.
 */
public enum Init {
    /** Glorot/Xavier normal: N(0, 2/(fan_in + fan_out)). */
    XAVIER,
    /** He/Kaiming normal: N(0, 2/fan_in), for ReLU layers. */
    HE,
    /** HE for RELU layers, XAVIER for the others. */
    AUTO;

    /**
     * The standard deviation for a layer with these fans and activation.
     *
     * @param fanIn the layer's inputs
     * @param fanOut the layer's outputs
     * @param activation the layer's activation
     * @return σ of the normal distribution the weights are drawn from
     */
    public double std(int fanIn, int fanOut, Activation activation) {
        Init resolved = this == AUTO ? (activation == Activation.RELU ? HE : XAVIER) : this;
        return resolved == HE ? Math.sqrt(2.0 / fanIn) : Math.sqrt(2.0 / (fanIn + fanOut));
    }
}
