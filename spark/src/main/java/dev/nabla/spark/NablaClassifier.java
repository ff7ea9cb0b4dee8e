package dev.nabla.spark;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

/**
 * A Spark ML classifier that trains a Nabla network (Dense layers, softmax output over layers[last] classes,
 * cross-entropy by default) by exact synchronous data parallelism over the dataset's partitions (docs/spark.md).
 *
 * <pre>{@code
 * NablaClassifier clf = new NablaClassifier().setLayers(new int[]{784, 256, 10}).setMaxIter(500).setBlockSize(256);
 * NablaClassificationModel model = clf.fit(train);        // features: vectors of 784; label: 0 … 9
 * model.transform(test).select("prediction", "probability").show();
 * }</pre>
 */
public final class NablaClassifier extends NablaEstimator<NablaClassificationModel, NablaClassifier> {
    private static final long serialVersionUID = 1L;

    /** The column of class probabilities (the softmax output) the model adds. */
    public final Param<String> probabilityCol;

    /** A classifier with default params and a random uid; {@code layers} must be set before fit. */
    public NablaClassifier() {
        this(Identifiable$.MODULE$.randomUID("nablaClassifier"));
    }

    /**
     * A classifier with default params.
     *
     * @param uid its Spark ML uid
     */
    public NablaClassifier(String uid) {
        super(uid, "cross_entropy");
        probabilityCol = new Param<>(this, "probabilityCol", "column of class probabilities");
        setDefault(probabilityCol, "probability");
    }

    /** @return the param */
    public Param<String> probabilityCol() { return probabilityCol; }
    /** @return the probability column */
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    /** @param v the probability column @return this */
    public NablaClassifier setProbabilityCol(String v) { set(probabilityCol, v); return this; }

    @Override
    NetworkSpec spec(String call) {
        return NetworkSpec.classifier(call, getLayers(), getActivation(), getLoss());
    }

    @Override
    Targets targets(NetworkSpec spec) {
        return Targets.oneHot(spec.outputs());
    }

    @Override
    NablaClassificationModel newModel(NetworkSpec spec, float[][] weights) {
        return new NablaClassificationModel(uid(), spec, weights);
    }

    /**
     * Reads a classifier that {@code write().save(path)} wrote.
     *
     * @return the reader
     */
    public static MLReader<NablaClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * {@code read().load(path)}.
     *
     * @param path the directory
     * @return the classifier
     */
    public static NablaClassifier load(String path) {
        return read().load(path);
    }
}
