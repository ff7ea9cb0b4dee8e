package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.InvalidArgumentException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.nn.Network;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A model's transform on one partition: the network is built once per task on the executor's backend, rows are read
 * in blocks of {@value #BLOCK}, each block is one forward pass, and each row comes out with the output columns
 * appended. The network is closed when the task ends.
 */
final class Predictor implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int BLOCK = 1024;

    /** The output columns' values from one row of network outputs. */
    interface Outputs extends Serializable {
        /**
         * @param out the network's outputs for one row
         * @return one value per output column
         */
        Object[] apply(float[] out);
    }

    private final NetworkSpec spec;
    private final float[][] weights;
    private final int featuresIndex;
    private final String featuresCol;
    private final String backend;
    private final Outputs outputs;

    Predictor(NetworkSpec spec, float[][] weights, int featuresIndex, String featuresCol, String backend,
              Outputs outputs) {
        this.spec = spec;
        this.weights = weights;
        this.featuresIndex = featuresIndex;
        this.featuresCol = featuresCol;
        this.backend = backend;
        this.outputs = outputs;
    }

    Iterator<Row> run(Iterator<Row> rows) {
        Backend b = ExecutorBackends.resolve("transform", backend);
        Network net = spec.buildFloat32(b, 0);      // float32 inference from the master weights
        TaskContext ctx = TaskContext.get();
        if (ctx != null) {
            ctx.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) c -> net.close());
        }
        TrainedWeights.set(net, weights);
        return new Iterator<>() {
            private final List<Row> in = new ArrayList<>(BLOCK);
            private final List<Row> out = new ArrayList<>(BLOCK);
            private int next;
            private long seen;

            @Override
            public boolean hasNext() {
                if (next < out.size()) {
                    return true;
                }
                fill();
                return next < out.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return out.get(next++);
            }

            private void fill() {
                in.clear();
                out.clear();
                next = 0;
                while (in.size() < BLOCK && rows.hasNext()) {
                    in.add(rows.next());
                }
                if (in.isEmpty()) {
                    net.close();
                    return;
                }
                int inputs = spec.inputs();
                float[] x = new float[in.size() * inputs];
                for (int r = 0; r < in.size(); r++) {
                    read(in.get(r), seen + r, x, r * inputs);
                }
                float[] y;
                try (Tensor xs = b.fromArray(x, in.size(), inputs); Tensor ys = net.forward(xs)) {
                    y = ys.toFloatArray();
                }
                int outputsPerRow = spec.outputs();
                for (int r = 0; r < in.size(); r++) {
                    float[] row = new float[outputsPerRow];
                    System.arraycopy(y, r * outputsPerRow, row, 0, outputsPerRow);
                    Row src = in.get(r);
                    Object[] extra = outputs.apply(row);
                    Object[] values = new Object[src.length() + extra.length];
                    for (int c = 0; c < src.length(); c++) {
                        values[c] = src.get(c);
                    }
                    System.arraycopy(extra, 0, values, src.length(), extra.length);
                    out.add(RowFactory.create(values));
                }
                seen += in.size();
            }
        };
    }

    private void read(Row row, long index, float[] x, int offset) {
        Object f = row.get(featuresIndex);
        String where = "row " + index + " of partition " + TaskContext.getPartitionId() + " (executor "
                + ExecutorBackends.executorId() + ")";
        if (!(f instanceof Vector v)) {
            throw new InvalidArgumentException("transform: column '" + featuresCol + "' is "
                    + (f == null ? "null" : "a " + f.getClass().getSimpleName()) + " in " + where);
        }
        if (v.size() != spec.inputs()) {
            throw new ShapeMismatchException("transform: column '" + featuresCol + "' holds a vector of " + v.size()
                    + " values in " + where + ", but the model's layers start with " + spec.inputs());
        }
        for (int j = 0; j < spec.inputs(); j++) {
            double d = v.apply(j);
            float value = (float) d;
            if (!Float.isFinite(value)) {
                throw new InvalidArgumentException("transform: column '" + featuresCol + "' has " + d + " at index "
                        + j + " in " + where);
            }
            x[offset + j] = value;
        }
    }
}
