package dev.nabla.spark;

import dev.nabla.nn.Network;

import java.io.Serializable;

/**
 * A network's parameters on the host, W(0), b(0), W(1), b(1), … as FLOAT32 row-major arrays: what the driver
 * broadcasts each iteration and what a model keeps.
 */
final class TrainedWeights implements Serializable {
    private static final long serialVersionUID = 1L;

    private TrainedWeights() {
    }

    /** The parameters of {@code net}, read back (FLOAT32 values narrowed from their exact float64 widening). */
    static float[][] of(Network net) {
        int depth = net.layers().size();
        float[][] out = new float[2 * depth][];
        for (int l = 0; l < depth; l++) {
            out[2 * l] = narrow(net.weights(l));
            out[2 * l + 1] = narrow(net.biases(l));
        }
        return out;
    }

    /** Writes {@code weights} into {@code net}. */
    static void set(Network net, float[][] weights) {
        for (int l = 0; l < net.layers().size(); l++) {
            net.setWeights(l, weights[2 * l]);
            net.setBiases(l, weights[2 * l + 1]);
        }
    }

    private static float[] narrow(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
