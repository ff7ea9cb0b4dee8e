package dev.nabla.bench.train;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.nn.Evaluation;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.parallel.DataParallel;

import java.util.List;

/**
 * {@code nabla train --devices ...}: the Dense {@link Network} trained by {@link DataParallel} over several backends.
 * The batches live on the first backend (replica 0, which also evaluates). A batch of fewer rows than replicas (the
 * last of an epoch) is trained on replica 0 alone, the same update, and its weights are then sent to the others.
 */
final class DataParallelClassifier implements Classifier {
    private final Network net;
    private final DataParallel dp;
    private final Optimizer optimizer;

    private DataParallelClassifier(Network net, DataParallel dp, Optimizer optimizer) {
        this.net = net;
        this.dp = dp;
        this.optimizer = optimizer;
    }

    /** The configured network on {@code backends.get(0)}, replicated on the others. */
    static DataParallelClassifier create(List<Backend> backends, int inputs, int classes, TrainConfig config) {
        Network net = Trainer.network(backends.get(0), inputs, classes, config);
        DataParallel dp = null;
        try {
            dp = DataParallel.of(net, backends);
            return new DataParallelClassifier(net, dp, config.newOptimizer());
        } catch (RuntimeException | Error e) {
            if (dp != null) {
                dp.close();
            }
            net.close();
            throw e;
        }
    }

    @Override
    public void step(Batch batch, Tensor lossSum) {
        if (batch.size() < dp.replicas()) {
            net.trainStep(batch.features(), batch.targets(), optimizer, lossSum);
            dp.syncReplicas();
            return;
        }
        double loss = dp.trainStep(batch.features(), batch.targets(), optimizer);
        // the loss is on the host already (the gradients were read back): add n·loss to the device-side sum
        lossSum.fill(lossSum.item() + loss * batch.size());
    }

    @Override
    public Evaluation evaluate(DataLoader loader) {
        return net.evaluate(loader);
    }

    @Override
    public String description() {
        return dp.toString();
    }

    @Override
    public void close() {
        try {
            optimizer.close();
        } finally {
            try {
                dp.close();
            } finally {
                net.close();
            }
        }
    }
}
