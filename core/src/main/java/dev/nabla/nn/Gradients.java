package dev.nabla.nn;

import dev.nabla.Shape;

import java.util.List;

/**
 * The loss and the gradients ∂L/∂W(l), ∂L/∂b(l) of every layer (0-based) for one batch, copied to the host as
 * float64 arrays (row-major; FLOAT32 values widened exactly). What parity tests compare across backends.
 */
public final class Gradients {
    private final double loss;
    private final List<double[]> weightGrads;
    private final List<double[]> biasGrads;
    private final List<Shape> weightShapes;

    Gradients(double loss, List<double[]> weightGrads, List<double[]> biasGrads, List<Shape> weightShapes) {
        this.loss = loss;
        this.weightGrads = weightGrads;
        this.biasGrads = biasGrads;
        this.weightShapes = weightShapes;
    }

    /**
     * The loss L of the batch.
     *
     * @return the loss
     */
    public double loss() {
        return loss;
    }

    /**
     * The number of layers.
     *
     * @return the number of layers
     */
    public int layers() {
        return weightGrads.size();
    }

    /**
     * ∂L/∂W of layer {@code layer}, inputs × outputs, row-major.
     *
     * @param layer the layer, 0-based
     * @return a new array of inputs·outputs values
     */
    public double[] dW(int layer) {
        return weightGrads.get(layer).clone();
    }

    /**
     * ∂L/∂b of layer {@code layer}, 1 × outputs.
     *
     * @param layer the layer, 0-based
     * @return a new array of outputs values
     */
    public double[] db(int layer) {
        return biasGrads.get(layer).clone();
    }

    /**
     * The shape of W (and dW) of layer {@code layer}.
     *
     * @param layer the layer, 0-based
     * @return inputs × outputs
     */
    public Shape weightShape(int layer) {
        return weightShapes.get(layer);
    }
}
