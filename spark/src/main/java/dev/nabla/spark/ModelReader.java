package dev.nabla.spark;

import dev.nabla.Backends;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Network;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader.Metadata;
import org.apache.spark.ml.util.MLReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads what {@link ModelWriter} saved: the params from {@code metadata/}, the architecture and weights from
 * {@code data/weights.safetensors} (checked by {@code Network.load}).
 *
 * @param <M> the model class
 */
final class ModelReader<M extends NablaModel<M>> extends MLReader<M> {
    /** Makes a model of the class being read. */
    interface Factory<M> {
        M create(String uid, NetworkSpec spec, float[][] weights);
    }

    private final Class<M> type;
    private final Factory<M> factory;

    ModelReader(Class<M> type, Factory<M> factory) {
        this.type = type;
        this.factory = factory;
    }

    @Override
    public M load(String path) {
        Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
        Path tmp = null;
        try {
            tmp = Files.createTempFile("nabla-model-", ".safetensors");
            org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(path, ModelWriter.WEIGHTS);
            FileSystem fs = src.getFileSystem(sc().hadoopConfiguration());
            fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(tmp.toUri()), true);
            M model;
            try (Network net = Network.load(tmp, Backends.get("cpu"))) {
                int depth = net.layers().size();
                int[] layers = new int[depth + 1];
                layers[0] = net.inputSize();
                for (int l = 0; l < depth; l++) {
                    layers[l + 1] = net.layers().get(l).outputs();
                }
                Activation hidden = depth > 1 ? net.layers().get(0).activation() : Activation.RELU;
                NetworkSpec spec = new NetworkSpec(layers, hidden, net.layers().get(depth - 1).activation(),
                        net.loss());
                model = factory.create(metadata.uid(), spec, TrainedWeights.of(net));
            }
            metadata.getAndSetParams(model, scala.Option.apply(null));
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("load: cannot read " + path + "/" + ModelWriter.WEIGHTS + ": "
                    + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file left behind is not the user's error
                }
            }
        }
    }
}
