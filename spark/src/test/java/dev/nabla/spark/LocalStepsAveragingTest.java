package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.Tolerance;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The localSteps = k &gt; 1 mode: k local steps per partition, then averaging weighted by the partitions' rows. */
class LocalStepsAveragingTest {

    /**
     * With one non-empty partition the average is that partition's weights, so 5 rounds of 4 local steps are 20 steps
     * of single-machine training on the partition's own batches (its optimizer's state kept across rounds); at
     * precision bf16 the replica and the reference are BFLOAT16 mixed-precision networks taking the same steps.
     */
    @ParameterizedTest
    @ValueSource(strings = {"float32", "bf16"})
    void onOnePartitionItIsPlainTrainingOnThePartitionsBatches(String precision) {
        List<Row> rows = LocalSpark.rows(90, 4, 3, 71);
        Dataset<Row> df = LocalSpark.frame(rows, 1, 1);
        NablaClassifier clf = new NablaClassifier().setLayers(new int[]{4, 8, 3}).setOptimizer("adam")
                .setStepSize(0.02).setMaxIter(5).setLocalSteps(4).setBlockSize(32).setSeed(72).setBackend("cpu")
                .setPrecision(precision);
        NablaClassificationModel model = clf.fit(df);
        assertEquals(5, model.trainingLosses().length, "one loss per round");

        NetworkSpec spec = clf.spec("test").withPrecision(NetworkSpec.precision("test", precision));
        Backend cpu = Backends.get("cpu");
        int n = rows.size();
        float[] x = new float[n * 4];
        float[] t = new float[n * 3];
        for (int r = 0; r < n; r++) {
            Vector v = (Vector) rows.get(r).get(0);
            for (int j = 0; j < 4; j++) {
                x[r * 4 + j] = (float) v.apply(j);
            }
            assertEquals(null, Targets.oneHot(3).write(rows.get(r).getDouble(1), t, r * 3));
        }
        GlobalBatches local = new GlobalBatches(n, 32, 72 ^ (1 * 0xC2B2AE3D27D4EB4FL));   // partition 0's stream
        try (Network ref = spec.build(cpu, 72); Optimizer adam = SyncTrainer.optimizer("adam", 0.02);
             Scope scope = cpu.scope()) {
            assertEquals(precision.equals("bf16") ? DType.BFLOAT16 : DType.FLOAT32, ref.precision(),
                    "the reference's precision");
            Tensor xs = cpu.fromArray(x, n, 4);
            Tensor ts = cpu.fromArray(t, n, 3);
            for (int step = 0; step < 20; step++) {
                int[] b = local.batch(step);
                Tensor idx = cpu.fromArray(b, b.length, 1);
                ref.trainStep(xs.gatherRows(idx), ts.gatherRows(idx), adam);
            }
            Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
            for (int l = 0; l < spec.depth(); l++) {
                tol.assertCloseNormwise(precision + ": W" + l + " after 5 rounds of 4 local steps on one partition", ref.weights(l),
                        SyncParityTest.widen(model.weights(l)), spec.layers()[l + 1]);
                tol.assertCloseNormwise(precision + ": b" + l, ref.biases(l), SyncParityTest.widen(model.biases(l)), 0);
            }
        }
    }

    @Test
    void onTwoPartitionsItLearnsWithOneJobPerKSteps() {
        Dataset<Row> train = LocalSpark.frame(LocalSpark.rows(600, 4, 3, 73), 2, 0);
        NablaClassifier clf = new NablaClassifier().setLayers(new int[]{4, 16, 3}).setMaxIter(30).setLocalSteps(5)
                .setBlockSize(64).setStepSize(0.01).setSeed(74).setBackend("cpu");
        long buildsBefore = BlockCache.builds();
        int liveBefore = BlockCache.size();
        NablaClassificationModel model = clf.fit(train);
        assertEquals(2, BlockCache.builds() - buildsBefore, "one block per partition for 30 rounds");
        assertEquals(liveBefore, BlockCache.size(), "blocks (and their local optimizers) released after the fit");
        Dataset<Row> out = model.transform(LocalSpark.frame(LocalSpark.rows(300, 4, 3, 75), 2, 0));
        long right = out.filter(col("prediction").equalTo(col("label"))).count();
        assertTrue(right >= 0.9 * 300, "test accuracy " + right + "/300 after 30 rounds of 5 local steps");
        double[] losses = model.trainingLosses();
        assertTrue(losses[29] < 0.5 * losses[0], "mean local loss " + losses[0] + " -> " + losses[29]);
        assertArrayEquals(new int[]{4, 16, 3}, model.layerSizes());
    }
}
