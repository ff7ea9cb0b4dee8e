package dev.nabla.spark;

import dev.nabla.Backends;
import dev.nabla.InvalidArgumentException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints (docs/spark.md): in local[2], a fit of maxIter = 10 with checkpointInterval = 3 that is interrupted
 * (a fit of maxIter = 6 writes checkpoints after iterations 3 and 6, then a fit of maxIter = 10 resumes from the one
 * after 6) gives the weights and per-step losses of an uninterrupted maxIter = 10 fit bit for bit. Bit for bit, not
 * under the tolerance rule: the partitions' gradient sums are added in a fixed order ({@link OrderedGradientSum}),
 * not in the order the tasks finish, so this holds over any number of partitions (2, 3 and 12 below: 12 goes through
 * the grouped tree); the driver's update runs on the cpu backend in FLOAT32, whose stored values are the whole
 * state. A checkpoint written by other
 * params, over other partitions, past maxIter or corrupt is refused with a {@link CheckpointException}; no block is
 * left after any fit.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CheckpointResumeTest {
    private static final int ROWS = 200;
    private static final int BLOCK = 32;                    // 7 batches per epoch: the resume crosses an epoch

    @TempDir
    Path tmp;

    private static Dataset<Row> data(int partitions) {
        return LocalSpark.frame(LocalSpark.rows(ROWS, 5, 3, 31), partitions, 0);
    }

    private static NablaClassifier classifier(int maxIter) {
        return new NablaClassifier().setLayers(new int[]{5, 8, 3}).setActivation("tanh").setOptimizer("adam")
                .setStepSize(0.02).setMaxIter(maxIter).setBlockSize(BLOCK).setSeed(21).setBackend("cpu");
    }

    private static NablaClassificationModel fit(NablaClassifier clf, Dataset<Row> df) {
        int blocks = BlockCache.size();
        long live = Backends.get("cpu").stats().liveTensors();
        try {
            return clf.fit(df);
        } finally {
            assertEquals(blocks, BlockCache.size(), "blocks left in the cache after the fit");
            assertEquals(live, Backends.get("cpu").stats().liveTensors(), "cpu tensors left after the fit");
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    private Checkpoints checkpoints(Path dir) {
        return new Checkpoints("test", dir.toUri().toString(), LocalSpark.get().sparkContext().hadoopConfiguration());
    }

    /**
     * Over 3 and 12 partitions, where a sum's rounding depends on the order of the partitions' gradients: a fit of 7
     * iterations interrupted after its checkpoint at 4 ends on the bits of an uninterrupted one.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 12})
    void overMorePartitionsTooAnInterruptedFitResumesBitForBit(int partitions) {
        Dataset<Row> df = data(partitions);
        NablaClassificationModel straight = fit(classifier(7), df);
        String uri = tmp.resolve("checkpoints-" + partitions).toUri().toString();
        fit(classifier(4).setCheckpointInterval(4).setCheckpointDir(uri), df);
        NablaClassificationModel resumed = fit(classifier(7).setCheckpointDir(uri), df);
        assertArrayEquals(straight.trainingLosses(), resumed.trainingLosses(), "loss per step, bit for bit");
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(straight.weights(l), resumed.weights(l), "W" + l + " after resuming, bit for bit");
            assertArrayEquals(straight.biases(l), resumed.biases(l), "b" + l + " after resuming, bit for bit");
        }
    }

    @Test
    void anInterruptedFitResumesBitForBit() throws IOException {
        Dataset<Row> df = data(2);
        NablaClassificationModel straight = fit(classifier(10), df);

        Path dir = tmp.resolve("checkpoints");
        String uri = dir.toUri().toString();
        NablaClassificationModel first = fit(classifier(6).setCheckpointInterval(3).setCheckpointDir(uri), df);
        assertEquals(List.of("checkpoint-0000000006.safetensors"), files(dir), "the latest checkpoint only");
        Checkpoints.Checkpoint c = checkpoints(dir).latest();
        assertEquals(6, c.iteration());
        assertEquals(6.0, c.optimizer().get("state.W0.step").doubles()[0], "Adam's step count");
        assertEquals("[100, 100]", java.util.Arrays.toString(c.partitionRows()));
        assertArrayEquals(first.trainingLosses(), c.losses());
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(first.weights(l), c.weights()[2 * l], "W" + l + " in the checkpoint");
        }

        // mark the checkpoint's first loss: the resumed model's losses show they came from it, not from a fresh run
        double[] marked = c.losses().clone();
        marked[0] = 1234.5;
        checkpoints(dir).write(new Checkpoints.Checkpoint(c.iteration(), c.params(), c.partitionRows(), c.weights(),
                c.optimizer(), c.lossScaler(), marked, null));

        NablaClassificationModel resumed = fit(classifier(10).setCheckpointInterval(3).setCheckpointDir(uri), df);
        assertEquals(List.of("checkpoint-0000000009.safetensors"), files(dir), "the latest checkpoint only");
        assertEquals(1234.5, resumed.trainingLosses()[0], "the losses before iteration 6 are the checkpoint's");
        double[] expected = straight.trainingLosses().clone();
        expected[0] = 1234.5;
        assertArrayEquals(expected, resumed.trainingLosses(), "loss per step, bit for bit");
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(straight.weights(l), resumed.weights(l), "W" + l + " after resuming, bit for bit");
            assertArrayEquals(straight.biases(l), resumed.biases(l), "b" + l + " after resuming, bit for bit");
        }

        // a checkpoint at maxIter: nothing left to do, the checkpoint's weights
        NablaClassificationModel done = fit(classifier(9).setCheckpointDir(uri), df);
        assertArrayEquals(checkpoints(dir).latest().weights()[0], done.weights(0));
    }

    /**
     * FLOAT16 with overflows: labels near 1000 overflow the scaled gradients of the first steps, so the driver skips
     * them and halves S. An interrupted fit resumes with the checkpoint's loss scale and growth tracker, and ends bit
     * for bit where the uninterrupted fit ends: the same losses (skipped steps included), weights and scale.
     */
    @Test
    void anInterruptedFloat16FitResumesWithItsLossScaleBitForBit() throws IOException {
        List<Row> rows = new java.util.ArrayList<>();
        for (Row r : LocalSpark.rows(ROWS, 5, 3, 17)) {
            rows.add(org.apache.spark.sql.RowFactory.create(r.get(0), 1000 + r.getDouble(1)));
        }
        Dataset<Row> df = LocalSpark.frame(rows, 2, 1);
        java.util.function.IntFunction<NablaRegressor> regressor = maxIter -> new NablaRegressor()
                .setLayers(new int[]{5, 12, 1}).setActivation("tanh").setOptimizer("adam").setStepSize(0.05)
                .setMaxIter(maxIter).setBlockSize(BLOCK).setSeed(21).setBackend("cpu").setPrecision("fp16");
        NablaRegressionModel straight = regressor.apply(10).fit(df);

        Path dir = tmp.resolve("fp16-checkpoints");
        String uri = dir.toUri().toString();
        regressor.apply(6).setCheckpointInterval(3).setCheckpointDir(uri).fit(df);
        Checkpoints.Checkpoint c = checkpoints(dir).latest();
        assertEquals(6, c.iteration());
        double scale = c.lossScaler().get("scale");
        assertTrue(scale < 65536, "the first steps overflowed and halved S from 65536: " + c.lossScaler());
        assertEquals(java.util.Set.of("scale", "growth_tracker"), c.lossScaler().keySet());
        int skipped = 0;
        for (double loss : c.losses()) {
            skipped += Double.isFinite(loss) ? 0 : 1;
        }

        NablaRegressionModel resumed = regressor.apply(10).setCheckpointInterval(3).setCheckpointDir(uri).fit(df);
        assertArrayEquals(straight.trainingLosses(), resumed.trainingLosses(), "loss per step, bit for bit");
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(straight.weights(l), resumed.weights(l), "W" + l + " after resuming, bit for bit");
            assertArrayEquals(straight.biases(l), resumed.biases(l), "b" + l + " after resuming, bit for bit");
        }
        // the loss scaler after 9 iterations: the resumed fit's last checkpoint, and an uninterrupted fit's
        Path straightDir = tmp.resolve("fp16-straight");
        regressor.apply(9).setCheckpointInterval(9).setCheckpointDir(straightDir.toUri().toString()).fit(df);
        assertEquals(checkpoints(straightDir).latest().lossScaler(), checkpoints(dir).latest().lossScaler(),
                "the loss scaler after 9 steps, resumed or not (" + skipped + " non-finite losses before step 6)");
    }

    @Test
    void aCheckpointThatDoesNotFitIsRefused() throws IOException {
        Dataset<Row> df = data(2);
        Path dir = tmp.resolve("checkpoints");
        String uri = dir.toUri().toString();
        fit(classifier(3).setCheckpointInterval(3).setCheckpointDir(uri), df);
        assertEquals(List.of("checkpoint-0000000003.safetensors"), files(dir));

        String params = assertThrows(CheckpointException.class,
                () -> fit(classifier(6).setSeed(22).setBlockSize(16).setCheckpointDir(uri), df)).getMessage();
        assertTrue(params.startsWith("fit: checkpoint file:" + dir + "/checkpoint-0000000003.safetensors"), params);
        assertTrue(params.contains("checkpoint-0000000003.safetensors was written by a fit with other params: "
                + "seed 21 (this estimator: 22), blockSize 32 (this estimator: 16)"), params);
        String layers = assertThrows(CheckpointException.class,
                () -> fit(classifier(6).setLayers(new int[]{5, 9, 3}).setCheckpointDir(uri), df)).getMessage();
        assertTrue(layers.contains("layers [5, 8, 3] (this estimator: [5, 9, 3])"), layers);
        String optimizer = assertThrows(CheckpointException.class,
                () -> fit(classifier(6).setOptimizer("sgd").setCheckpointDir(uri), df)).getMessage();
        assertTrue(optimizer.contains("optimizer adam (this estimator: sgd)"), optimizer);

        String past = assertThrows(CheckpointException.class,
                () -> fit(classifier(2).setCheckpointDir(uri), df)).getMessage();
        assertTrue(past.contains("holds 3 iterations, more than maxIter 2"), past);

        String rows = assertThrows(CheckpointException.class,
                () -> fit(classifier(6).setCheckpointDir(uri), data(3))).getMessage();
        assertTrue(rows.contains("was written by a fit over 200 rows in partitions of [100, 100] rows, but this "
                + "dataset has 200 rows in partitions of [66, 67, 67]"), rows);

        Path bad = tmp.resolve("corrupt");
        Files.createDirectories(bad);
        Files.write(bad.resolve("checkpoint-0000000004.safetensors"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9});
        CheckpointException corrupt = assertThrows(CheckpointException.class,
                () -> fit(classifier(6).setCheckpointDir(bad.toUri().toString()), df));
        assertTrue(corrupt.getMessage().startsWith("fit: checkpoint file:" + bad + "/"), corrupt.getMessage());
        assertTrue(corrupt.getMessage().contains("checkpoint-0000000004.safetensors is corrupt or not a nabla-spark "
                + "checkpoint"), corrupt.getMessage());

        // a valid safetensors file that is not a checkpoint
        Path model = tmp.resolve("not-a-checkpoint");
        Files.createDirectories(model);
        dev.nabla.io.Safetensors.write(model.resolve("checkpoint-0000000002.safetensors"),
                java.util.Map.of("x", dev.nabla.io.HostTensor.of(new float[]{1}, 1)), null);
        String format = assertThrows(CheckpointException.class,
                () -> fit(classifier(6).setCheckpointDir(model.toUri().toString()), df)).getMessage();
        assertTrue(format.contains("its metadata nabla.checkpoint.format is missing"), format);
    }

    @Test
    void checkpointParamsAreChecked() {
        Dataset<Row> df = data(2);
        assertTrue(assertThrows(InvalidArgumentException.class,
                () -> classifier(3).setCheckpointInterval(0).fit(df)).getMessage()
                .startsWith("fit: checkpointInterval (0) must be at least 1, or -1 for no checkpoints"));
        assertTrue(assertThrows(InvalidArgumentException.class,
                () -> classifier(3).setLocalSteps(2).setCheckpointDir(tmp.toUri().toString()).fit(df)).getMessage()
                .startsWith("fit: checkpoints (checkpointDir '"));
    }
}
