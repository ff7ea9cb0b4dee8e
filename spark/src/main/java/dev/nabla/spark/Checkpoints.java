package dev.nabla.spark;

import dev.nabla.DType;
import dev.nabla.NablaException;
import dev.nabla.io.HostTensor;
import dev.nabla.io.Safetensors;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints of a fit in {@code checkpointDir}, any Hadoop path, read and written through the
 * {@link FileSystem} of the session's Hadoop configuration. One checkpoint is one safetensors file,
 * {@code checkpoint-<iteration, 10 digits>.safetensors}, holding everything an exact resume needs:
 * <pre>
 * dense.L.weight      F32 [inputs, outputs]   W(L) after {@code iteration} steps (the model's layout)
 * dense.L.bias        F32 [outputs]           b(L)
 * optimizer.&lt;key&gt;     the driver optimizer's state, Network.optimizerState's keys (Adam's moments and step count)
 * loss_scaler.scale, loss_scaler.growth_tracker   F64 [1] each, precision float16 only: the driver network's loss
 *                     scaler (Network.lossScalerState)
 * training_losses     F64 [iteration]          the global batch's loss before each step so far
 * __metadata__        nabla.checkpoint.format, .iteration, .partitionRows (the rows of each partition), and
 *                     param.&lt;name&gt; for every param a resume must share (layers, activation, output, loss,
 *                     optimizer, stepSize, seed, blockSize, precision)
 * </pre>
 * The batch sampler ({@link GlobalBatches}) needs no state of its own: iteration t's batch is a pure function of the
 * seed, blockSize, the row count and t, all recorded. A checkpoint is written to a temporary name in the directory
 * ({@code _checkpoint-….tmp-<uuid>}) and renamed into place; then the older checkpoints are deleted, so the directory
 * keeps the latest one only.
 */
final class Checkpoints {
    static final String FORMAT = "nabla-spark-checkpoint-v1";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{10})\\.safetensors");
    private static final String OPTIMIZER = "optimizer.";
    private static final String LOSS_SCALER = "loss_scaler.";
    private static final String LOSSES = "training_losses";
    private static final String PARAM = "param.";

    private final String call;
    private final Path dir;
    private final FileSystem fs;

    /**
     * A checkpoint's content; {@code lossScaler} is the driver network's loss scaler state at precision float16, else
     * null; {@code path} is where it was read from (null before it is written).
     */
    record Checkpoint(long iteration, Map<String, String> params, long[] partitionRows, float[][] weights,
                      Map<String, HostTensor> optimizer, Map<String, Double> lossScaler, double[] losses,
                      String path) {
    }

    /**
     * @param call the user's call, for errors
     * @param dir the checkpointDir param
     * @param conf the session's Hadoop configuration
     */
    Checkpoints(String call, String dir, Configuration conf) {
        this.call = call;
        try {
            this.dir = new Path(dir);
            this.fs = this.dir.getFileSystem(conf);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(call + ": checkpointDir '" + dir + "' is not a path Hadoop's file system "
                    + "can reach: " + e.getMessage(), e);
        }
    }

    /** The params a resumed fit must share with the one that wrote the checkpoint, as the metadata records them. */
    static Map<String, String> params(NetworkSpec spec, SyncTrainer.Config config) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("layers", Arrays.toString(spec.layers()));
        p.put("activation", spec.hidden().name());
        p.put("output", spec.output().name());
        p.put("loss", spec.loss().name());
        p.put("optimizer", config.optimizer().toLowerCase(Locale.ROOT));
        p.put("stepSize", Double.toString(config.stepSize()));
        p.put("seed", Long.toString(config.seed()));
        p.put("blockSize", Integer.toString(config.blockSize()));
        p.put("precision", NetworkSpec.precisionName(spec.precision()));
        return p;
    }

    /** The rows of each partition, from the partitions' row offsets (offsets[P] = N). */
    static long[] partitionRows(long[] offsets) {
        long[] rows = new long[offsets.length - 1];
        for (int p = 0; p < rows.length; p++) {
            rows[p] = offsets[p + 1] - offsets[p];
        }
        return rows;
    }

    /** The file name of the checkpoint after {@code iteration} steps. */
    static String name(long iteration) {
        return String.format(Locale.ROOT, "checkpoint-%010d.safetensors", iteration);
    }

    /**
     * The latest checkpoint in the directory, read and checked for completeness, or null when there is none (no
     * directory, or no checkpoint file in it).
     */
    Checkpoint latest() {
        FileStatus best = null;
        long bestIteration = -1;
        try {
            if (!fs.exists(dir)) {
                return null;
            }
            for (FileStatus s : fs.listStatus(dir)) {
                Matcher m = NAME.matcher(s.getPath().getName());
                if (s.isFile() && m.matches() && Long.parseLong(m.group(1)) > bestIteration) {
                    best = s;
                    bestIteration = Long.parseLong(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(call + ": cannot list checkpointDir " + dir + ": " + e.getMessage(), e);
        }
        return best == null ? null : read(best.getPath(), bestIteration);
    }

    private Checkpoint read(Path file, long iteration) {
        java.nio.file.Path local = null;
        try {
            local = Files.createTempFile("nabla-checkpoint-", ".safetensors");
            try (FSDataInputStream in = fs.open(file)) {
                Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
            }
            return parse(file, iteration, Safetensors.readMetadata(local), Safetensors.read(local));
        } catch (IOException e) {
            throw new CheckpointException(call + ": cannot read checkpoint " + file + ": " + e.getMessage(), e);
        } catch (NablaException e) {                    // not safetensors, truncated, a bad header
            if (e instanceof CheckpointException) {
                throw e;
            }
            throw corrupt(file, e.getMessage(), e);
        } finally {
            deleteQuietly(local);
        }
    }

    private Checkpoint parse(Path file, long iteration, Map<String, String> meta, Map<String, HostTensor> tensors) {
        if (!FORMAT.equals(meta.get("nabla.checkpoint.format"))) {
            throw corrupt(file, "its metadata nabla.checkpoint.format is " + quoted(meta.get("nabla.checkpoint.format"))
                    + ", not \"" + FORMAT + "\"", null);
        }
        if (!Long.toString(iteration).equals(meta.get("nabla.checkpoint.iteration"))) {
            throw corrupt(file, "its name says iteration " + iteration + " but its metadata says "
                    + quoted(meta.get("nabla.checkpoint.iteration")), null);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey().startsWith(PARAM)) {
                params.put(e.getKey().substring(PARAM.length()), e.getValue());
            }
        }
        long[] partitionRows;
        try {
            partitionRows = Arrays.stream(meta.getOrDefault("nabla.checkpoint.partitionRows", "").split(","))
                    .mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw corrupt(file, "its metadata nabla.checkpoint.partitionRows is "
                    + quoted(meta.get("nabla.checkpoint.partitionRows")) + ", not a list of row counts", e);
        }
        List<float[]> weights = new ArrayList<>();
        for (int l = 0; tensors.containsKey("dense." + l + ".weight"); l++) {
            HostTensor w = tensors.get("dense." + l + ".weight");
            HostTensor b = tensors.get("dense." + l + ".bias");
            if (w.dtype() != DType.FLOAT32 || b == null || b.dtype() != DType.FLOAT32) {
                throw corrupt(file, "dense." + l + ".weight and dense." + l + ".bias must both be F32", null);
            }
            weights.add(w.floats());
            weights.add(b.floats());
        }
        HostTensor losses = tensors.get(LOSSES);
        if (weights.isEmpty() || losses == null || losses.dtype() != DType.FLOAT64 || losses.size() != iteration) {
            throw corrupt(file, "it needs dense.0.weight, … and " + LOSSES + " (F64, one loss per iteration, "
                    + iteration + "); it has " + tensors.keySet(), null);
        }
        Map<String, HostTensor> optimizer = new LinkedHashMap<>();
        Map<String, Double> lossScaler = null;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER)) {
                optimizer.put(e.getKey().substring(OPTIMIZER.length()), e.getValue());
            } else if (e.getKey().startsWith(LOSS_SCALER)) {
                HostTensor v = e.getValue();
                if (v.dtype() != DType.FLOAT64 || v.size() != 1) {
                    throw corrupt(file, e.getKey() + " must be one F64 value", null);
                }
                lossScaler = lossScaler == null ? new LinkedHashMap<>() : lossScaler;
                lossScaler.put(e.getKey().substring(LOSS_SCALER.length()), v.doubles()[0]);
            }
        }
        return new Checkpoint(iteration, params, partitionRows, weights.toArray(new float[0][]), optimizer,
                lossScaler, losses.doubles(), file.toString());
    }

    /**
     * Throws unless the checkpoint was written by a fit with the same {@code params} and lies within
     * {@code maxIter} iterations: one error naming every param that differs.
     */
    void checkParams(Checkpoint c, Map<String, String> params, int maxIter) {
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String saved = c.params().get(e.getKey());
            if (!e.getValue().equals(saved)) {
                differ.add(e.getKey() + " " + (saved == null ? "(not recorded)" : saved) + " (this estimator: "
                        + e.getValue() + ")");
            }
        }
        if (!differ.isEmpty()) {
            throw new CheckpointException(call + ": checkpoint " + c.path() + " was written by a fit with other params: "
                    + String.join(", ", differ) + "; resume with the checkpoint's params, or give an empty "
                    + "checkpointDir to start afresh");
        }
        if (c.iteration() > maxIter) {
            throw new CheckpointException(call + ": checkpoint " + c.path() + " holds " + c.iteration()
                    + " iterations, more than maxIter " + maxIter + "; raise maxIter to at least " + c.iteration()
                    + ", or give an empty checkpointDir to start afresh");
        }
    }

    /**
     * Puts the checkpoint's weights into {@code net} and its optimizer state into {@code optimizer} (fresh); a
     * checkpoint whose tensors do not fit them (its params matched, so its file is inconsistent) is corrupt.
     */
    void restore(Checkpoint c, Network net, Optimizer optimizer) {
        Path file = new Path(c.path());
        if (c.weights().length != 2 * net.layers().size()) {
            throw corrupt(file, "it holds " + c.weights().length / 2 + " layers of weights but its layers param has "
                    + net.layers().size(), null);
        }
        if ((net.precision() == DType.FLOAT16) != (c.lossScaler() != null)) {
            throw corrupt(file, net.precision() == DType.FLOAT16 ? "it has no loss_scaler.* state, which a float16 "
                    + "fit resumes from" : "it has a loss_scaler.* state, but the fit's precision is not float16", null);
        }
        try {
            TrainedWeights.set(net, c.weights());
            net.loadOptimizerState(optimizer, c.optimizer());
            if (c.lossScaler() != null) {
                net.loadLossScalerState(c.lossScaler());
            }
        } catch (NablaException e) {
            throw corrupt(file, e.getMessage(), e);
        }
    }

    /** Throws unless the training rows lie in partitions of the sizes the checkpoint's fit had (same batches). */
    void checkRows(Checkpoint c, long[] offsets) {
        long[] rows = partitionRows(offsets);
        if (!Arrays.equals(rows, c.partitionRows())) {
            throw new CheckpointException(call + ": checkpoint " + c.path() + " was written by a fit over "
                    + Arrays.stream(c.partitionRows()).sum() + " rows in partitions of " + Arrays.toString(
                    c.partitionRows()) + " rows, but this dataset has " + offsets[offsets.length - 1] + " rows in "
                    + "partitions of " + Arrays.toString(rows) + ": the same iterations would take other batches; "
                    + "resume on the same data, partitioned the same way, or give an empty checkpointDir");
        }
    }

    /**
     * Writes {@code c} as {@code checkpoint-<iteration>.safetensors}: to a temporary name first, renamed into place,
     * then deletes every other checkpoint of the directory (the latest one only is kept).
     *
     * @return the checkpoint's path
     */
    String write(Checkpoint c) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (int l = 0; l < c.weights().length / 2; l++) {
            float[] w = c.weights()[2 * l];
            float[] b = c.weights()[2 * l + 1];
            tensors.put("dense." + l + ".weight", HostTensor.of(w, w.length / b.length, b.length));
            tensors.put("dense." + l + ".bias", HostTensor.of(b, b.length));
        }
        for (Map.Entry<String, HostTensor> e : c.optimizer().entrySet()) {
            tensors.put(OPTIMIZER + e.getKey(), e.getValue());
        }
        if (c.lossScaler() != null) {
            for (Map.Entry<String, Double> e : c.lossScaler().entrySet()) {
                tensors.put(LOSS_SCALER + e.getKey(), HostTensor.of(new double[]{e.getValue()}, 1));
            }
        }
        tensors.put(LOSSES, HostTensor.of(c.losses(), c.losses().length));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("nabla.checkpoint.format", FORMAT);
        meta.put("nabla.checkpoint.iteration", Long.toString(c.iteration()));
        meta.put("nabla.checkpoint.partitionRows", Arrays.stream(c.partitionRows()).mapToObj(Long::toString)
                .reduce((a, b) -> a + "," + b).orElse(""));
        for (Map.Entry<String, String> e : c.params().entrySet()) {
            meta.put(PARAM + e.getKey(), e.getValue());
        }
        Path target = new Path(dir, name(c.iteration()));
        Path tmp = new Path(dir, "_" + name(c.iteration()) + ".tmp-" + UUID.randomUUID());
        java.nio.file.Path local = null;
        try {
            local = Files.createTempFile("nabla-checkpoint-", ".safetensors");
            Safetensors.write(local, tensors, meta);
            fs.mkdirs(dir);
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                Files.copy(local, out);
            }
            if (fs.exists(target)) {                   // an earlier fit's checkpoint of the same iteration
                fs.delete(target, false);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("renaming " + tmp + " to " + target + " failed");
            }
            for (FileStatus s : fs.listStatus(dir)) {
                Matcher m = NAME.matcher(s.getPath().getName());
                if (s.isFile() && m.matches() && Long.parseLong(m.group(1)) != c.iteration()) {
                    fs.delete(s.getPath(), false);
                }
            }
            return target.toString();
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CheckpointException(call + ": cannot write checkpoint " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(local);
        }
    }

    private CheckpointException corrupt(Path file, String why, Throwable cause) {
        return new CheckpointException(call + ": checkpoint " + file + " is corrupt or not a nabla-spark checkpoint: "
                + why + "; delete it (or give an empty checkpointDir) to start afresh", cause);
    }

    private static String quoted(String s) {
        return s == null ? "missing" : "\"" + s + "\"";
    }

    private static void deleteQuietly(java.nio.file.Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {          // a temporary file; the OS's temp cleanup takes it
            }
        }
    }
}
