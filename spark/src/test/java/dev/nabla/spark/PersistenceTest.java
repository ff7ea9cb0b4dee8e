package dev.nabla.spark;

import dev.nabla.io.Safetensors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Models, estimators and pipelines saved with MLWritable and read back with MLReadable: same params, same outputs. */
class PersistenceTest {
    @TempDir
    Path dir;

    @Test
    void classificationModelRoundTripsWithItsWeightsAsSafetensors() throws Exception {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(120, 4, 3, 31), 2, 0);
        NablaClassificationModel model = new NablaClassifier().setLayers(new int[]{4, 8, 3}).setMaxIter(5)
                .setBlockSize(40).setSeed(4).setBackend("cpu").setPredictionCol("cls").fit(df);
        String path = dir.resolve("clf").toString();
        model.write().save(path);
        Map<String, ?> tensors = Safetensors.read(dir.resolve("clf").resolve(ModelWriter.WEIGHTS));
        assertEquals(List.of("dense.0.weight", "dense.0.bias", "dense.1.weight", "dense.1.bias"),
                List.copyOf(tensors.keySet()), "the tensors of data/weights.safetensors");
        NablaClassificationModel back = NablaClassificationModel.load(path);
        assertEquals(model.uid(), back.uid());
        assertEquals("cls", back.getPredictionCol());
        assertEquals(model.spec, back.spec);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(model.weights(l), back.weights(l), "W" + l);
            assertArrayEquals(model.biases(l), back.biases(l), "b" + l);
        }
        assertEquals(model.transform(df).select("cls", "probability").collectAsList(),
                back.transform(df).select("cls", "probability").collectAsList());
    }

    @Test
    void pipelineWithScalerAndRegressorRoundTrips() throws Exception {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(100, 3, 0, 32), 2, 0);
        StandardScaler scaler = new StandardScaler().setInputCol("features").setOutputCol("scaled");
        NablaRegressor reg = new NablaRegressor().setLayers(new int[]{3, 6, 1}).setFeaturesCol("scaled")
                .setMaxIter(5).setBlockSize(30).setBackend("cpu");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{scaler, reg});
        pipeline.write().save(dir.resolve("pipeline").toString());
        Pipeline pipelineBack = Pipeline.load(dir.resolve("pipeline").toString());
        NablaRegressor regBack = (NablaRegressor) pipelineBack.getStages()[1];
        assertEquals("scaled", regBack.getFeaturesCol());
        assertArrayEquals(new int[]{3, 6, 1}, regBack.getLayers());
        assertEquals(5, regBack.getMaxIter());

        PipelineModel fitted = pipeline.fit(df);
        fitted.write().save(dir.resolve("model").toString());
        PipelineModel back = PipelineModel.load(dir.resolve("model").toString());
        assertEquals(fitted.transform(df).select("prediction").collectAsList(),
                back.transform(df).select("prediction").collectAsList());
    }
}
