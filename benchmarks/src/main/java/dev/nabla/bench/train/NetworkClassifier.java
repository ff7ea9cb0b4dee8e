package dev.nabla.bench.train;

import dev.nabla.Tensor;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.nn.Evaluation;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;

/** {@code --model dense}: a {@link Network} (the fused Dense path) and its optimizer; it owns both. */
final class NetworkClassifier implements Classifier {
    private final Network net;
    private final Optimizer optimizer;

    NetworkClassifier(Network net, Optimizer optimizer) {
        this.net = net;
        this.optimizer = optimizer;
    }

    @Override
    public void step(Batch batch, Tensor lossSum) {
        net.trainStep(batch.features(), batch.targets(), optimizer, lossSum);
    }

    @Override
    public Evaluation evaluate(DataLoader loader) {
        return net.evaluate(loader);
    }

    @Override
    public String description() {
        return net.toString();
    }

    /** Mixed precision: the GEMM input type, and at FLOAT16 the final loss scale and the steps skipped. */
    @Override
    public String precisionReport() {
        dev.nabla.nn.PrecisionStats st = net.precisionStats();
        if (st.precision() == dev.nabla.DType.FLOAT32) {
            return "";
        }
        String s = "precision " + st.precision() + ": " + st.steps() + " steps";
        if (st.precision() == dev.nabla.DType.FLOAT16) {
            s += String.format(java.util.Locale.ROOT, ", %d skipped on a gradient overflow, final loss scale %.0f",
                    st.skippedSteps(), st.lossScale());
        }
        return s;
    }

    @Override
    public void close() {
        try {
            optimizer.close();
        } finally {
            net.close();
        }
    }
}
