package dev.nabla.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README's checkpoint example (section "On Apache Spark", also in docs/spark.md), verbatim in
 * {@link #fitAsReadmeShows}: if this breaks, the README is wrong. On 400 synthetic rows of 784 features (the
 * example's layers) rather than Fashion-MNIST, which {@link ReadmeSparkExampleTest} already reads: a fit of 20
 * iterations leaves its checkpoint at 20, and the same code with maxIter 40 resumes from it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReadmeCheckpointExampleTest {
    @TempDir
    Path tmp;

    private static NablaClassificationModel fitAsReadmeShows(Dataset<Row> train, int maxIter, String checkpointDir) {
        NablaClassifier clf = new NablaClassifier()
                .setLayers(new int[]{784, 128, 10}).setBlockSize(256).setMaxIter(maxIter).setStepSize(2e-3).setSeed(42)
                .setCheckpointInterval(20)                        // a checkpoint after every 20th iteration (-1: none)
                .setCheckpointDir(checkpointDir);                 // any Hadoop path, e.g. "hdfs:///jobs/fashion/checkpoints"
        NablaClassificationModel model = clf.fit(train);      // resumes from checkpointDir's latest checkpoint, if any
        return model;
    }

    @Test
    void checkpointAndResume() throws IOException {
        Dataset<Row> train = LocalSpark.frame(LocalSpark.rows(400, 784, 10, 5), 2, 0);
        String checkpointDir = tmp.resolve("fashion-checkpoints").toUri().toString();
        NablaClassificationModel first = fitAsReadmeShows(train, 20, checkpointDir);
        try (Stream<Path> files = Files.list(tmp.resolve("fashion-checkpoints"))) {
            assertEquals(java.util.List.of("checkpoint-0000000020.safetensors"), files.map(p -> p.getFileName()
                    .toString()).filter(n -> !n.startsWith(".")).toList());
        }
        NablaClassificationModel longer = fitAsReadmeShows(train, 40, checkpointDir);
        assertEquals(40, longer.trainingLosses().length);
        assertArrayEquals(first.trainingLosses(), Arrays.copyOf(longer.trainingLosses(), 20),
                "the first 20 losses are the checkpoint's");
    }
}
