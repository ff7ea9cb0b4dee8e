package dev.nabla.spark;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.ml.functions.vector_to_array;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classifier and the regressor learn in local[2], alone and inside a Pipeline. */
class SmokeTest {

    @Test
    void classifierLearnsSeparableClassesInLocal2() {
        List<Row> rows = LocalSpark.rows(600, 4, 3, 1);
        Dataset<Row> train = LocalSpark.frame(rows, 2, 0);
        NablaClassificationModel model = new NablaClassifier().setLayers(new int[]{4, 16, 3}).setMaxIter(150)
                .setBlockSize(64).setStepSize(0.01).setSeed(3).setBackend("cpu").fit(train);
        Dataset<Row> out = model.transform(LocalSpark.frame(LocalSpark.rows(300, 4, 3, 2), 2, 0));
        long right = out.filter(col("prediction").equalTo(col("label"))).count();
        assertEquals(300, out.count());
        assertTrue(right >= 0.9 * 300, "test accuracy " + right + "/300 after 150 steps");
        double[] losses = model.trainingLosses();
        assertEquals(150, losses.length);
        assertTrue(losses[149] < 0.5 * losses[0], "loss " + losses[0] + " -> " + losses[149]);
        Row first = out.select(vector_to_array(col("probability"), "float64")).first();
        double sum = 0;
        for (Object p : first.getList(0)) {
            sum += (Double) p;
        }
        assertEquals(1.0, sum, 1e-5, "softmax probabilities of the first row");
    }

    @Test
    void regressorInsideAPipelineWithAVectorAssembler() {
        List<Row> rows = LocalSpark.rows(400, 3, 0, 5);
        Dataset<Row> raw = LocalSpark.frame(rows, 2, 0)
                .select(vector_to_array(col("features"), "float64").getItem(0).as("a"),
                        vector_to_array(col("features"), "float64").getItem(1).as("b"),
                        vector_to_array(col("features"), "float64").getItem(2).as("c"), col("label"));
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[]{"a", "b", "c"})
                .setOutputCol("features");
        NablaRegressor reg = new NablaRegressor().setLayers(new int[]{3, 16, 1}).setActivation("tanh")
                .setMaxIter(200).setBlockSize(50).setStepSize(0.01).setSeed(9).setBackend("cpu");
        PipelineModel model = new Pipeline().setStages(new PipelineStage[]{assembler, reg}).fit(raw);
        Dataset<Row> out = model.transform(raw);
        double mse = out.select(col("prediction").minus(col("label")).multiply(col("prediction").minus(col("label"))))
                .javaRDD().map(r -> r.getDouble(0)).reduce(Double::sum) / 400;
        double variance = out.select(col("label")).javaRDD().map(r -> r.getDouble(0)).collect().stream()
                .mapToDouble(Double::doubleValue).map(v -> v * v).average().orElse(0);
        assertTrue(mse < 0.1 * variance, "mse " + mse + " against E[label²] " + variance);
    }
}
