package dev.nabla.parallel;

import dev.nabla.Shape;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gradient of a global batch's mean loss from the gradients of its shards' mean losses. With N rows split into
 * shards of n₀, …, n_{k−1} rows, L = (1/N)·Σ_rows ℓ = Σ_i (n_i/N)·L_i, and so ∂L/∂θ = Σ_i (n_i/N)·∂L_i/∂θ for every
 * parameter θ. Summed on the host in float64, always in replica order 0, 1, …, k − 1, so the result does not depend
 * on which replica finished first; it is rounded to the network's dtype once, when uploaded for the update.
 *
 * <p>It owns the host arrays of a step, made once per {@link DataParallel} and reused by every step: replica i's
 * gradients {@link #dW}[i], {@link #db}[i] and loss {@link #losses}[i] (each replica writes only its own, from its
 * own thread) and the sums {@link #sumW}, {@link #sumB}: (k + 1)·|θ| doubles in all.
 */
final class GradientSum {
    /** dW[i][l]: ∂L_i/∂W(l) of replica i's shard, inputs·outputs row-major. */
    final double[][][] dW;
    /** db[i][l]: ∂L_i/∂b(l) of replica i's shard. */
    final double[][][] db;
    /** losses[i]: L_i, the mean loss of replica i's shard. */
    final double[] losses;
    /** sumW[l] = Σ_i (n_i/N)·dW[i][l] after {@link #combine}. */
    final double[][] sumW;
    /** sumB[l] = Σ_i (n_i/N)·db[i][l] after {@link #combine}. */
    final double[][] sumB;
    private final List<Shape> shapes;

    /** The arrays for {@code replicas} replicas of {@code net}'s shapes. */
    GradientSum(int replicas, Network net) {
        List<Dense> layers = net.layers();
        int n = layers.size();
        dW = new double[replicas][n][];
        db = new double[replicas][n][];
        losses = new double[replicas];
        sumW = new double[n][];
        sumB = new double[n][];
        List<Shape> s = new ArrayList<>(n);
        for (int l = 0; l < n; l++) {
            Dense d = layers.get(l);
            int w = Math.multiplyExact(d.inputs(), d.outputs());
            for (int i = 0; i < replicas; i++) {
                dW[i][l] = new double[w];
                db[i][l] = new double[d.outputs()];
            }
            sumW[l] = new double[w];
            sumB[l] = new double[d.outputs()];
            s.add(new Shape(d.inputs(), d.outputs()));
        }
        shapes = List.copyOf(s);
    }

    /**
     * sumW, sumB ← Σ_i (n_i/N)·(dW[i], db[i]) over the shards in order, from zero.
     *
     * @param bounds the shards' row boundaries ({@link Shards#bounds})
     * @return the global batch's loss Σ_i (n_i/N)·L_i
     */
    double combine(int[] bounds) {
        int k = losses.length;
        double rows = bounds[k];
        for (int l = 0; l < sumW.length; l++) {
            Arrays.fill(sumW[l], 0.0);
            Arrays.fill(sumB[l], 0.0);
        }
        double loss = 0;
        for (int i = 0; i < k; i++) {
            double weight = (bounds[i + 1] - bounds[i]) / rows;
            loss += weight * losses[i];
            for (int l = 0; l < sumW.length; l++) {
                addScaled(weight, dW[i][l], sumW[l]);
                addScaled(weight, db[i][l], sumB[l]);
            }
        }
        return loss;
    }

    /**
     * The sums as {@link Gradients} (copied: the caller may keep them while later steps reuse the arrays).
     *
     * @param loss the loss {@link #combine} returned
     * @return the global batch's loss and gradients
     */
    Gradients toGradients(double loss) {
        return Gradients.of(loss, Arrays.asList(sumW), Arrays.asList(sumB), shapes);
    }

    private static void addScaled(double weight, double[] from, double[] into) {
        for (int e = 0; e < into.length; e++) {
            into[e] += weight * from[e];
        }
    }
}
