package dev.nabla.bench.train;

import dev.nabla.Backend;

/** The models {@code nabla train --model} offers. */
public enum TrainModel {
    /** inputs → hidden RELU → classes SOFTMAX, cross-entropy: a {@code Network}, the fused Dense path (the default). */
    DENSE,
    /** Linear, ReLU, a residual block Linear + ReLU, Linear to the logits: modules trained through autograd. */
    RESIDUAL;

    /**
     * A new classifier of this kind with the configured optimizer.
     *
     * @param backend where the parameters live
     * @param inputs input features
     * @param classes output classes
     * @param config hidden width, optimizer, learning rate and seed
     * @return a new classifier the caller closes
     */
    public Classifier create(Backend backend, int inputs, int classes, TrainConfig config) {
        if (this == RESIDUAL) {
            return ModuleClassifier.residual(backend, inputs, classes, config);
        }
        dev.nabla.nn.Network net = Trainer.network(backend, inputs, classes, config);
        try {
            return new NetworkClassifier(net, config.newOptimizer());
        } catch (RuntimeException | Error e) {
            net.close();
            throw e;
        }
    }

    /**
     * The architecture in words, for the command's header.
     *
     * @param hidden the hidden width
     * @return e.g. {@code 784 → 256 RELU → 10 SOFTMAX, cross-entropy}
     */
    public String describe(int hidden) {
        return this == DENSE
                ? "784 → " + hidden + " RELU → 10 SOFTMAX, cross-entropy"
                : "784 → " + hidden + " RELU → residual(" + hidden + " → " + hidden + " RELU) → 10 logits, "
                        + "cross-entropy (modules, autograd)";
    }
}
