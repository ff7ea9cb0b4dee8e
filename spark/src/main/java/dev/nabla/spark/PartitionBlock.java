package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.InvalidArgumentException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.util.Arrays;
import java.util.Iterator;

/**
 * One partition's training rows on its executor's device, built once per fit: the features as one dense n × inputs
 * FLOAT32 tensor, the targets as n × outputs, and a replica network whose weights each iteration overwrites with the
 * broadcast ones. Each iteration gathers its batch rows on the device ({@code gatherRows}); nothing is converted again.
 */
final class PartitionBlock implements AutoCloseable {
    final int partition;
    final int rows;
    final Backend backend;
    final Tensor features;
    final Tensor targets;
    final Network replica;
    /** The averaging mode's optimizer of this replica (its state lives as long as the block), or null. */
    Optimizer local;
    /** The averaging mode's batches within this partition, or null. */
    GlobalBatches localBatches;

    private PartitionBlock(int partition, int rows, Backend backend, Tensor features, Tensor targets, Network replica) {
        this.partition = partition;
        this.rows = rows;
        this.backend = backend;
        this.features = features;
        this.targets = targets;
        this.replica = replica;
    }

    /**
     * Reads every row of {@code it} (features vector first, label second), checks it, and uploads the block. A row that
     * does not fit is an {@link InvalidArgumentException} naming the column, the row within the partition, the
     * partition and the executor: nothing is skipped.
     */
    static PartitionBlock build(FitPlan plan, int partition, Iterator<Row> it) {
        int inputs = plan.spec().inputs();
        int width = plan.targets().width();
        float[] x = new float[Math.max(16, inputs) * 64];
        float[] t = new float[width * 64];
        int n = 0;
        while (it.hasNext()) {
            Row row = it.next();
            if ((long) (n + 1) * inputs > Integer.MAX_VALUE - 8 || (long) (n + 1) * width > Integer.MAX_VALUE - 8) {
                throw new InvalidArgumentException("fit: partition " + partition + " holds more than " + n
                        + " rows of " + inputs + " features, more than one array can hold on executor "
                        + ExecutorBackends.executorId() + "; repartition the data into more partitions");
            }
            if ((n + 1) * inputs > x.length) {
                x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) x.length * 2, (long) (n + 1) * inputs)));
            }
            if ((n + 1) * width > t.length) {
                t = Arrays.copyOf(t, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) t.length * 2, (long) (n + 1) * width)));
            }
            readRow(plan, partition, n, row, x, t);
            n++;
        }
        Backend backend = ExecutorBackends.resolve("fit", plan.backend());
        if (n == 0) {
            return new PartitionBlock(partition, 0, backend, null, null, null);
        }
        Tensor xs = null;
        Tensor ts = null;
        Network replica = null;
        try {
            xs = backend.fromArray(Arrays.copyOf(x, n * inputs), n, inputs).detach();
            ts = backend.fromArray(Arrays.copyOf(t, n * width), n, width).detach();
            replica = plan.spec().build(backend, plan.seed());
            return new PartitionBlock(partition, n, backend, xs, ts, replica);
        } catch (RuntimeException | Error e) {           // nothing stays allocated on the device
            if (xs != null) {
                xs.close();
            }
            if (ts != null) {
                ts.close();
            }
            throw e;
        }
    }

    private static void readRow(FitPlan plan, int partition, int n, Row row, float[] x, float[] t) {
        int inputs = plan.spec().inputs();
        Object f = row.get(0);
        if (!(f instanceof Vector v)) {
            throw new InvalidArgumentException("fit: column '" + plan.featuresCol() + "' is "
                    + (f == null ? "null" : "a " + f.getClass().getSimpleName()) + " in " + where(partition, n));
        }
        if (v.size() != inputs) {
            throw new ShapeMismatchException("fit: column '" + plan.featuresCol() + "' holds a vector of " + v.size()
                    + " values in " + where(partition, n) + ", but layers starts with " + inputs);
        }
        int base = n * inputs;
        for (int j = 0; j < inputs; j++) {                  // sparse vectors: apply() reads the implicit zeros
            double d = v.apply(j);
            float value = (float) d;
            if (!Float.isFinite(value)) {
                throw new InvalidArgumentException("fit: column '" + plan.featuresCol() + "' has " + d + " at index "
                        + j + " in " + where(partition, n) + (Double.isFinite(d) ? ", outside float32's range" : ""));
            }
            x[base + j] = value;
        }
        if (row.isNullAt(1)) {
            throw new InvalidArgumentException("fit: column '" + plan.labelCol() + "' is null in " + where(partition, n));
        }
        int width = plan.targets().width();
        Arrays.fill(t, n * width, (n + 1) * width, 0f);
        String wrong = plan.targets().write(row.getDouble(1), t, n * width);
        if (wrong != null) {
            throw new InvalidArgumentException("fit: column '" + plan.labelCol() + "' " + wrong + " in "
                    + where(partition, n));
        }
    }

    private static String where(int partition, int row) {
        return "row " + row + " of partition " + partition + " (executor " + ExecutorBackends.executorId() + ")";
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
        if (replica != null) {
            replica.close();
        }
        if (features != null) {
            features.close();
        }
        if (targets != null) {
            targets.close();
        }
    }
}
