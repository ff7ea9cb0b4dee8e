package dev.nabla.bench.train;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.bench.data.LabeledImages;
import dev.nabla.nn.Network;

/** Classification accuracy: the network's forward output read back, arg-max per row, compared with the labels. */
public final class Accuracy {
    private Accuracy() {
    }

    /** How many of {@code set}'s images the network classifies correctly, evaluated in batches of {@code batch}. */
    public static int correct(Network net, LabeledImages set, int batch) {
        Backend backend = net.backend();
        int[] order = new int[set.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] x = new float[batch * set.features()];
        float[] t = new float[batch * set.classes()];
        int correct = 0;
        for (int from = 0; from < set.count(); from += batch) {
            int n = Math.min(batch, set.count() - from);
            set.gather(order, from, n, x, t);
            float[] out;
            try (Tensor xb = backend.fromArray(n == batch ? x : java.util.Arrays.copyOf(x, n * set.features()), n,
                    set.features()); Tensor f = net.forward(xb)) {
                out = f.toFloatArray();
            }
            for (int r = 0; r < n; r++) {
                if (argMax(out, r * set.classes(), set.classes()) == set.labels()[from + r]) {
                    correct++;
                }
            }
        }
        return correct;
    }

    /** The index in [0, n) of the largest of {@code v[offset .. offset + n)} (the first one on ties). */
    static int argMax(float[] v, int offset, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
