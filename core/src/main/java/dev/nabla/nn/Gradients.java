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
     * Gradients computed elsewhere, e.g. combined over several replicas ({@code dev.nabla.parallel.DataParallel}), to
     * give to {@link Network#applyGradients}. The arrays are copied.
     *
     * @param loss the loss L of the batch
     * @param weightGrads ∂L/∂W of every layer, inputs × outputs row-major
     * @param biasGrads ∂L/∂b of every layer, 1 × outputs
     * @param weightShapes the shape of W of every layer
     * @return the gradients
     */
    public static Gradients of(double loss, List<double[]> weightGrads, List<double[]> biasGrads,
                               List<Shape> weightShapes) {
        if (weightGrads == null || biasGrads == null || weightShapes == null) {
            throw new dev.nabla.InvalidArgumentException("Gradients.of: the "
                    + (weightGrads == null ? "weight gradients" : biasGrads == null ? "bias gradients" : "shapes")
                    + " list is null");
        }
        int n = weightShapes.size();
        if (weightGrads.size() != n || biasGrads.size() != n) {
            throw new dev.nabla.InvalidArgumentException("Gradients.of: " + weightGrads.size() + " weight and "
                    + biasGrads.size() + " bias gradients for " + n + " layers");
        }
        List<double[]> dW = new java.util.ArrayList<>(n);
        List<double[]> db = new java.util.ArrayList<>(n);
        for (int l = 0; l < n; l++) {
            Shape s = weightShapes.get(l);
            double[] w = weightGrads.get(l);
            double[] b = biasGrads.get(l);
            if (s == null || w == null || b == null || w.length != s.size() || b.length != s.cols()) {
                throw new dev.nabla.InvalidArgumentException("Gradients.of: layer " + l + " has W " + s + " but "
                        + (w == null ? "no dW" : w.length + " dW values") + " and "
                        + (b == null ? "no db" : b.length + " db values"));
            }
            dW.add(w.clone());
            db.add(b.clone());
        }
        return new Gradients(loss, List.copyOf(dW), List.copyOf(db), List.copyOf(weightShapes));
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
