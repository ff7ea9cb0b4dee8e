package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Shape;
import dev.nabla.Tensor;
import dev.nabla.contract.Tolerance;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.PrecisionStats;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code precision = bf16} in local[2] (3 partitions of uneven size and one empty one), against two single-machine
 * BFLOAT16 {@link Network}s trained on the same global batches from the same seed:
 * <ul>
 *   <li>the distributed algorithm written out on one machine: per step, {@code Network.gradients} of every
 *       partition's share of the batch, n_p-weighted and summed in float64, then {@code applyGradients}. Only the
 *       order of the float64 sums differs, so the float32 rule of {@link SyncParityTest} holds for loss and weights;</li>
 *   <li>plain single-machine mixed-precision training, {@code trainStep} on the whole batch. The shares round their
 *       16-bit δ(L) = (p − t)/n_p where the whole batch rounds (p − t)/n, and the hidden δ̃ after them: per-row
 *       terms differ by up to one BFLOAT16 rounding (u = 2⁻⁸) each step, not float32's 2⁻²⁴, so the float32 rule
 *       cannot hold. Loss per step and trained weights are held to {@value #WHOLE_BATCH_RTOL} (four BFLOAT16 unit
 *       roundoffs) of the array's largest magnitude, element by element (the normwise form without the √K term).
 *       The first check is what proves the Spark path exact; this one shows that it is single-machine bf16
 *       training up to 16-bit rounding.</li>
 * </ul>
 * Plus: the model records its precision and keeps it through save/load; transform runs float32 from the float32
 * master weights; a checkpoint written at one precision is refused by a resume at another.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MixedPrecisionFitTest {
    static final int ROWS = 250;
    static final int BLOCK = 64;            // 4 batches per epoch: 64, 64, 64, 58
    static final int STEPS = 12;            // 3 epochs
    static final double WHOLE_BATCH_RTOL = 4 * 0x1p-8;

    @TempDir
    Path tmp;

    private static NablaClassifier classifier(String precision) {
        return new NablaClassifier().setLayers(new int[]{5, 12, 7, 3}).setActivation("tanh").setOptimizer("adam")
                .setStepSize(0.02).setMaxIter(STEPS).setBlockSize(BLOCK).setSeed(21).setBackend("cpu")
                .setPrecision(precision);
    }

    @Test
    void bf16FitEqualsSingleMachineBf16Training() {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(ROWS, 5, 3, 11), 3, 1);
        NablaClassifier clf = classifier("BF16");
        NablaClassificationModel model = clf.fit(df);
        assertEquals("bfloat16", model.getPrecision(), "the model's precision, by its canonical name");
        NetworkSpec spec = clf.spec("test").withPrecision(DType.BFLOAT16);
        Optimizer[] opts = {SyncTrainer.optimizer("adam", 0.02), SyncTrainer.optimizer("adam", 0.02)};
        Reference r = reference(df, spec, Targets.oneHot(3), opts, 21);
        String who = spec + " over 3 partitions and an empty one, " + STEPS + " steps";

        Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
        tol.assertCloseNormwise(who + " vs per-partition gradients: loss per step", r.sharedLosses,
                model.trainingLosses(), 0);
        for (int l = 0; l < spec.depth(); l++) {
            tol.assertCloseNormwise(who + " vs per-partition gradients: W" + l, r.shared[2 * l],
                    SyncParityTest.widen(model.weights(l)), spec.layers()[l + 1]);
            tol.assertCloseNormwise(who + " vs per-partition gradients: b" + l, r.shared[2 * l + 1],
                    SyncParityTest.widen(model.biases(l)), 0);
        }
        for (int l = 0; l < spec.depth(); l++) {
            assertNormwise(who + " vs whole-batch trainStep: W" + l, r.whole[2 * l], model.weights(l));
            assertNormwise(who + " vs whole-batch trainStep: b" + l, r.whole[2 * l + 1], model.biases(l));
        }
        assertNormwise(who + " vs whole-batch trainStep: loss per step", r.wholeLosses, model.trainingLosses());

        // the mixed fit is not the float32 fit: the 16-bit GEMMs change the weights
        NablaClassificationModel f32 = classifier("float32").fit(df);
        assertEquals("float32", f32.getPrecision());
        assertNotEquals(java.util.Arrays.toString(f32.weights(0)), java.util.Arrays.toString(model.weights(0)),
                "bf16 and float32 fits gave the same W0");
    }

    /**
     * {@code precision = fp16} on a regression whose labels lie near 1000: δ(L)·S overflows FLOAT16 at the first
     * scales, so the first steps must be skipped and S halved until it fits. The driver decides on the summed
     * gradient and the executors scale by its S: the fit equals the distributed algorithm written out on one machine
     * (one FLOAT16 network whose gradients of each share are summed, then applyGradients), which skipped steps too.
     * Executors that kept their own S (65536) would overflow on every step and leave the weights where they started.
     */
    @Test
    void fp16FitSkipsOverflowedStepsAsTheDriverDecides() {
        List<Row> rows = new ArrayList<>();
        for (Row r : LocalSpark.rows(ROWS, 5, 3, 17)) {
            rows.add(RowFactory.create(r.get(0), 1000 + r.getDouble(1)));
        }
        Dataset<Row> df = LocalSpark.frame(rows, 3, 1);
        NablaRegressor reg = new NablaRegressor().setLayers(new int[]{5, 12, 1}).setActivation("tanh")
                .setOptimizer("adam").setStepSize(0.05).setMaxIter(STEPS).setBlockSize(BLOCK).setSeed(21)
                .setBackend("cpu").setPrecision("FP16");
        NablaRegressionModel model = reg.fit(df);
        assertEquals("float16", model.getPrecision());
        NetworkSpec spec = reg.spec("test").withPrecision(DType.FLOAT16);
        Optimizer[] opts = {SyncTrainer.optimizer("adam", 0.05), SyncTrainer.optimizer("adam", 0.05)};
        Reference r = reference(df, spec, Targets.value(), opts, 21);
        assertTrue(r.sharedStats.skippedSteps() > 0 && r.sharedStats.skippedSteps() < STEPS,
                "the reference skipped some steps and took others: " + r.sharedStats);
        String who = spec + " over 3 partitions and an empty one, " + STEPS + " steps";
        Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
        tol.assertCloseNormwise(who + ": loss per step", r.sharedLosses, model.trainingLosses(), 0);
        for (int l = 0; l < spec.depth(); l++) {
            tol.assertCloseNormwise(who + ": W" + l, r.shared[2 * l], SyncParityTest.widen(model.weights(l)),
                    spec.layers()[l + 1]);
            tol.assertCloseNormwise(who + ": b" + l, r.shared[2 * l + 1], SyncParityTest.widen(model.biases(l)), 0);
        }
    }

    @Test
    void theModelSavesAndLoadsItsPrecisionAndPredictsInFloat32() throws Exception {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(120, 5, 3, 31), 2, 0);
        NablaClassificationModel model = classifier("bfloat16").setMaxIter(4).fit(df);
        String path = tmp.resolve("bf16-model").toString();
        model.write().save(path);
        NablaClassificationModel back = NablaClassificationModel.load(path);
        assertEquals("bfloat16", back.getPrecision(), "the loaded model's precision");
        assertTrue(back.toString().contains("trained in bfloat16"), back.toString());
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(model.weights(l), back.weights(l), "W" + l);
            assertArrayEquals(model.biases(l), back.biases(l), "b" + l);
        }
        // transform is a float32 network of the master weights: the probabilities equal a FLOAT32 Network's
        List<Row> out = back.transform(df).select("features", "probability").collectAsList();
        Backend cpu = Backends.get("cpu");
        try (Network net = model.spec.buildFloat32(cpu, 0); Scope scope = cpu.scope()) {
            TrainedWeights.set(net, model.weights);
            assertEquals(DType.FLOAT32, net.precision());
            float[] x = new float[out.size() * 5];
            for (int r = 0; r < out.size(); r++) {
                Vector v = (Vector) out.get(r).get(0);
                for (int j = 0; j < 5; j++) {
                    x[r * 5 + j] = (float) v.apply(j);
                }
            }
            double[] p = net.forward(cpu.fromArray(x, out.size(), 5)).toDoubleArray();
            for (int r = 0; r < out.size(); r++) {
                double[] got = ((Vector) out.get(r).get(1)).toArray();
                for (int c = 0; c < 3; c++) {
                    assertEquals((float) p[r * 3 + c], (float) got[c], "probability of row " + r + ", class " + c);
                }
            }
        }
        // an older model without the param reads as float32
        NablaClassificationModel f32 = classifier("float32").setMaxIter(2).fit(df);
        f32.write().save(tmp.resolve("f32-model").toString());
        assertEquals("float32", NablaClassificationModel.load(tmp.resolve("f32-model").toString()).getPrecision());
    }

    @Test
    void aCheckpointOfAnotherPrecisionIsRefused() {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(200, 5, 3, 31), 2, 0);
        String dir = tmp.resolve("ckpt").toUri().toString();
        classifier("bf16").setMaxIter(3).setCheckpointInterval(3).setCheckpointDir(dir).fit(df);
        String msg = assertThrows(CheckpointException.class,
                () -> classifier("float32").setMaxIter(6).setCheckpointDir(dir).fit(df)).getMessage();
        assertTrue(msg.contains("was written by a fit with other params: precision bfloat16 (this estimator: "
                + "float32)"), msg);
        // the same precision, spelled otherwise, resumes
        NablaClassificationModel resumed = classifier("BFloat16").setMaxIter(6).setCheckpointDir(dir).fit(df);
        assertEquals(6, resumed.trainingLosses().length);
    }

    /** rtol {@link #WHOLE_BATCH_RTOL} of the largest |reference|, element by element. */
    private static void assertNormwise(String what, double[] ref, float[] actual) {
        assertNormwise(what, ref, SyncParityTest.widen(actual));
    }

    private static void assertNormwise(String what, double[] ref, double[] actual) {
        assertEquals(ref.length, actual.length, what + ": lengths");
        double max = 0;
        for (double v : ref) {
            assertTrue(Double.isFinite(v), what + ": the reference diverged");
            max = Math.max(max, Math.abs(v));
        }
        double allowed = WHOLE_BATCH_RTOL * max;
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs(ref[i] - actual[i]);
            worst = Math.max(worst, d);
            assertTrue(d <= allowed, String.format("%s: element %d is %.9g, reference %.9g, |diff| %.3g > allowed %.3g"
                    + " (rtol %.3g · max|ref| %.3g)", what, i, actual[i], ref[i], d, allowed, WHOLE_BATCH_RTOL, max));
        }
        System.out.printf("%s: max |diff| %.3g of allowed %.3g%n", what, worst, allowed);
    }

    /** The two references' weights (W0, b0, W1, …) and losses per step, and the shared one's mixed-precision stats. */
    record Reference(double[][] shared, double[] sharedLosses, double[][] whole, double[] wholeLosses,
                     PrecisionStats sharedStats) {
    }

    private static Reference reference(Dataset<Row> df, NetworkSpec spec, Targets targets, Optimizer[] opts,
                                       long seed) {
        List<List<Row>> parts = df.javaRDD().glom().collect();
        long[] offsets = new long[parts.size() + 1];
        List<Row> all = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            offsets[p + 1] = offsets[p] + parts.get(p).size();
            all.addAll(parts.get(p));
        }
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
        List<Shape> shapes = new ArrayList<>();
        for (int l = 0; l < spec.depth(); l++) {
            shapes.add(new Shape(spec.layers()[l], spec.layers()[l + 1]));
        }
        Backend cpu = Backends.get("cpu");
        GlobalBatches batches = new GlobalBatches(n, BLOCK, seed);
        double[] sharedLosses = new double[STEPS];
        double[] wholeLosses = new double[STEPS];
        try (Network shared = spec.build(cpu, seed); Network whole = spec.build(cpu, seed);
             Optimizer o1 = opts[0]; Optimizer o2 = opts[1]; Scope scope = cpu.scope()) {
            assertEquals(spec.precision(), shared.precision());
            Tensor xs = cpu.fromArray(x, n, inputs);
            Tensor ts = cpu.fromArray(t, n, width);
            for (int step = 0; step < STEPS; step++) {
                int[] batch = batches.batch(step);
                int[][] local = GlobalBatches.split(batch, offsets);
                double loss = 0;
                double[][] dW = new double[spec.depth()][];
                double[][] db = new double[spec.depth()][];
                for (int p = 0; p < local.length; p++) {
                    if (local[p].length == 0) {
                        continue;
                    }
                    int[] global = new int[local[p].length];
                    for (int i = 0; i < global.length; i++) {
                        global[i] = (int) offsets[p] + local[p][i];
                    }
                    Tensor idx = cpu.fromArray(global, global.length, 1);
                    Gradients g = shared.gradients(xs.gatherRows(idx), ts.gatherRows(idx));
                    loss += global.length * g.loss();
                    for (int l = 0; l < spec.depth(); l++) {
                        dW[l] = addScaled(dW[l], g.dW(l), global.length);
                        db[l] = addScaled(db[l], g.db(l), global.length);
                    }
                }
                List<double[]> mW = new ArrayList<>();
                List<double[]> mb = new ArrayList<>();
                for (int l = 0; l < spec.depth(); l++) {
                    mW.add(addScaled(null, dW[l], 1.0 / batch.length));
                    mb.add(addScaled(null, db[l], 1.0 / batch.length));
                }
                shared.applyGradients(Gradients.of(loss / batch.length, mW, mb, shapes), o1);
                sharedLosses[step] = loss / batch.length;
                Tensor idx = cpu.fromArray(batch, batch.length, 1);
                wholeLosses[step] = whole.trainStep(xs.gatherRows(idx), ts.gatherRows(idx), o2);
            }
            double[][] sw = new double[2 * spec.depth()][];
            double[][] ww = new double[2 * spec.depth()][];
            for (int l = 0; l < spec.depth(); l++) {
                sw[2 * l] = shared.weights(l);
                sw[2 * l + 1] = shared.biases(l);
                ww[2 * l] = whole.weights(l);
                ww[2 * l + 1] = whole.biases(l);
            }
            return new Reference(sw, sharedLosses, ww, wholeLosses, shared.precisionStats());
        }
    }

    private static double[] addScaled(double[] into, double[] a, double s) {
        double[] out = into == null ? new double[a.length] : into;
        for (int i = 0; i < a.length; i++) {
            out[i] += a[i] * s;
        }
        return out;
    }
}
