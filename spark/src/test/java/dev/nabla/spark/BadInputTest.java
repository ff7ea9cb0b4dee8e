package dev.nabla.spark;

import dev.nabla.BackendUnavailableException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.ShapeMismatchException;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gives a typed error naming the column, the row and partition or the executor, thrown by fit before or
 * instead of any training; never a skipped row. Each fit leaves no block behind.
 */
class BadInputTest {

    private static NablaClassifier classifier() {
        return new NablaClassifier().setLayers(new int[]{3, 4, 2}).setMaxIter(2).setBlockSize(8).setBackend("cpu");
    }

    private static <T extends NablaException> T fails(Class<T> type, Executable fit, String... mustName) {
        int live = BlockCache.size();
        T e = assertThrows(type, fit);
        for (String s : mustName) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' is not in: " + e.getMessage());
        }
        assertEquals(live, BlockCache.size(), "blocks left in the cache after a failed fit");
        return e;
    }

    /** 20 good rows in 2 partitions, with {@code bad} as row 13 (row 3 of partition 1). */
    private static Dataset<Row> withRow(Row bad) {
        List<Row> rows = new ArrayList<>(LocalSpark.rows(20, 3, 2, 41));
        rows.set(13, bad);
        return LocalSpark.frame(rows, 2, 0);
    }

    @Test
    void missingAndWronglyTypedColumns() {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(20, 3, 2, 40), 2, 0);
        fails(InvalidArgumentException.class, () -> classifier().setFeaturesCol("pixels").fit(df),
                "fit: no column 'pixels'", "features");
        fails(InvalidArgumentException.class, () -> classifier().fit(df.withColumn("features", lit(1.0))),
                "fit: column 'features' must be of type vector", "got double");
        fails(InvalidArgumentException.class, () -> classifier().fit(df.withColumn("label", lit("cat"))),
                "fit: column 'label' must be numeric, got string");
        fails(InvalidArgumentException.class, () -> classifier().fit(df.withColumn("prediction", col("label"))),
                "output column 'prediction' already exists");
    }

    @Test
    void badRowsAreNamedByColumnRowPartitionAndExecutor() {
        fails(ShapeMismatchException.class, () -> classifier().fit(withRow(RowFactory.create(Vectors.dense(1, 2), 0.0))),
                "column 'features' holds a vector of 2 values in row 3 of partition 1 (executor driver)",
                "layers starts with 3");
        fails(InvalidArgumentException.class,
                () -> classifier().fit(withRow(RowFactory.create(Vectors.dense(1, Double.NaN, 0), 0.0))),
                "column 'features' has NaN at index 1 in row 3 of partition 1");
        fails(InvalidArgumentException.class,
                () -> classifier().fit(withRow(RowFactory.create(Vectors.dense(1, 1e300, 0), 0.0))),
                "column 'features' has 1.0E300 at index 1", "outside float32's range");
        fails(InvalidArgumentException.class, () -> classifier().fit(withRow(RowFactory.create(Vectors.dense(1, 2, 3), 2.0))),
                "column 'label' is 2.0, not a class in 0 … 1", "row 3 of partition 1");
        fails(InvalidArgumentException.class, () -> classifier().fit(withRow(RowFactory.create(Vectors.dense(1, 2, 3), 0.5))),
                "column 'label' is 0.5");
        fails(InvalidArgumentException.class, () -> new NablaRegressor().setLayers(new int[]{3, 1}).setBackend("cpu")
                        .fit(withRow(RowFactory.create(Vectors.dense(1, 2, 3), Double.POSITIVE_INFINITY))),
                "column 'label' is Infinity in row 3 of partition 1");
    }

    @Test
    void emptyDataset() {
        fails(InvalidArgumentException.class, () -> classifier().fit(LocalSpark.frame(List.of(), 2, 1)),
                "fit: the dataset has no rows (3 partitions, all empty)");
    }

    @Test
    void unknownBackendNamesTheExecutor() {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(20, 3, 2, 42), 2, 0);
        fails(BackendUnavailableException.class, () -> classifier().setBackend("tpu").fit(df),
                "fit: backend 'tpu' is unavailable on executor driver", "no backend named 'tpu'");
    }

    @Test
    void unsupportedSettings() {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(20, 3, 2, 42), 2, 0);
        fails(InvalidArgumentException.class, () -> classifier().setPrecision("float8").fit(df),
                "fit: precision 'float8' is not one of float32, bf16, bfloat16, fp16, float16 (case-insensitive)");
        fails(InvalidArgumentException.class, () -> classifier().setPrecision(null).fit(df),
                "fit: precision 'null' is not one of float32, bf16, bfloat16, fp16, float16");
        fails(InvalidArgumentException.class, () -> new NablaClassifier().fit(df), "fit: layers must name");
        fails(InvalidArgumentException.class, () -> classifier().setOptimizer("lbfgs").fit(df),
                "fit: optimizer 'lbfgs' is not one of adam, sgd");
        fails(InvalidArgumentException.class, () -> classifier().setMaxIter(0).fit(df), "maxIter (0)");
        fails(InvalidArgumentException.class,
                () -> new NablaRegressor().setLayers(new int[]{3, 2}).setBackend("cpu").fit(df),
                "the regressor predicts one value, so layers must end with 1");
        fails(InvalidArgumentException.class, () -> classifier().setActivation("gelu").fit(df),
                "activation 'gelu' is not one of");
    }

    @Test
    void transformNamesTheBadRow() {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(20, 3, 2, 43), 2, 0);
        NablaClassificationModel model = classifier().fit(df);
        Exception e = assertThrows(Exception.class,
                () -> model.transform(withRow(RowFactory.create(Vectors.dense(1, 2), 0.0))).collectAsList());
        assertTrue(String.valueOf(e.getMessage()).contains(
                "transform: column 'features' holds a vector of 2 values in row 3 of partition 1"), e.getMessage());
    }
}
