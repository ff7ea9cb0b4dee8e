package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.Scope;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.io.Idx;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README's "On Apache Spark" example, verbatim but for the asserts and the model's directory: if this breaks, the
 * README is wrong. It needs the dataset (scripts/setup.sh installs it; on CI a missing dataset fails the test).
 */
@ExtendWith(NoSkipOnCi.class)
class ReadmeSparkExampleTest {
    @TempDir
    Path tmp;

    @Test
    void classifierOnAFashionMnistSubset() throws Exception {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed in "
                + dir + " (apt-get install dataset-fashion-mnist)");
        String modelDir = tmp.resolve("fashion-model").toString();

        SparkSession spark = SparkSession.builder().master("local[2]").getOrCreate();
        Dataset<Row> train = fashion(spark, dir, "train", 6000);     // features: 784 pixels in [0, 1]; label: 0 … 9
        Dataset<Row> test = fashion(spark, dir, "t10k", 2000);

        NablaClassifier clf = new NablaClassifier()
                .setLayers(new int[]{784, 128, 10})                   // named as MultilayerPerceptronClassifier's
                .setBlockSize(256).setMaxIter(120).setStepSize(2e-3).setSeed(42);   // Adam; best backend per executor
        NablaClassificationModel model = clf.fit(train);
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        System.out.printf("test accuracy %.2f%%%n", 100 * accuracy.evaluate(model.transform(test)));

        model.write().overwrite().save(modelDir);                     // Spark ML metadata + data/weights.safetensors
        NablaClassificationModel again = NablaClassificationModel.load(modelDir);

        double before = accuracy.evaluate(model.transform(test));
        assertTrue(before > 0.75, "test accuracy " + before + " after 120 steps of 256 rows");
        assertEquals(before, accuracy.evaluate(again.transform(test)), 0.0, "the loaded model's accuracy");
    }

    /**
     * The first {@code rows} examples of a Fashion-MNIST split as a DataFrame (features, label). A DataFrame made from
     * a local list carries its rows in its lineage, which every iteration's job would ship to the executors again;
     * {@code localCheckpoint()} cuts the lineage, as reading the data from files does.
     */
    static Dataset<Row> fashion(SparkSession spark, Path dir, String split, int rows) throws IOException {
        Backend cpu = Backends.get("cpu");
        try (Scope scope = cpu.scope()) {
            float[] x = Idx.images(dir.resolve(split + "-images-idx3-ubyte.gz"), cpu).toFloatArray();
            int[] y = Idx.labels(dir.resolve(split + "-labels-idx1-ubyte.gz"), cpu).toIntArray();
            List<Row> out = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                double[] f = new double[784];
                for (int j = 0; j < 784; j++) {
                    f[j] = x[i * 784 + j];
                }
                out.add(RowFactory.create(Vectors.dense(f), (double) y[i]));
            }
            StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label",
                    DataTypes.DoubleType);
            return spark.createDataFrame(out, schema).localCheckpoint();
        }
    }
}
