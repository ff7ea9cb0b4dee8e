package dev.nabla.spark;

import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Gradients;
import org.apache.spark.sql.Row;

import java.util.Iterator;

/** One partition's work in one iteration, on its executor: the gradient sum over its share of the global batch. */
final class PartitionStep {
    private PartitionStep() {
    }

    /**
     * Sets the replica's weights to the broadcast ones, gathers the batch's rows from the cached block on the device
     * and returns n_p·L_p and n_p·∂L_p/∂θ (n_p = {@code local.length}; zero when the partition has none of the batch).
     *
     * @param plan the fit
     * @param partition this partition
     * @param rows its rows (read only when this JVM has no block for it yet)
     * @param weights W(0), b(0), W(1), b(1), … as broadcast by the driver
     * @param lossScale the driver network's loss scale S (float16; 1 otherwise): the replica's δ(L) is scaled by it, so
     *                  an overflow anywhere makes the summed gradient non-finite and the driver skips the step
     * @param local the batch's rows within this partition
     */
    static GradientSum run(FitPlan plan, int partition, Iterator<Row> rows, float[][] weights, double lossScale,
                           int[] local) {
        PartitionBlock block = BlockCache.get(plan, partition, rows);
        GradientSum sum = GradientSum.zero();
        if (local.length == 0) {
            return sum;
        }
        synchronized (block) {                                  // a speculative twin of this task shares the block
            for (int l = 0; l < plan.spec().depth(); l++) {
                block.replica.setWeights(l, weights[2 * l]);
                block.replica.setBiases(l, weights[2 * l + 1]);
            }
            block.replica.setLossScale(lossScale);
            Gradients g;
            try (Scope scope = block.backend.scope()) {
                Tensor idx = block.backend.fromArray(local, local.length, 1);
                g = block.replica.gradients(block.features.gatherRows(idx), block.targets.gatherRows(idx));
            }
            int n = local.length;
            sum.rows = n;
            sum.loss = n * g.loss();
            sum.dW = new double[g.layers()][];
            sum.db = new double[g.layers()][];
            for (int l = 0; l < g.layers(); l++) {
                sum.dW[l] = scaled(g.dW(l), n);
                sum.db[l] = scaled(g.db(l), n);
            }
        }
        return sum;
    }

    private static double[] scaled(double[] a, int n) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= n;
        }
        return a;
    }
}
