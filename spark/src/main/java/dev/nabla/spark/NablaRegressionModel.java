package dev.nabla.spark;

import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/**
 * A trained {@link NablaRegressor}: transform adds the network's output as the prediction. Saved with
 * {@code write().save(path)}, read with {@link #load}.
 */
public final class NablaRegressionModel extends NablaModel<NablaRegressionModel> {
    private static final long serialVersionUID = 1L;

    NablaRegressionModel(String uid, NetworkSpec spec, float[][] weights) {
        super(uid, spec, weights);
    }

    @Override
    List<StructField> outputFields() {
        return List.of(DataTypes.createStructField(getPredictionCol(), DataTypes.DoubleType, false));
    }

    @Override
    Predictor.Outputs outputs() {
        return NablaRegressionModel::value;
    }

    static Object[] value(float[] out) {
        return new Object[]{(double) out[0]};
    }

    @Override
    NablaRegressionModel create(String uid, NetworkSpec spec, float[][] weights) {
        return new NablaRegressionModel(uid, spec, weights);
    }

    /**
     * Reads a model that {@code write().save(path)} wrote.
     *
     * @return the reader
     */
    public static MLReader<NablaRegressionModel> read() {
        return new ModelReader<>(NablaRegressionModel.class, NablaRegressionModel::new);
    }

    /**
     * {@code read().load(path)}.
     *
     * @param path the directory
     * @return the model
     */
    public static NablaRegressionModel load(String path) {
        return read().load(path);
    }
}
