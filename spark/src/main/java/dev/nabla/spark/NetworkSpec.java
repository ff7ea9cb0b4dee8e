package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.NetworkBuilder;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a fit trains, in a form that travels to executors: the layer widths {@code layers = [inputs, h1, …, outputs]},
 * the hidden layers' activation, the output activation, the loss and the training precision. Every executor and the
 * driver build the same {@link Network} from it; the weights travel separately.
 *
 * @param layers the widths, inputs first, outputs last (at least two)
 * @param hidden the activation of every layer but the last
 * @param output the activation of the last layer
 * @param loss the loss
 * @param precision FLOAT32, or BFLOAT16 for mixed-precision training ({@link NetworkBuilder#precision}: float32
 *                  master weights, 16-bit GEMM inputs and activations)
 */
record NetworkSpec(int[] layers, Activation hidden, Activation output, Loss loss, DType precision)
        implements Serializable {

    /** A FLOAT32 network. */
    NetworkSpec(int[] layers, Activation hidden, Activation output, Loss loss) {
        this(layers, hidden, output, loss, DType.FLOAT32);
    }

    /** This architecture trained at {@code p}. */
    NetworkSpec withPrecision(DType p) {
        return new NetworkSpec(layers, hidden, output, loss, p);
    }

    /** The classifier's network: softmax output over {@code layers[last]} classes. */
    static NetworkSpec classifier(String call, int[] layers, String activation, String loss) {
        Loss l = loss(call, loss);
        if (l == Loss.BINARY_CROSS_ENTROPY) {
            throw new InvalidArgumentException(call + ": loss 'binary_cross_entropy' needs a sigmoid output; the"
                    + " classifier's output is a softmax over the classes: use 'cross_entropy' or 'mse'");
        }
        return new NetworkSpec(checkLayers(call, layers, 2), hiddenActivation(call, activation), Activation.SOFTMAX, l);
    }

    /** The regressor's network: one identity output, MSE. */
    static NetworkSpec regressor(String call, int[] layers, String activation, String loss) {
        Loss l = loss(call, loss);
        if (l != Loss.MSE) {
            throw new InvalidArgumentException(call + ": the regressor's loss must be 'mse', got '" + loss + "'");
        }
        int[] checked = checkLayers(call, layers, 1);
        if (checked[checked.length - 1] != 1) {
            throw new InvalidArgumentException(call + ": the regressor predicts one value, so layers must end with 1, got "
                    + Arrays.toString(layers));
        }
        return new NetworkSpec(checked, hiddenActivation(call, activation), Activation.IDENTITY, l);
    }

    private static int[] checkLayers(String call, int[] layers, int minOutputs) {
        if (layers == null || layers.length < 2) {
            throw new InvalidArgumentException(call + ": layers must name at least the inputs and the outputs, e.g."
                    + " [784, 256, 10], got " + (layers == null ? "nothing" : Arrays.toString(layers)));
        }
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] < 1) {
                throw new InvalidArgumentException(call + ": layers[" + i + "] is " + layers[i] + " in "
                        + Arrays.toString(layers) + "; every width must be at least 1");
            }
        }
        if (layers[layers.length - 1] < minOutputs) {
            throw new InvalidArgumentException(call + ": the last layer must have at least " + minOutputs
                    + " outputs, got " + Arrays.toString(layers));
        }
        return layers.clone();
    }

    static Activation hiddenActivation(String call, String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "relu": return Activation.RELU;
            case "sigmoid": return Activation.SIGMOID;
            case "tanh": return Activation.TANH;
            case "identity": return Activation.IDENTITY;
            default:
                throw new InvalidArgumentException(call + ": activation '" + name
                        + "' is not one of relu, sigmoid, tanh, identity");
        }
    }

    static Loss loss(String call, String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "cross_entropy": return Loss.CROSS_ENTROPY;
            case "mse": return Loss.MSE;
            case "binary_cross_entropy": return Loss.BINARY_CROSS_ENTROPY;
            default:
                throw new InvalidArgumentException(call + ": loss '" + name
                        + "' is not one of cross_entropy, mse, binary_cross_entropy");
        }
    }

    /**
     * The {@code precision} param, case-insensitive: "float32" (FLOAT32), "bf16" or "bfloat16" (BFLOAT16), "fp16" or
     * "float16" (FLOAT16). At FLOAT16 the driver's network holds the dynamic loss scale S: every replica computes its
     * gradients with that S ({@link dev.nabla.nn.Network#setLossScale}), and the driver's
     * {@link dev.nabla.nn.Network#applyGradients} skips a step whose summed gradient overflowed and halves S, as
     * PyTorch's GradScaler does over the whole global batch.
     */
    static DType precision(String call, String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "float32": return DType.FLOAT32;
            case "bf16", "bfloat16": return DType.BFLOAT16;
            case "fp16", "float16": return DType.FLOAT16;
            default:
                throw new InvalidArgumentException(call + ": precision '" + name + "' is not one of float32, bf16,"
                        + " bfloat16, fp16, float16 (case-insensitive)");
        }
    }

    /** The canonical name of a precision, as models and checkpoints record it: float32, bfloat16 or float16. */
    static String precisionName(DType p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    int inputs() {
        return layers[0];
    }

    int outputs() {
        return layers[layers.length - 1];
    }

    /** The number of Dense layers (one fewer than widths). */
    int depth() {
        return layers.length - 1;
    }

    /** The longest reduction behind a weight: what the tolerance rule calls K. */
    int longestReduction() {
        return Arrays.stream(layers).max().orElse(1);
    }

    /** The training network: this architecture at {@link #precision()} with seeded initial weights on {@code backend}. */
    Network build(Backend backend, long seed) {
        return builder().precision(precision).seed(seed).build(backend);
    }

    /**
     * A FLOAT32 network of this architecture, whatever the training precision: what transform and save run on (the
     * float32 master weights are the model's weights; inference reads them as they are).
     */
    Network buildFloat32(Backend backend, long seed) {
        return builder().seed(seed).build(backend);
    }

    private NetworkBuilder builder() {
        NetworkBuilder b = Network.builder().input(layers[0]);
        for (int l = 1; l < layers.length; l++) {
            b.dense(layers[l], l == layers.length - 1 ? output : hidden);
        }
        return b.loss(loss);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec s && Arrays.equals(layers, s.layers) && hidden == s.hidden
                && output == s.output && loss == s.loss && precision == s.precision;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layers) * 31 + hidden.hashCode() * 7 + output.hashCode() + loss.hashCode() * 3 + precision.hashCode();
    }

    @Override
    public String toString() {
        return Arrays.toString(layers) + " " + hidden + "/" + output + " " + loss
                + (precision == DType.FLOAT32 ? "" : " " + precision);
    }
}
