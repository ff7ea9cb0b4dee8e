package dev.nabla.spark;

import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Network;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

import java.util.Collections;
import java.util.Iterator;

/**
 * The faster, inexact mode ({@code localSteps} = k &gt; 1): per round, the driver broadcasts θ; every non-empty
 * partition p takes k optimizer steps on its own rows from θ (batches of b_p ≈ blockSize·n_p/N rows, drawn by the
 * {@link GlobalBatches} rule within the partition, with an optimizer whose state stays in its block), and the driver
 * sets θ to the average Σ_p n_p·θ_p / Σ_p n_p. One Spark job per k steps instead of per step; the price is that the
 * partitions' steps no longer see each other's gradients (and their optimizer states are local), so the result is
 * not single-machine training's. {@code maxIter} counts rounds here.
 */
final class LocalStepsAveraging {
    private static final long PARTITION_MIX = 0xC2B2AE3D27D4EB4FL;

    private LocalStepsAveraging() {
    }

    static SyncTrainer.Result iterate(JavaSparkContext jsc, JavaRDD<Row> rows, FitPlan plan, SyncTrainer.Config config,
                                      long[] offsets) {
        NetworkSpec spec = plan.spec();
        long n = offsets[offsets.length - 1];
        int[] shares = new int[offsets.length - 1];
        for (int p = 0; p < shares.length; p++) {
            long np = offsets[p + 1] - offsets[p];
            shares[p] = np == 0 ? 0 : (int) Math.max(1, Math.min(np, Math.round((double) config.blockSize() * np / n)));
        }
        int k = config.localSteps();
        double[] losses = new double[config.maxIter()];
        float[][] weights;
        try (Network initial = spec.build(ExecutorBackends.resolve("fit", config.backend()), config.seed())) {
            weights = TrainedWeights.of(initial);
        }
        for (int r = 0; r < config.maxIter(); r++) {
            Broadcast<float[][]> bw = jsc.broadcast(weights);
            int round = r;
            GradientSum sum;
            try {
                sum = OrderedGradientSum.of(rows.mapPartitionsWithIndex((p, it) -> Collections.singletonList(
                        run(plan, p, it, bw.value(), round, k, shares[p])).iterator(), true));
            } finally {
                bw.destroy();
            }
            for (int l = 0; l < spec.depth(); l++) {
                weights[2 * l] = mean(sum.dW[l], sum.rows);
                weights[2 * l + 1] = mean(sum.db[l], sum.rows);
            }
            losses[r] = sum.loss / sum.rows;
        }
        return new SyncTrainer.Result(weights, losses);
    }

    private static float[] mean(double[] sum, long rows) {
        float[] out = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            out[i] = (float) (sum[i] / rows);
        }
        return out;
    }

    /**
     * Partition p's round: k local steps from the broadcast weights; returns n_p·θ_p (in the GradientSum's dW, db
     * slots) and n_p times its mean loss over the k steps.
     */
    static GradientSum run(FitPlan plan, int partition, Iterator<Row> rows, float[][] weights, int round, int k,
                           int share) {
        PartitionBlock block = BlockCache.get(plan, partition, rows);
        GradientSum sum = GradientSum.zero();
        if (block.rows == 0) {
            return sum;
        }
        synchronized (block) {
            TrainedWeights.set(block.replica, weights);
            if (block.local == null) {
                block.local = SyncTrainer.optimizer(plan.optimizer(), plan.stepSize());
                block.localBatches = new GlobalBatches(block.rows, share, plan.seed() ^ ((partition + 1) * PARTITION_MIX));
            }
            double loss = 0;
            for (int i = 0; i < k; i++) {
                int[] batch = block.localBatches.batch((long) round * k + i);
                try (Scope scope = block.backend.scope()) {
                    Tensor idx = block.backend.fromArray(batch, batch.length, 1);
                    loss += block.replica.trainStep(block.features.gatherRows(idx), block.targets.gatherRows(idx),
                            block.local);
                }
            }
            float[][] theta = TrainedWeights.of(block.replica);
            int depth = plan.spec().depth();
            sum.rows = block.rows;
            sum.loss = block.rows * loss / k;
            sum.dW = new double[depth][];
            sum.db = new double[depth][];
            for (int l = 0; l < depth; l++) {
                sum.dW[l] = scaled(theta[2 * l], block.rows);
                sum.db[l] = scaled(theta[2 * l + 1], block.rows);
            }
        }
        return sum;
    }

    private static double[] scaled(float[] a, int n) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (double) a[i] * n;
        }
        return out;
    }
}
