package dev.nabla.spark;

import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

/**
 * A Spark ML regressor that trains a Nabla network (Dense layers, one identity output, mean squared error) by exact
 * synchronous data parallelism over the dataset's partitions (docs/spark.md).
 *
 * <pre>{@code
 * NablaRegressor reg = new NablaRegressor().setLayers(new int[]{13, 32, 1}).setMaxIter(300);
 * NablaRegressionModel model = reg.fit(train);            // features: vectors of 13; label: any finite number
 * model.transform(test).select("prediction").show();
 * }</pre>
 */
public final class NablaRegressor extends NablaEstimator<NablaRegressionModel, NablaRegressor> {
    private static final long serialVersionUID = 1L;

    /** A regressor with default params and a random uid; {@code layers} must be set before fit. */
    public NablaRegressor() {
        this(Identifiable$.MODULE$.randomUID("nablaRegressor"));
    }

    /**
     * A regressor with default params.
     *
     * @param uid its Spark ML uid
     */
    public NablaRegressor(String uid) {
        super(uid, "mse");
    }

    @Override
    NetworkSpec spec(String call) {
        return NetworkSpec.regressor(call, getLayers(), getActivation(), getLoss());
    }

    @Override
    Targets targets(NetworkSpec spec) {
        return Targets.value();
    }

    @Override
    NablaRegressionModel newModel(NetworkSpec spec, float[][] weights) {
        return new NablaRegressionModel(uid(), spec, weights);
    }

    /**
     * Reads a regressor that {@code write().save(path)} wrote.
     *
     * @return the reader
     */
    public static MLReader<NablaRegressor> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * {@code read().load(path)}.
     *
     * @param path the directory
     * @return the regressor
     */
    public static NablaRegressor load(String path) {
        return read().load(path);
    }
}
