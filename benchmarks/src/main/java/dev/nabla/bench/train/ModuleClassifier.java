package dev.nabla.bench.train;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.module.Linear;
import dev.nabla.module.Module;
import dev.nabla.module.ReLU;
import dev.nabla.module.Residual;
import dev.nabla.module.Sequential;
import dev.nabla.nn.Evaluation;
import dev.nabla.optim.Adam;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.SGD;

/**
 * A classifier built from modules ({@code dev.nabla.module}) whose output is the logits, trained through autograd
 * with an optimizer from {@code dev.nabla.optim}: each step records the forward in a {@link Graph}, takes
 * {@code crossEntropyWithLogits} of the one-hot targets, runs backward and updates; the graph's close frees every
 * intermediate. Evaluation runs under {@link Graph#noGrad} in eval mode, with argmax + eq on the device. It owns the
 * module and the optimizer.
 */
public final class ModuleClassifier implements Classifier {
    private final Backend backend;
    private final Module model;
    private final Optimizer optimizer;
    private final int classes;
    private final String description;

    ModuleClassifier(Backend backend, Module model, Optimizer optimizer, int classes, String description) {
        this.backend = backend;
        this.model = model;
        this.optimizer = optimizer;
        this.classes = classes;
        this.description = description;
    }

    /**
     * {@code --model residual}: Linear(inputs, h), ReLU, Residual(Sequential(Linear(h, h), ReLU)), Linear(h, classes)
     * with h = {@code config.hidden()}, FLOAT32, seeded from {@code config.seed()}, and the configured optimizer (SGD
     * with momentum {@value TrainConfig#MOMENTUM}, or Adam).
     *
     * @param backend where the parameters live
     * @param inputs input features
     * @param classes output classes
     * @param config hidden width, optimizer, learning rate and seed
     * @return a new classifier the caller closes
     */
    public static ModuleClassifier residual(Backend backend, int inputs, int classes, TrainConfig config) {
        int h = config.hidden();
        long seed = config.seed();
        Sequential model = new Sequential(new Linear(inputs, h, backend, seed), new ReLU(),
                new Residual(new Sequential(new Linear(h, h, backend, seed + 1), new ReLU())),
                new Linear(h, classes, backend, seed + 2));
        try {
            Optimizer opt = config.optimizer() == TrainConfig.OptimizerKind.SGD
                    ? new SGD(model.parameters(), config.learningRate(), TrainConfig.MOMENTUM, 0.0, 0.0, false)
                    : new Adam(model.parameters(), config.learningRate());
            String description = String.format("modules[%d → %d RELU → residual(%d → %d RELU) → %d logits, "
                            + "cross-entropy with logits, FLOAT32 on %s]", inputs, h, h, h, classes, backend.name());
            return new ModuleClassifier(backend, model, opt, classes, description);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void step(Batch batch, Tensor lossSum) {
        optimizer.zeroGrad();
        try (Graph g = Graph.record(backend)) {
            Var loss = model.forward(Var.constant(batch.features())).crossEntropyWithLogits(batch.targets());
            lossSum.axpyInPlace(batch.size(), loss.value());              // Σ over rows of the mean loss
            loss.backward();
        }
        optimizer.step();
    }

    @Override
    public Evaluation evaluate(DataLoader loader) {
        model.eval();
        long count = 0;
        try (Scope s = backend.scope()) {
            Tensor lossSum = backend.zeros(1, 1);
            Tensor correct = backend.zeros(1, 1);
            for (Batch b : loader.epoch(0)) {
                try (Scope perBatch = backend.scope(); Graph g = Graph.noGrad(backend)) {
                    int n = b.size();
                    Tensor t = b.targets() != null ? b.targets() : b.labels().oneHot(classes, DType.FLOAT32);
                    Var logits = model.forward(Var.constant(b.features()));
                    lossSum.axpyInPlace(n, logits.crossEntropyWithLogits(t).value());
                    correct.axpyInPlace(1, logits.value().argmaxRows().eq(b.labels()).cast(DType.FLOAT32).sum());
                    count += n;
                }
            }
            double l = lossSum.item(), c = correct.item();
            return new Evaluation(count == 0 ? Double.NaN : l / count, count == 0 ? Double.NaN : c / count, count);
        } finally {
            model.train();
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        try {
            optimizer.close();
        } finally {
            model.close();
        }
    }
}
