package dev.nabla.spark;

import dev.nabla.InvalidArgumentException;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.col;

/**
 * What {@link NablaClassifier} and {@link NablaRegressor} share: their params and {@code fit}, which trains by exact
 * synchronous data parallelism ({@link SyncTrainer}). Params named as {@code MultilayerPerceptronClassifier}'s mean
 * the same: layers, maxIter (optimizer steps, one global mini-batch each), blockSize (rows per global mini-batch),
 * stepSize (the learning rate), seed.
 *
 * @param <M> the model it fits
 * @param <E> the estimator itself (setters return it)
 */
public abstract class NablaEstimator<M extends NablaModel<M>, E extends NablaEstimator<M, E>> extends Estimator<M>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;

    /** The features column: vectors of layers[0] values. */
    public final Param<String> featuresCol;
    /** The label column: numeric. */
    public final Param<String> labelCol;
    /** The prediction column that the model adds. */
    public final Param<String> predictionCol;
    /** The widths [inputs, hidden…, outputs]. */
    public final IntArrayParam layers;
    /** The number of optimizer steps. */
    public final IntParam maxIter;
    /** The rows of one global mini-batch, over all partitions. */
    public final IntParam blockSize;
    /** The learning rate. */
    public final DoubleParam stepSize;
    /** The seed of the initial weights and of the batches' order. */
    public final LongParam seed;
    /** The hidden layers' activation: relu, sigmoid, tanh or identity. */
    public final Param<String> activation;
    /** The loss. */
    public final Param<String> loss;
    /** The optimizer: adam or sgd. */
    public final Param<String> optimizer;
    /**
     * The training precision: float32, or bf16/bfloat16 or fp16/float16 for mixed precision (float32 master weights
     * and optimizer state on the driver, 16-bit GEMM inputs and activations on the executors). At fp16 the driver
     * keeps the dynamic loss scale: executors scale by it, and a step whose summed gradient overflowed is skipped.
     */
    public final Param<String> precision;
    /** The backend of every executor (and of the driver's update): best, cpu, opencl, aparapi. */
    public final Param<String> backend;
    /** 1: exact synchronous steps; k &gt; 1: k local steps per partition, then parameter averaging. */
    public final IntParam localSteps;
    /** Write a checkpoint every this many iterations (&gt;= 1), or never (-1): Spark's HasCheckpointInterval. */
    public final IntParam checkpointInterval;
    /** Where checkpoints are written and {@code fit} resumes from: any Hadoop path; unset: no checkpoints. */
    public final Param<String> checkpointDir;

    /**
     * A new estimator with default params.
     *
     * @param uid its Spark ML uid
     * @param defaultLoss the loss unless set
     */
    protected NablaEstimator(String uid, String defaultLoss) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "features column name");
        labelCol = new Param<>(this, "labelCol", "label column name");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        layers = new IntArrayParam(this, "layers", "sizes of layers from input layer to output layer");
        maxIter = new IntParam(this, "maxIter", "number of optimizer steps (>= 1)");
        blockSize = new IntParam(this, "blockSize", "rows per global mini-batch, over all partitions (>= 1)");
        stepSize = new DoubleParam(this, "stepSize", "learning rate (> 0)");
        seed = new LongParam(this, "seed", "seed of the initial weights and of the batch order");
        activation = new Param<>(this, "activation", "hidden activation: relu, sigmoid, tanh, identity");
        loss = new Param<>(this, "loss", "loss: cross_entropy, mse, binary_cross_entropy");
        optimizer = new Param<>(this, "optimizer", "optimizer: adam, sgd");
        precision = new Param<>(this, "precision", "training precision: float32, bf16 (bfloat16) or fp16 "
                + "(float16) mixed precision");
        backend = new Param<>(this, "backend", "executor backend: best, cpu, opencl, aparapi");
        localSteps = new IntParam(this, "localSteps",
                "1: exact synchronous data parallelism; k > 1: k local steps per partition, then averaging");
        checkpointInterval = new IntParam(this, "checkpointInterval", "set checkpoint interval (>= 1) or disable "
                + "checkpoint (-1). E.g. 10 means that the fit will get checkpointed every 10 iterations. Note: this "
                + "setting will be ignored if checkpointDir is not set");
        checkpointDir = new Param<>(this, "checkpointDir", "directory (any Hadoop path) where fit writes its latest "
                + "checkpoint and from which it resumes; unset: no checkpoints");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(maxIter, 100);
        setDefault(blockSize, 128);
        setDefault(stepSize, 0.001);
        setDefault(seed, (long) getClass().getName().hashCode());
        setDefault(activation, "relu");
        setDefault(loss, defaultLoss);
        setDefault(optimizer, "adam");
        setDefault(precision, "float32");
        setDefault(backend, ExecutorBackends.BEST);
        setDefault(localSteps, 1);
        setDefault(checkpointInterval, 10);
    }

    @Override
    public String uid() {
        return uid;
    }

    @SuppressWarnings("unchecked")
    private E self() {
        return (E) this;
    }

    // ---- params: the accessors Spark's reflection finds, getters and setters -----------------------------------------

    /** @return the param */
    public Param<String> featuresCol() { return featuresCol; }
    /** @return the param */
    public Param<String> labelCol() { return labelCol; }
    /** @return the param */
    public Param<String> predictionCol() { return predictionCol; }
    /** @return the param */
    public IntArrayParam layers() { return layers; }
    /** @return the param */
    public IntParam maxIter() { return maxIter; }
    /** @return the param */
    public IntParam blockSize() { return blockSize; }
    /** @return the param */
    public DoubleParam stepSize() { return stepSize; }
    /** @return the param */
    public LongParam seed() { return seed; }
    /** @return the param */
    public Param<String> activation() { return activation; }
    /** @return the param */
    public Param<String> loss() { return loss; }
    /** @return the param */
    public Param<String> optimizer() { return optimizer; }
    /** @return the param */
    public Param<String> precision() { return precision; }
    /** @return the param */
    public Param<String> backend() { return backend; }
    /** @return the param */
    public IntParam localSteps() { return localSteps; }
    /** @return the param */
    public IntParam checkpointInterval() { return checkpointInterval; }
    /** @return the param */
    public Param<String> checkpointDir() { return checkpointDir; }

    /** @return the features column */
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    /** @return the label column */
    public String getLabelCol() { return getOrDefault(labelCol); }
    /** @return the prediction column */
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    /** @return the layer widths (a copy), or null when not set */
    public int[] getLayers() { return isDefined(layers) ? getOrDefault(layers).clone() : null; }
    /** @return the number of optimizer steps */
    public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
    /** @return the rows of a global mini-batch */
    public int getBlockSize() { return (Integer) getOrDefault(blockSize); }
    /** @return the learning rate */
    public double getStepSize() { return (Double) getOrDefault(stepSize); }
    /** @return the seed */
    public long getSeed() { return (Long) getOrDefault(seed); }
    /** @return the hidden activation */
    public String getActivation() { return getOrDefault(activation); }
    /** @return the loss */
    public String getLoss() { return getOrDefault(loss); }
    /** @return the optimizer */
    public String getOptimizer() { return getOrDefault(optimizer); }
    /** @return the precision */
    public String getPrecision() { return getOrDefault(precision); }
    /** @return the backend */
    public String getBackend() { return getOrDefault(backend); }
    /** @return the local steps between averages (1: synchronous) */
    public int getLocalSteps() { return (Integer) getOrDefault(localSteps); }
    /** @return the iterations between checkpoints (-1: none) */
    public int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval); }
    /** @return the checkpoint directory, or null when not set */
    public String getCheckpointDir() { return isDefined(checkpointDir) ? getOrDefault(checkpointDir) : null; }

    /** @param v the features column @return this */
    public E setFeaturesCol(String v) { set(featuresCol, v); return self(); }
    /** @param v the label column @return this */
    public E setLabelCol(String v) { set(labelCol, v); return self(); }
    /** @param v the prediction column @return this */
    public E setPredictionCol(String v) { set(predictionCol, v); return self(); }
    /** @param v the widths [inputs, hidden…, outputs] @return this */
    public E setLayers(int[] v) { set(layers, v.clone()); return self(); }
    /** @param v the number of optimizer steps @return this */
    public E setMaxIter(int v) { set(maxIter, v); return self(); }
    /** @param v the rows of a global mini-batch @return this */
    public E setBlockSize(int v) { set(blockSize, v); return self(); }
    /** @param v the learning rate @return this */
    public E setStepSize(double v) { set(stepSize, v); return self(); }
    /** @param v the seed @return this */
    public E setSeed(long v) { set(seed, v); return self(); }
    /** @param v relu, sigmoid, tanh or identity @return this */
    public E setActivation(String v) { set(activation, v); return self(); }
    /** @param v the loss @return this */
    public E setLoss(String v) { set(loss, v); return self(); }
    /** @param v adam or sgd @return this */
    public E setOptimizer(String v) { set(optimizer, v); return self(); }
    /** @param v float32, bf16, bfloat16, fp16 or float16 (case-insensitive) @return this */
    public E setPrecision(String v) { set(precision, v); return self(); }
    /** @param v best, cpu, opencl or aparapi @return this */
    public E setBackend(String v) { set(backend, v); return self(); }
    /** @param v 1 (exact synchronous steps) or k &gt; 1 (k local steps, then averaging) @return this */
    public E setLocalSteps(int v) { set(localSteps, v); return self(); }
    /** @param v the iterations between checkpoints (&gt;= 1), or -1 for none @return this */
    public E setCheckpointInterval(int v) { set(checkpointInterval, v); return self(); }
    /** @param v the checkpoint directory, any Hadoop path @return this */
    public E setCheckpointDir(String v) { set(checkpointDir, v); return self(); }

    // ---- fit ---------------------------------------------------------------------------------------------------------

    /**
     * The network this estimator trains, from its params; errors name {@code call}.
     *
     * @param call the user's call, for errors
     * @return the network's description
     */
    abstract NetworkSpec spec(String call);

    /**
     * How labels become targets.
     *
     * @param spec the network
     * @return the targets' rule
     */
    abstract Targets targets(NetworkSpec spec);

    /**
     * The model of trained weights, before params are copied to it.
     *
     * @param spec the network
     * @param weights W(0), b(0), …
     * @return a new model with this estimator's uid
     */
    abstract M newModel(NetworkSpec spec, float[][] weights);

    /**
     * The output schema: the input's, plus the prediction column (and the classifier's probability column).
     *
     * @param schema the input schema
     * @return the output schema
     */
    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireVector("fit", schema, getFeaturesCol());
        Schemas.requireNumeric("fit", schema, getLabelCol());
        return copyValues(newModel(spec("fit"), null), ParamMap.empty()).transformSchema(schema);
    }

    /**
     * Trains on {@code dataset} (see the class comment and docs/spark.md).
     *
     * @param dataset rows with the features and label columns
     * @return the trained model
     */
    @Override
    public M fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        NetworkSpec spec = spec("fit").withPrecision(NetworkSpec.precision("fit", getPrecision()));
        if (getMaxIter() < 1 || getBlockSize() < 1 || getLocalSteps() < 1 || !(getStepSize() > 0)
                || Double.isInfinite(getStepSize())) {
            throw new InvalidArgumentException("fit: maxIter (" + getMaxIter() + "), blockSize (" + getBlockSize()
                    + ") and localSteps (" + getLocalSteps() + ") must be at least 1 and stepSize (" + getStepSize()
                    + ") finite and > 0");
        }
        if (getCheckpointInterval() != -1 && getCheckpointInterval() < 1) {
            throw new InvalidArgumentException("fit: checkpointInterval (" + getCheckpointInterval() + ") must be at "
                    + "least 1, or -1 for no checkpoints");
        }
        if (getCheckpointDir() != null && getLocalSteps() > 1) {
            throw new InvalidArgumentException("fit: checkpoints (checkpointDir '" + getCheckpointDir() + "') need "
                    + "localSteps = 1, got " + getLocalSteps() + ": the averaging mode's optimizer states live on the "
                    + "executors, where no checkpoint reaches them");
        }
        SyncTrainer.Config config = new SyncTrainer.Config(getMaxIter(), getBlockSize(), getStepSize(),
                getOptimizer(), getSeed(), getBackend(), getLocalSteps(), getCheckpointInterval(), getCheckpointDir());
        SyncTrainer.optimizer(config).close();               // an unknown optimizer fails before any job runs
        Dataset<Row> rows = dataset.select(col(getFeaturesCol()), col(getLabelCol()).cast(DataTypes.DoubleType));
        SyncTrainer.Result result = SyncTrainer.fit(rows.javaRDD(), spec, targets(spec), getFeaturesCol(),
                getLabelCol(), config);
        M model = copyValues(newModel(spec, result.weights()), ParamMap.empty());
        model.setTrainedPrecision(spec.precision());
        model.setTrainingLosses(result.losses());
        return model.setParent(this);
    }

    @Override
    public E copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
