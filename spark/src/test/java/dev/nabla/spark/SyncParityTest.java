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

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity: a Spark fit in local[2] (3 partitions of uneven size and one empty one) equals single-machine
 * {@code Network.trainStep} on the same global batches, loss per step and final weights under the tolerance rule;
 * and every partition's rows are converted once per fit, not once per iteration, and released when the fit ends.
 */
class SyncParityTest {
    static final int ROWS = 250;
    static final int BLOCK = 64;            // 4 batches per epoch: 64, 64, 64, 58
    static final int STEPS = 12;            // 3 epochs

    @Test
    void classifierWithSgdEqualsSingleMachineTraining() {
        List<Row> rows = LocalSpark.rows(ROWS, 5, 3, 11);
        Dataset<Row> df = LocalSpark.frame(rows, 3, 1);
        NablaClassifier clf = new NablaClassifier().setLayers(new int[]{5, 12, 7, 3}).setActivation("tanh")
                .setOptimizer("sgd").setStepSize(0.5).setMaxIter(STEPS).setBlockSize(BLOCK).setSeed(21)
                .setBackend("cpu");
        long buildsBefore = BlockCache.builds();
        int liveBefore = BlockCache.size();
        NablaClassificationModel model = clf.fit(df);
        assertEquals(4, BlockCache.builds() - buildsBefore,
                "blocks built for 4 partitions over " + STEPS + " iterations (one each: no re-conversion)");
        assertEquals(liveBefore, BlockCache.size(), "blocks left in the cache after the fit");
        NetworkSpec spec = clf.spec("test");
        assertParity(df, spec, Targets.oneHot(3), SyncTrainer.optimizer(config(clf)), 21, model);
    }

    @Test
    void regressorWithAdamEqualsSingleMachineTraining() {
        List<Row> rows = LocalSpark.rows(ROWS, 4, 0, 12);
        Dataset<Row> df = LocalSpark.frame(rows, 3, 1);
        NablaRegressor reg = new NablaRegressor().setLayers(new int[]{4, 10, 1}).setActivation("sigmoid")
                .setOptimizer("adam").setStepSize(0.01).setMaxIter(STEPS).setBlockSize(BLOCK).setSeed(22)
                .setBackend("cpu");
        NablaRegressionModel model = reg.fit(df);
        assertParity(df, reg.spec("test"), Targets.value(), SyncTrainer.optimizer(config(reg)), 22, model);
    }

    static SyncTrainer.Config config(NablaEstimator<?, ?> e) {
        return new SyncTrainer.Config(e.getMaxIter(), e.getBlockSize(), e.getStepSize(), e.getOptimizer(),
                e.getSeed(), e.getBackend(), e.getLocalSteps());
    }

    /** Trains the reference on the rows in partition order (what collect returns), batch by batch. */
    static void assertParity(Dataset<Row> df, NetworkSpec spec, Targets targets, Optimizer optimizer,
                                     long seed, NablaModel<?> model) {
        List<Row> all = df.collectAsList();
        int n = all.size();
        int inputs = spec.inputs();
        int width = targets.width();
        float[] x = new float[n * inputs];
        float[] t = new float[n * width];
        for (int r = 0; r < n; r++) {
            Vector v = (Vector) all.get(r).get(0);
            for (int j = 0; j < inputs; j++) {
                x[r * inputs + j] = (float) v.apply(j);
            }
            assertEquals(null, targets.write(all.get(r).getDouble(1), t, r * width));
        }
        Backend cpu = Backends.get("cpu");
        GlobalBatches batches = new GlobalBatches(n, BLOCK, seed);
        double[] losses = new double[STEPS];
        try (Network ref = spec.build(cpu, seed); Optimizer opt = optimizer; Scope scope = cpu.scope()) {
            Tensor xs = cpu.fromArray(x, n, inputs);
            Tensor ts = cpu.fromArray(t, n, width);
            for (int step = 0; step < STEPS; step++) {
                int[] batch = batches.batch(step);
                Tensor idx = cpu.fromArray(batch, batch.length, 1);
                losses[step] = ref.trainStep(xs.gatherRows(idx), ts.gatherRows(idx), opt);
            }
            Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
            String who = spec + " over 3 partitions and an empty one, " + STEPS + " steps";
            tol.assertCloseNormwise(who + ": loss per step", losses, model.trainingLosses(), 0);
            for (int l = 0; l < spec.depth(); l++) {
                double[] w = ref.weights(l);
                for (double v : w) {
                    assertTrue(Double.isFinite(v), who + ": the reference diverged");
                }
                tol.assertCloseNormwise(who + ": W" + l, w, widen(model.weights(l)), spec.layers()[l + 1]);
                tol.assertCloseNormwise(who + ": b" + l, ref.biases(l), widen(model.biases(l)), 0);
            }
        }
    }

    static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
