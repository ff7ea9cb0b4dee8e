package dev.nabla.spark;

import dev.nabla.Backends;
import dev.nabla.io.Safetensors;
import dev.nabla.nn.Network;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves a {@link NablaModel} under a directory of any Hadoop file system: {@code metadata/} (Spark ML's params JSON,
 * what {@code Pipeline} and {@code PipelineModel} read) and {@code data/weights.safetensors} (the network's
 * architecture and FLOAT32 weights, as {@link Safetensors#save} writes them; readable by Hugging Face's safetensors).
 */
final class ModelWriter extends MLWriter {
    /** Where the weights go, under the model's directory. */
    static final String WEIGHTS = "data/weights.safetensors";

    private final NablaModel<?> model;

    ModelWriter(NablaModel<?> model) {
        this.model = model;
    }

    @Override
    public void saveImpl(String path) {
        DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
        Path tmp = null;
        try {
            tmp = Files.createTempFile("nabla-model-", ".safetensors");
            try (Network net = model.spec.buildFloat32(Backends.get("cpu"), 0)) {
                TrainedWeights.set(net, model.weights);
                Safetensors.save(net, tmp);
            }
            org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(path, WEIGHTS);
            FileSystem fs = dst.getFileSystem(sc().hadoopConfiguration());
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(tmp.toUri()), dst);
        } catch (IOException e) {
            throw new UncheckedIOException("save: cannot write " + path + "/" + WEIGHTS + ": " + e.getMessage(), e);
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
