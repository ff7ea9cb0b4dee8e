package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.NetworkBuilder;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded random network for parity tests: depth 1–5, widths 1–300, batch 1–257, hidden activations from
 * SIGMOID, TANH, RELU, IDENTITY and an output/loss pair from the six valid ones; with its inputs and targets.
 * Every bias is drawn from the seed, uniform in [−0.5, 0.5] (a fresh network's are all 0: a kernel that dropped
 * the bias add would pass). Some draws are shaped to reach rarely-taken paths (see {@link Shape}).
 *
 * @param logitScale what the output layer's W and b are multiplied by after the seeded initialisation: 1, or
 *                   {@link #LARGE_LOGITS} for a softmax whose logits reach the hundreds
 */
public record RandomNetworkSpec(long seed, int batch, int[] widths, Activation[] activations, Loss loss,
                                double logitScale) {

    /** The output scale of a large-logit softmax: |z| in the hundreds, far beyond e^88.7, float32's largest exp. */
    public static final double LARGE_LOGITS = 150;

    /** The shapes that the draws cycle through, by {@code index % 10}. */
    public enum Shape {
        /** Widths and batch as drawn. */
        RANDOM,
        /**
         * batch = nIn = nOut of the first layer: the transposed products (Xᵀδ is nIn × N times N × nOut) have
         * m == k, where a packing that confused Aᵀ with A would go unnoticed on any non-square shape.
         */
        SQUARE,
        /** An odd batch above 6 (7, 13 or 37): a column sum 1ᵀδ unrolled by two must not drop the last row. */
        ODD_BATCH;

        static Shape of(int index) {
            return switch (index % 10) {
                case 3, 8 -> ODD_BATCH;
                case 7 -> SQUARE;
                default -> RANDOM;
            };
        }
    }

    private static final int[] ODD_BATCHES = {7, 13, 37};

    private static final Activation[] HIDDEN = {Activation.SIGMOID, Activation.TANH, Activation.RELU,
            Activation.IDENTITY};
    /** Activations whose derivative is continuous: what training trajectories can be compared through. */
    private static final Activation[] SMOOTH_HIDDEN = {Activation.SIGMOID, Activation.TANH, Activation.IDENTITY};
    private static final Object[][] OUTPUTS = {{Activation.SIGMOID, Loss.MSE}, {Activation.TANH, Loss.MSE},
            {Activation.RELU, Loss.MSE}, {Activation.IDENTITY, Loss.MSE},
            {Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY}, {Activation.SOFTMAX, Loss.CROSS_ENTROPY}};

    /** Network number {@code index}: its output/loss pair cycles so that every pair appears equally often. */
    public static RandomNetworkSpec draw(long seed, int index) {
        return draw(seed, index, HIDDEN, OUTPUTS, true);
    }

    /**
     * A network with continuous derivatives only: no RELU, hidden or output. Two backends that round differently
     * can put a ReLU pre-activation on opposite sides of 0 (measured: one unit with |z| ≤ 7.8e-8 at step 36 of a
     * 50-step run turned a 1.2e-7 weight gap into 2.2e-4); relu' then differs by 1 for that unit, a genuine
     * discontinuity. Training trajectories are compared through smooth networks; gradients through all of them.
     */
    public static RandomNetworkSpec drawSmooth(long seed, int index) {
        Object[][] smoothOutputs = java.util.Arrays.stream(OUTPUTS).filter(o -> o[0] != Activation.RELU)
                .toArray(Object[][]::new);
        return draw(seed, index, SMOOTH_HIDDEN, smoothOutputs, false);
    }

    /**
     * @param largeLogits whether every other softmax network gets logits in the hundreds ({@link #LARGE_LOGITS}):
     *                    for gradients, where a softmax that forgot to subtract the row maximum overflows to NaN
     */
    private static RandomNetworkSpec draw(long seed, int index, Activation[] hiddenChoices, Object[][] outputs,
                                          boolean largeLogits) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + index);
        int depth = 1 + r.nextInt(5);
        int[] widths = new int[depth + 1];                 // widths[0] = inputs
        for (int i = 0; i <= depth; i++) {
            widths[i] = 1 + r.nextInt(300);
        }
        Activation[] acts = new Activation[depth];
        for (int l = 0; l < depth - 1; l++) {
            acts[l] = hiddenChoices[r.nextInt(hiddenChoices.length)];
        }
        Object[] out = outputs[index % outputs.length];
        acts[depth - 1] = (Activation) out[0];
        Loss loss = (Loss) out[1];
        if (loss != Loss.MSE && widths[depth] == 1 && loss == Loss.CROSS_ENTROPY) {
            widths[depth] = 2;                            // a softmax over one class is constant: give it two
        }
        int batch = 1 + r.nextInt(257);
        switch (Shape.of(index)) {
            case SQUARE -> {
                batch = Math.max(2, Math.min(batch, 64));   // ≥ 2: a softmax needs two classes
                widths[0] = batch;
                widths[1] = batch;
            }
            case ODD_BATCH -> batch = ODD_BATCHES[(index / 10) % ODD_BATCHES.length];
            default -> { }
        }
        boolean softmax = acts[depth - 1] == Activation.SOFTMAX;
        double scale = largeLogits && softmax && (index / outputs.length) % 2 == 1 ? LARGE_LOGITS : 1;
        return new RandomNetworkSpec(seed * 1_000_003L + index, batch, widths, acts, loss, scale);
    }

    public int depth() {
        return activations.length;
    }

    /** The longest reduction in a forward or backward pass: the batch (Aᵀδ, 1ᵀδ) or a layer width (X·W, δWᵀ). */
    public int longestReduction() {
        return Math.max(batch, Arrays.stream(widths).max().orElse(1));
    }

    public Network build(Backend backend, DType dtype) {
        NetworkBuilder b = Network.builder().input(widths[0]).loss(loss).seed(seed).dtype(dtype);
        for (int l = 0; l < depth(); l++) {
            b.dense(widths[l + 1], activations[l]);
        }
        Network net = b.build(backend);
        try {
            for (int l = 0; l < depth(); l++) {
                double scale = l == depth() - 1 ? logitScale : 1;
                double[] bias = HostData.uniform(seed + 10 + l, widths[l + 1], -0.5 * scale, 0.5 * scale);
                net.setBiases(l, bias);
                if (scale != 1) {
                    double[] w = net.weights(l);
                    for (int i = 0; i < w.length; i++) {
                        w[i] *= scale;
                    }
                    net.setWeights(l, w);
                }
            }
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    public double[] inputs() {
        return HostData.uniform(seed + 1, batch * widths[0], -1, 1);
    }

    public double[] targets() {
        return targets(loss, activations[depth() - 1], seed + 2, batch, widths[depth()]);
    }

    /** Targets a loss accepts: one-hot rows (CE), bits (BCE), values in the output's range (MSE). */
    public static double[] targets(Loss loss, Activation out, long seed, int rows, int cols) {
        return switch (loss) {
            case CROSS_ENTROPY -> HostData.oneHot(seed, rows, cols);
            case BINARY_CROSS_ENTROPY -> HostData.bits(seed, rows * cols);
            case MSE -> out == Activation.SIGMOID ? HostData.uniform(seed, rows * cols, 0, 1)
                    : HostData.uniform(seed, rows * cols, -1, 1);
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("net#" + seed + " N=" + batch + " " + widths[0]);
        for (int l = 0; l < depth(); l++) {
            sb.append("→").append(widths[l + 1]).append(' ').append(activations[l]);
        }
        sb.append(", ").append(loss);
        if (logitScale != 1) {
            sb.append(", output ×").append(logitScale);
        }
        return sb.toString();
    }
}
