package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Shape;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Exact synchronous data-parallel training (docs/spark.md). Per iteration t:
 * <ol>
 *   <li>the driver draws the global batch ({@link GlobalBatches}) and splits its rows over the partitions;</li>
 *   <li>it broadcasts the current weights θ_t;</li>
 *   <li>every partition p, on its executor's backend, computes n_p·L_p and n_p·∂L_p/∂θ over its share of the batch
 *       from its cached block ({@link PartitionStep});</li>
 *   <li>{@link OrderedGradientSum} adds them in float64, in a fixed order (a tree of treeAggregate's shape, but
 *       never in the order the tasks finish), so that every run is the same bits; divided by n = Σ n_p they are the
 *       batch's mean loss and gradient, ∂L/∂θ = Σ_p (n_p/n)·∂L_p/∂θ, the single-machine gradient up to the order
 *       of the sums;</li>
 *   <li>the driver's network takes one optimizer step with them ({@link Network#applyGradients}): one optimizer
 *       state, on the driver, exactly as single-machine training keeps it.</li>
 * </ol>
 * With {@code checkpointDir} set, a checkpoint ({@link Checkpoints}) follows every {@code checkpointInterval}-th
 * iteration, and a fit starts from the directory's latest checkpoint when there is one.
 */
final class SyncTrainer {
    private SyncTrainer() {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyncTrainer.class);

    /**
     * The hyper-parameters of one fit.
     *
     * @param checkpointInterval write a checkpoint every this many iterations; -1: never
     * @param checkpointDir where checkpoints are written and resumed from; null: no checkpoints, no resume
     */
    record Config(int maxIter, int blockSize, double stepSize, String optimizer, long seed, String backend,
                  int localSteps, int checkpointInterval, String checkpointDir) {

        /** Without checkpoints. */
        Config(int maxIter, int blockSize, double stepSize, String optimizer, long seed, String backend,
               int localSteps) {
            this(maxIter, blockSize, stepSize, optimizer, seed, backend, localSteps, -1, null);
        }
    }

    /** The trained weights and the global batch's loss before each step. */
    record Result(float[][] weights, double[] losses) {
    }

    /**
     * Trains on {@code rows} (features vector, label as double, in that order).
     *
     * @param rows the training rows; persisted for the fit's duration, so that a rebuilt block reads the same rows
     */
    static Result fit(JavaRDD<Row> rows, NetworkSpec spec, Targets targets, String featuresCol, String labelCol,
                      Config config) {
        String fitId = java.util.UUID.randomUUID().toString();
        FitPlan plan = new FitPlan(fitId, spec, targets, featuresCol, labelCol, config.backend(), config.seed(),
                config.optimizer(), config.stepSize());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.context());
        boolean persistHere = rows.getStorageLevel().equals(StorageLevel.NONE());
        if (persistHere) {
            rows.persist(StorageLevel.MEMORY_AND_DISK());
        }
        Exception failure = null;
        try {
            // a checkpoint that cannot be resumed from fails here, before any job
            Checkpoints checkpoints = config.checkpointDir() == null ? null
                    : new Checkpoints("fit", config.checkpointDir(), rows.context().hadoopConfiguration());
            Checkpoints.Checkpoint resume = checkpoints == null ? null : checkpoints.latest();
            if (resume != null) {
                checkpoints.checkParams(resume, Checkpoints.params(spec, config), config.maxIter());
            }
            long[] offsets = prepare(rows, plan);
            long n = offsets[offsets.length - 1];
            if (n == 0) {
                throw new InvalidArgumentException("fit: the dataset has no rows (" + (offsets.length - 1)
                        + " partitions, all empty)");
            }
            if (resume != null) {
                checkpoints.checkRows(resume, offsets);
            }
            return config.localSteps() > 1 ? LocalStepsAveraging.iterate(jsc, rows, plan, config, offsets)
                    : iterate(jsc, rows, plan, config, offsets, checkpoints, resume);
        } catch (Exception e) {                               // SparkException is checked, and thrown unchecked
            failure = executorError(e);
            throw SyncTrainer.<RuntimeException>sneaky(failure);
        } finally {
            try {
                release(rows, fitId);
            } catch (RuntimeException e) {                  // the fit's own error is the one to report
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            } finally {
                if (persistHere) {
                    rows.unpersist(false);
                }
            }
        }
    }

    /**
     * The Nabla error an executor threw (bad data, an unavailable backend), which Spark wraps in a SparkException
     * that names the stage and task: the user's error comes first, Spark's report stays attached as suppressed.
     */
    private static Exception executorError(Exception e) {
        if (e instanceof dev.nabla.NablaException) {
            return e;
        }
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof dev.nabla.NablaException n) {
                n.addSuppressed(e);
                return n;
            }
        }
        return e;
    }

    /** Rethrows {@code e} as it is: Spark's Scala code throws checked exceptions from methods that declare none. */
    @SuppressWarnings("unchecked")
    private static <T extends Exception> T sneaky(Exception e) throws T {
        throw (T) e;
    }

    /** Builds every partition's block (one job) and returns the partitions' row offsets, offsets[P] = N. */
    private static long[] prepare(JavaRDD<Row> rows, FitPlan plan) {
        List<long[]> counts = new ArrayList<>(rows.mapPartitionsWithIndex((p, it) -> {
            PartitionBlock b = BlockCache.get(plan, p, it);
            return Collections.singletonList(new long[]{p, b.rows}).iterator();
        }, true).collect());
        long[] offsets = new long[rows.getNumPartitions() + 1];
        for (long[] c : counts) {
            offsets[(int) c[0] + 1] = c[1];
        }
        for (int p = 0; p < offsets.length - 1; p++) {
            offsets[p + 1] += offsets[p];
        }
        return offsets;
    }

    /**
     * The synchronous iterations; from {@code resume}'s iteration when there is one (its weights, optimizer state and
     * losses restored), writing a checkpoint after every {@code checkpointInterval}-th iteration when
     * {@code checkpoints} is not null.
     */
    private static Result iterate(JavaSparkContext jsc, JavaRDD<Row> rows, FitPlan plan, Config config,
                                  long[] offsets, Checkpoints checkpoints, Checkpoints.Checkpoint resume) {
        NetworkSpec spec = plan.spec();
        Backend driverBackend = ExecutorBackends.resolve("fit", config.backend());
        List<Shape> shapes = new ArrayList<>();
        for (int l = 0; l < spec.depth(); l++) {
            shapes.add(new Shape(spec.layers()[l], spec.layers()[l + 1]));
        }
        GlobalBatches batches = new GlobalBatches(offsets[offsets.length - 1], config.blockSize(), config.seed());
        double[] losses = new double[config.maxIter()];
        try (Network net = spec.build(driverBackend, config.seed());
             Optimizer optimizer = optimizer(config)) {
            int start = 0;
            if (resume != null) {
                checkpoints.restore(resume, net, optimizer);
                start = (int) resume.iteration();
                System.arraycopy(resume.losses(), 0, losses, 0, start);
                LOG.info("fit: resuming from checkpoint {} at iteration {} of {}", resume.path(), start,
                        config.maxIter());
            }
            float[][] weights = TrainedWeights.of(net);
            for (int t = start; t < config.maxIter(); t++) {
                int[][] local = GlobalBatches.split(batches.batch(t), offsets);
                Broadcast<float[][]> bw = jsc.broadcast(weights);
                double scale = net.precisionStats().lossScale();   // float16: every replica scales δ(L) by the driver's S
                GradientSum sum;
                try {
                    sum = OrderedGradientSum.of(rows.mapPartitionsWithIndex((p, it) -> Collections.singletonList(
                            PartitionStep.run(plan, p, it, bw.value(), scale, local[p])).iterator(), true));
                } finally {
                    bw.destroy();
                }
                net.applyGradients(mean(sum, shapes), optimizer);
                losses[t] = sum.loss / sum.rows;
                weights = TrainedWeights.of(net);
                int every = config.checkpointInterval();
                if (checkpoints != null && every > 0 && (t + 1) % every == 0) {
                    String path = checkpoints.write(new Checkpoints.Checkpoint(t + 1,
                            Checkpoints.params(spec, config), Checkpoints.partitionRows(offsets), weights,
                            net.optimizerState(optimizer),
                            spec.precision() == DType.FLOAT16 ? net.lossScalerState() : null,
                            java.util.Arrays.copyOf(losses, t + 1), null));
                    LOG.info("fit: checkpoint {} written after iteration {} of {}", path, t + 1, config.maxIter());
                }
            }
            return new Result(weights, losses);
        }
    }

    private static Gradients mean(GradientSum sum, List<Shape> shapes) {
        List<double[]> dW = new ArrayList<>();
        List<double[]> db = new ArrayList<>();
        double inv = 1.0 / sum.rows;
        for (int l = 0; l < shapes.size(); l++) {
            dW.add(times(sum.dW[l], inv));
            db.add(times(sum.db[l], inv));
        }
        return Gradients.of(sum.loss * inv, dW, db, shapes);
    }

    private static double[] times(double[] a, double s) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * s;
        }
        return out;
    }

    static Optimizer optimizer(Config config) {
        return optimizer(config.optimizer(), config.stepSize());
    }

    static Optimizer optimizer(String name, double stepSize) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "adam": return Optimizers.adam(stepSize);
            case "sgd": return Optimizers.sgd(stepSize);
            default:
                throw new InvalidArgumentException("fit: optimizer '" + name + "' is not one of adam, sgd");
        }
    }

    /** Closes the fit's blocks: on every executor a release task reaches, and in this JVM (local mode). */
    private static void release(JavaRDD<Row> rows, String fitId) {
        try {
            rows.mapPartitions(it -> {
                BlockCache.release(fitId);
                return Collections.<Integer>emptyIterator();
            }, true).count();
        } finally {
            BlockCache.release(fitId);
        }
    }
}
