package dev.nabla.spark;

import dev.nabla.DType;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * What the classification and regression models share: the network's description and its trained weights, a
 * {@code transform} that runs the network on each executor's backend over blocks of rows, and saving (Spark ML
 * metadata plus the weights as safetensors).
 *
 * @param <M> the model itself
 */
public abstract class NablaModel<M extends NablaModel<M>> extends Model<M> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    final NetworkSpec spec;
    final float[][] weights;
    private double[] trainingLosses = new double[0];

    /** The features column: vectors of layers[0] values. */
    public final Param<String> featuresCol;
    /** The prediction column that transform adds. */
    public final Param<String> predictionCol;
    /** The backend transform runs on in each executor: best, cpu, opencl, aparapi. */
    public final Param<String> backend;
    /**
     * The precision the network was trained in: float32, bfloat16 or float16 (saved with the model). Either way the model's
     * weights are the float32 master weights and transform runs in float32.
     */
    public final Param<String> precision;

    NablaModel(String uid, NetworkSpec spec, float[][] weights) {
        this.uid = uid;
        this.spec = spec;
        this.weights = weights;
        featuresCol = new Param<>(this, "featuresCol", "features column name");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        backend = new Param<>(this, "backend", "executor backend: best, cpu, opencl, aparapi");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        precision = new Param<>(this, "precision", "the training precision: float32, bfloat16 or float16; transform runs in "
                + "float32 from the float32 master weights");
        setDefault(backend, ExecutorBackends.BEST);
        setDefault(precision, "float32");                    // also what a model saved before this param was
    }

    @Override
    public String uid() {
        return uid;
    }

    @SuppressWarnings("unchecked")
    private M self() {
        return (M) this;
    }

    /** @return the param */
    public Param<String> featuresCol() { return featuresCol; }
    /** @return the param */
    public Param<String> predictionCol() { return predictionCol; }
    /** @return the param */
    public Param<String> backend() { return backend; }
    /** @return the features column */
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    /** @return the prediction column */
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    /** @return the backend */
    public String getBackend() { return getOrDefault(backend); }
    /** @return the param */
    public Param<String> precision() { return precision; }
    /** @return the precision the network was trained in: float32, bfloat16 or float16 */
    public String getPrecision() { return getOrDefault(precision); }
    /** @param v the features column @return this */
    public M setFeaturesCol(String v) { set(featuresCol, v); return self(); }
    /** @param v the prediction column @return this */
    public M setPredictionCol(String v) { set(predictionCol, v); return self(); }
    /** @param v best, cpu, opencl or aparapi @return this */
    public M setBackend(String v) { set(backend, v); return self(); }

    /**
     * The layer widths, inputs first.
     *
     * @return a copy of the widths
     */
    public int[] layerSizes() {
        return spec.layers().clone();
    }

    /**
     * W of layer {@code layer} (inputs × outputs, row-major).
     *
     * @param layer 0-based
     * @return a copy of the weights
     */
    public float[] weights(int layer) {
        return weights[2 * layer].clone();
    }

    /**
     * b of layer {@code layer}.
     *
     * @param layer 0-based
     * @return a copy of the biases
     */
    public float[] biases(int layer) {
        return weights[2 * layer + 1].clone();
    }

    /**
     * The mean loss of each iteration's global mini-batch, before its step (empty for a loaded model).
     *
     * @return a copy of the losses
     */
    public double[] trainingLosses() {
        return trainingLosses.clone();
    }

    void setTrainingLosses(double[] losses) {
        trainingLosses = losses.clone();
    }

    /** Records the precision {@code fit} trained in, by its canonical name (not as the estimator's param spells it). */
    void setTrainedPrecision(DType p) {
        set(precision, NetworkSpec.precisionName(p));
    }

    /**
     * The columns this model adds after the prediction column's checks.
     *
     * @return the fields to append, prediction first
     */
    abstract List<StructField> outputFields();

    /**
     * The values of {@link #outputFields()} from one row of network outputs, as a function executors run.
     *
     * @return the function
     */
    abstract Predictor.Outputs outputs();

    /**
     * A model of this class with another uid, spec and weights (for copy and load).
     *
     * @param uid the uid
     * @param spec the network
     * @param weights W(0), b(0), …
     * @return a new model
     */
    abstract M create(String uid, NetworkSpec spec, float[][] weights);

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireVector("transform", schema, getFeaturesCol());
        StructType out = schema;
        for (StructField f : outputFields()) {
            out = Schemas.append("transform", out, f);
        }
        return out;
    }

    /**
     * Adds the output columns: the network runs on each executor's backend over blocks of rows.
     *
     * @param dataset rows with the features column
     * @return the rows with the output columns appended
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Predictor predictor = new Predictor(spec, weights, dataset.schema().fieldIndex(getFeaturesCol()),
                getFeaturesCol(), getBackend(), outputs());
        return dataset.sparkSession().createDataFrame(dataset.toDF().javaRDD().mapPartitions(predictor::run), out);
    }

    @Override
    public M copy(ParamMap extra) {
        M copy = copyValues(create(uid, spec, weights), extra);
        copy.setTrainingLosses(trainingLosses);
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelWriter(this);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(uid=" + uid + ", " + spec.withPrecision(DType.FLOAT32) + ", trained in "
                + getPrecision() + ")";
    }
}
