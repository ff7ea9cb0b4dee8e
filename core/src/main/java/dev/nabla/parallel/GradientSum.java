package dev.nabla.parallel;

import dev.nabla.Shape;
import dev.nabla.nn.Gradients;

import java.util.ArrayList;
import java.util.List;

/**
 * The gradient of a global batch's mean loss from the gradients of its shards' mean losses. With N rows split into
 * shards of n₀, …, n_{k−1} rows, L = (1/N)·Σ_rows ℓ = Σ_i (n_i/N)·L_i, and so ∂L/∂θ = Σ_i (n_i/N)·∂L_i/∂θ for every
 * parameter θ. Summed on the host in float64, always in replica order 0, 1, …, k − 1, so the result does not depend
 * on which replica finished first; it is rounded to the network's dtype once, when uploaded for the update.
 */
final class GradientSum {
    private GradientSum() {
    }

    /**
     * Σ_i (n_i/N)·g_i over the shards in order.
     *
     * @param parts the shards' gradients, replica order
     * @param bounds the shards' row boundaries ({@link Shards#bounds})
     * @return the global batch's loss and gradients
     */
    static Gradients combine(Gradients[] parts, int[] bounds) {
        int k = parts.length;
        double rows = bounds[k];
        Gradients first = parts[0];
        int layers = first.layers();
        List<double[]> dW = new ArrayList<>(layers);
        List<double[]> db = new ArrayList<>(layers);
        List<Shape> shapes = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            dW.add(new double[first.dW(l).length]);
            db.add(new double[first.db(l).length]);
            shapes.add(first.weightShape(l));
        }
        double loss = 0;
        for (int i = 0; i < k; i++) {
            double weight = (bounds[i + 1] - bounds[i]) / rows;
            loss += weight * parts[i].loss();
            for (int l = 0; l < layers; l++) {
                addScaled(weight, parts[i].dW(l), dW.get(l));
                addScaled(weight, parts[i].db(l), db.get(l));
            }
        }
        return Gradients.of(loss, dW, db, shapes);
    }

    private static void addScaled(double weight, double[] from, double[] into) {
        for (int e = 0; e < into.length; e++) {
            into[e] += weight * from[e];
        }
    }
}
