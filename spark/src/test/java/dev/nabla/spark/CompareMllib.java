package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.Scope;
import dev.nabla.io.Idx;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Nabla's {@link NablaClassifier} against Spark MLlib's {@code MultilayerPerceptronClassifier} on Fashion-MNIST, in
 * one local[cores] session, on the same layers and the same DataFrame (same partitions): after each epoch, the
 * wall-clock training time so far and the test accuracy of both, as a table. A benchmark, not a test: run it with
 * {@code spark/compare-mllib.sh} on a quiet machine (docs/spark.md); surefire does not pick it up (no Test suffix).
 *
 * <p>How an epoch is counted and timed:
 * <ul>
 *   <li>Nabla: an epoch is ⌈N / blockSize⌉ mini-batch steps. Epoch e is one fit of maxIter = e·⌈N / blockSize⌉ that
 *       resumes from epoch e − 1's checkpoint (checkpointInterval = one epoch), so its time is that epoch's steps plus
 *       one fit's set-up (the blocks are built again per fit) and one checkpoint write; the time shown is the sum.</li>
 *   <li>MLlib: its solver (L-BFGS, full batch) makes one pass over the data per iteration (more when the line search
 *       needs more), so epoch e is a fresh fit of maxIter = e; the time shown is that fit's. MLlib resumes nothing,
 *       so the comparison runs 1 + 2 + … + E MLlib iterations in all.</li>
 *   <li>Test accuracy is measured outside the timed span, on the first {@code --test-rows} rows of t10k.</li>
 *   <li>Before the first epoch, one untimed fit of each (2 Nabla steps, 1 MLlib iteration) warms up the JIT and
 *       Spark.</li>
 * </ul>
 * MLlib's hidden layers are sigmoid (it has no other); Nabla's are {@code --activation} (relu by default, sigmoid
 * for a like-for-like network).
 */
public final class CompareMllib {
    private CompareMllib() {
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code --rows 60000 --test-rows 10000 --epochs 10 --cores 2 --partitions 0 --hidden 128 --block 256 --step 2e-3
     *             --activation relu --optimizer adam --seed 42 --backend best --data /usr/share/datasets/fashion-mnist
     *             --local-steps 1 --mllib-epochs true --mllib-iters 0}: local-steps k &gt; 1 runs Nabla's averaging
     *             mode (each epoch a fresh fit); mllib-epochs false skips MLlib's per-epoch fits; partitions 0 means one per core; mllib-iters N &gt; 0
     *             adds one MLlib fit of maxIter N and when Nabla's curve reached its accuracy
     * @throws IOException when the data cannot be read
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("rows", "60000");
        o.put("test-rows", "10000");
        o.put("epochs", "10");
        o.put("cores", "2");
        o.put("partitions", "0");
        o.put("hidden", "128");
        o.put("block", "256");
        o.put("step", "2e-3");
        o.put("activation", "relu");
        o.put("optimizer", "adam");
        o.put("seed", "42");
        o.put("backend", "best");
        o.put("data", "/usr/share/datasets/fashion-mnist");
        o.put("local-steps", "1");
        o.put("mllib-epochs", "true");
        o.put("mllib-iters", "0");
        for (int i = 0; i < args.length; i++) {
            String k = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!o.containsKey(k) || i + 1 == args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i] + "; options "
                        + o.keySet());
            }
            o.put(k, args[++i]);
        }
        int rows = Integer.parseInt(o.get("rows"));
        int testRows = Integer.parseInt(o.get("test-rows"));
        int epochs = Integer.parseInt(o.get("epochs"));
        int cores = Integer.parseInt(o.get("cores"));
        int partitions = Integer.parseInt(o.get("partitions")) > 0 ? Integer.parseInt(o.get("partitions")) : cores;
        int hidden = Integer.parseInt(o.get("hidden"));
        int block = Integer.parseInt(o.get("block"));
        double step = Double.parseDouble(o.get("step"));
        long seed = Long.parseLong(o.get("seed"));
        Path dir = Path.of(o.get("data"));
        int[] layers = {784, hidden, 10};
        int localSteps = Integer.parseInt(o.get("local-steps"));
        boolean mllibEpochs = Boolean.parseBoolean(o.get("mllib-epochs"));
        int mllibIters = Integer.parseInt(o.get("mllib-iters"));

        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("nabla vs mllib")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Path checkpoints = Files.createTempDirectory("nabla-compare-");
        try {
            Dataset<Row> train = fashion(spark, dir, "train", rows, partitions);
            Dataset<Row> test = fashion(spark, dir, "t10k", testRows, partitions);
            MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                    .setMetricName("accuracy");
            int perEpoch = (rows + block - 1) / block;
            System.out.printf(Locale.ROOT, "Fashion-MNIST: %d training rows in %d partitions, %d test rows; layers "
                            + "%d-%d-%d; local[%d]%n", rows, train.javaRDD().getNumPartitions(), testRows, layers[0],
                    layers[1], layers[2], cores);
            int roundsPerEpoch = (perEpoch + localSteps - 1) / localSteps;
            System.out.printf(Locale.ROOT, "nabla: %s, %s hidden, blockSize %d (%d steps per epoch), stepSize %s, "
                            + "backend %s; %s%n", o.get("optimizer"), o.get("activation"), block, perEpoch,
                    o.get("step"), o.get("backend"), localSteps == 1
                            ? "synchronous steps; time: sum of per-epoch fits, each resuming from the last checkpoint"
                            : "localSteps " + localSteps + " then averaging (" + roundsPerEpoch + " rounds per epoch);"
                            + " time: one fresh fit of maxIter = epoch's rounds (this mode has no checkpoints)");
            System.out.println("mllib: MultilayerPerceptronClassifier, l-bfgs, sigmoid hidden; time: one fit of "
                    + "maxIter = epoch");
            // untimed warm-up of both (class loading, JIT, Spark's first jobs), so that epoch 1 is not charged for it
            new NablaClassifier().setLayers(layers).setActivation(o.get("activation")).setOptimizer(o.get("optimizer"))
                    .setBlockSize(block).setStepSize(step).setSeed(seed).setBackend(o.get("backend")).setMaxIter(2)
                    .fit(train);
            new MultilayerPerceptronClassifier().setLayers(layers).setMaxIter(1).setSeed(seed).fit(train);
            System.out.printf("%5s | %14s | %14s | %14s | %14s%n", "epoch", "nabla time s", "nabla acc %",
                    "mllib time s", "mllib acc %");
            double nablaTime = 0;
            double[] nablaAccs = new double[epochs + 1];
            double[] nablaTimes = new double[epochs + 1];
            for (int e = 1; e <= epochs; e++) {
                NablaClassifier nabla = new NablaClassifier().setLayers(layers).setActivation(o.get("activation"))
                        .setOptimizer(o.get("optimizer")).setBlockSize(block).setStepSize(step).setSeed(seed)
                        .setBackend(o.get("backend"));
                if (localSteps == 1) {
                    nabla.setMaxIter(e * perEpoch).setCheckpointInterval(perEpoch)
                            .setCheckpointDir(checkpoints.toUri().toString());
                } else {
                    nabla.setLocalSteps(localSteps).setMaxIter(e * roundsPerEpoch);
                }
                long t0 = System.nanoTime();
                NablaClassificationModel nm = nabla.fit(train);
                double fitTime = (System.nanoTime() - t0) * 1e-9;
                nablaTime = localSteps == 1 ? nablaTime + fitTime : fitTime;
                double nablaAcc = accuracy.evaluate(nm.transform(test));
                nablaAccs[e] = nablaAcc;
                nablaTimes[e] = nablaTime;

                double mllibTime = Double.NaN;
                double mllibAcc = Double.NaN;
                if (mllibEpochs) {
                    MultilayerPerceptronClassifier mllib = new MultilayerPerceptronClassifier().setLayers(layers)
                            .setMaxIter(e).setSeed(seed);
                    t0 = System.nanoTime();
                    MultilayerPerceptronClassificationModel mm = mllib.fit(train);
                    mllibTime = (System.nanoTime() - t0) * 1e-9;
                    mllibAcc = accuracy.evaluate(mm.transform(test));
                }
                System.out.printf(Locale.ROOT, "%5d | %14.2f | %14.2f | %14.2f | %14.2f%n", e, nablaTime,
                        100 * nablaAcc, mllibTime, 100 * mllibAcc);
            }
            if (mllibIters > 0) {
                // MLlib at its own convergence (its default maxIter is 100), against the Nabla curve above
                MultilayerPerceptronClassifier mllib = new MultilayerPerceptronClassifier().setLayers(layers)
                        .setMaxIter(mllibIters).setSeed(seed);
                long t0 = System.nanoTime();
                MultilayerPerceptronClassificationModel mm = mllib.fit(train);
                double mllibTime = (System.nanoTime() - t0) * 1e-9;
                double mllibAcc = accuracy.evaluate(mm.transform(test));
                System.out.printf(Locale.ROOT, "mllib maxIter %d: %.2f s, %.2f%% (%d iterations taken)%n", mllibIters,
                        mllibTime, 100 * mllibAcc, mm.summary().totalIterations());
                int reached = 0;
                for (int e = 1; e <= epochs && reached == 0; e++) {
                    reached = nablaAccs[e] >= mllibAcc ? e : 0;
                }
                System.out.println(reached == 0
                        ? String.format(Locale.ROOT, "nabla: below %.2f%% after all %d epochs", 100 * mllibAcc, epochs)
                        : String.format(Locale.ROOT, "nabla: %.2f%% at epoch %d, after %.2f s (%.2f× MLlib's time)",
                        100 * nablaAccs[reached], reached, nablaTimes[reached], nablaTimes[reached] / mllibTime));
                double atSameTime = Double.NaN;
                for (int e = 1; e <= epochs; e++) {
                    if (nablaTimes[e] <= mllibTime) {
                        atSameTime = nablaAccs[e];
                    }
                }
                System.out.printf(Locale.ROOT, "nabla's accuracy within MLlib's %.2f s: %.2f%%%n", mllibTime,
                        100 * atSameTime);
            }
        } finally {
            try (var files = Files.walk(checkpoints)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            spark.stop();
        }
    }

    /**
     * The first {@code rows} examples of a split as a DataFrame (features: 784 pixels in [0, 1], label 0 … 9) in
     * {@code partitions} partitions, materialized and cut from its lineage ({@code localCheckpoint}).
     */
    private static Dataset<Row> fashion(SparkSession spark, Path dir, String split, int rows, int partitions)
            throws IOException {
        Backend cpu = Backends.get("cpu");
        List<Row> out = new ArrayList<>(rows);
        try (Scope scope = cpu.scope()) {
            float[] x = Idx.images(dir.resolve(split + "-images-idx3-ubyte.gz"), cpu).toFloatArray();
            int[] y = Idx.labels(dir.resolve(split + "-labels-idx1-ubyte.gz"), cpu).toIntArray();
            if (rows > y.length) {
                throw new IllegalArgumentException(split + " has " + y.length + " rows, fewer than " + rows);
            }
            for (int i = 0; i < rows; i++) {
                double[] f = new double[784];
                for (int j = 0; j < 784; j++) {
                    f[j] = x[i * 784 + j];
                }
                out.add(RowFactory.create(Vectors.dense(f), (double) y[i]));
            }
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(out, partitions), schema).localCheckpoint();
    }
}
