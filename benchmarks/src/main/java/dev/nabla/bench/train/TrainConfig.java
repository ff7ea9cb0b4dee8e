package dev.nabla.bench.train;

import dev.nabla.DType;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;

import java.util.Locale;

/**
 * What {@code nabla train} trains: an MLP {@code inputs → hidden (RELU) → classes (SOFTMAX)} with cross-entropy,
 * {@code epochs} passes over the training set in shuffled batches of {@code batch}, with SGD (momentum 0.9) or Adam.
 */
public record TrainConfig(int hidden, int epochs, int batch, OptimizerKind optimizer, double learningRate, long seed,
                          DType precision) {

    /** Precision FLOAT32: no mixed precision. */
    public TrainConfig(int hidden, int epochs, int batch, OptimizerKind optimizer, double learningRate, long seed) {
        this(hidden, epochs, batch, optimizer, learningRate, seed, DType.FLOAT32);
    }

    /** The optimizers the command offers. */
    public enum OptimizerKind {
        SGD, ADAM;

        /** The learning rate used when none is given, for the dense model. */
        public double defaultLearningRate() {
            return defaultLearningRate(TrainModel.DENSE);
        }

        /**
         * The learning rate used when none is given: Adam 0.001; SGD 0.05 for the dense model and 0.02 for the
         * residual one. The residual block adds its output to its input, so the logits and their gradients are
         * larger and 0.05 overshoots: on Fashion-MNIST (5 epochs, batch 64, seed 7) the residual MLP reached 84.61%
         * at 0.05 and 87.02% at 0.02 (docs/autograd.md).
         *
         * @param model the model trained
         * @return the learning rate
         */
        public double defaultLearningRate(TrainModel model) {
            return this == ADAM ? 1e-3 : model == TrainModel.RESIDUAL ? 0.02 : 0.05;
        }
    }

    public static final double MOMENTUM = 0.9;

    public TrainConfig {
        if (hidden < 1 || epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("hidden units, epochs and batch size must be at least 1");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be a finite number > 0, got " + learningRate);
        }
        if (precision != DType.FLOAT32 && precision != DType.BFLOAT16 && precision != DType.FLOAT16) {
            throw new IllegalArgumentException("the precision must be FLOAT32, BFLOAT16 or FLOAT16, got " + precision);
        }
    }

    /** A fresh optimizer as configured. */
    public Optimizer newOptimizer() {
        return optimizer == OptimizerKind.SGD ? Optimizers.sgd(learningRate).momentum(MOMENTUM)
                : Optimizers.adam(learningRate);
    }

    public String describeOptimizer() {
        return optimizer == OptimizerKind.SGD
                ? String.format(Locale.ROOT, "SGD lr %s momentum %s", learningRate, MOMENTUM)
                : String.format(Locale.ROOT, "Adam lr %s", learningRate);
    }
}
