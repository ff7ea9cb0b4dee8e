package dev.nabla.spark;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/**
 * A trained {@link NablaClassifier}: transform adds the predicted class (the first class of highest probability, as a
 * double) and the softmax probabilities. Saved with {@code write().save(path)}, read with {@link #load}.
 */
public final class NablaClassificationModel extends NablaModel<NablaClassificationModel> {
    private static final long serialVersionUID = 1L;

    /** The column of class probabilities transform adds. */
    public final Param<String> probabilityCol;

    NablaClassificationModel(String uid, NetworkSpec spec, float[][] weights) {
        super(uid, spec, weights);
        probabilityCol = new Param<>(this, "probabilityCol", "column of class probabilities");
        setDefault(probabilityCol, "probability");
    }

    /** @return the param */
    public Param<String> probabilityCol() { return probabilityCol; }
    /** @return the probability column */
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    /** @param v the probability column @return this */
    public NablaClassificationModel setProbabilityCol(String v) { set(probabilityCol, v); return this; }

    /**
     * The number of classes, layers[last].
     *
     * @return the number of classes
     */
    public int numClasses() {
        return spec.outputs();
    }

    @Override
    List<StructField> outputFields() {
        return List.of(DataTypes.createStructField(getPredictionCol(), DataTypes.DoubleType, false),
                DataTypes.createStructField(getProbabilityCol(), SQLDataTypes.VectorType(), false));
    }

    @Override
    Predictor.Outputs outputs() {
        return NablaClassificationModel::classAndProbabilities;
    }

    static Object[] classAndProbabilities(float[] out) {
        int best = 0;
        double[] p = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            p[i] = out[i];
            if (out[i] > out[best]) {
                best = i;
            }
        }
        return new Object[]{(double) best, Vectors.dense(p)};
    }

    @Override
    NablaClassificationModel create(String uid, NetworkSpec spec, float[][] weights) {
        return new NablaClassificationModel(uid, spec, weights);
    }

    /**
     * Reads a model that {@code write().save(path)} wrote.
     *
     * @return the reader
     */
    public static MLReader<NablaClassificationModel> read() {
        return new ModelReader<>(NablaClassificationModel.class, NablaClassificationModel::new);
    }

    /**
     * {@code read().load(path)}.
     *
     * @param path the directory
     * @return the model
     */
    public static NablaClassificationModel load(String path) {
        return read().load(path);
    }
}
