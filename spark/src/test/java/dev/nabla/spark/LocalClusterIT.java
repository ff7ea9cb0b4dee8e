package dev.nabla.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fit on {@code local-cluster[2,1,1024]}: a master and two workers in this JVM, each worker with an executor JVM
 * of its own, whose class path is target/spark-home/jars (Spark, nabla-core, nabla-cpu) plus this module's jar
 * (spark.jars). The blocks live in the executors (this JVM builds none), and the result equals single-machine
 * training on the same batches under the tolerance rule.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LocalClusterIT {
    private static SparkSession spark;

    @BeforeAll
    static void startCluster() {
        String jar = System.getProperty("nabla.spark.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "the module's jar (run after package): " + jar);
        assertTrue(Files.isDirectory(Path.of(System.getenv("SPARK_HOME"), "jars")), "SPARK_HOME/jars");
        spark = SparkSession.builder()
                .master("local-cluster[2,1,1024]")
                .appName("nabla-spark local-cluster test")
                .config("spark.jars", jar)
                .config("spark.executor.memory", "512m")
                .config("spark.executor.extraJavaOptions", System.getProperty("nabla.executor.flags", ""))
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (executors() < 2 && System.nanoTime() < deadline) {   // workers start their executors asynchronously
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertEquals(2, executors(), "executor JVMs registered within 120 s");
    }

    /** Executors other than the driver. */
    private static long executors() {
        return Arrays.stream(spark.sparkContext().statusTracker().getExecutorInfos())
                .filter(e -> !e.host().isEmpty()).count() - 1;
    }

    @AfterAll
    static void stopCluster() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void fitOnTwoExecutorJvmsEqualsSingleMachineTraining() {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(SyncParityTest.ROWS, 5, 3, 51), 4, 1);
        NablaClassifier clf = new NablaClassifier().setLayers(new int[]{5, 12, 3}).setActivation("relu")
                .setOptimizer("adam").setStepSize(0.01).setMaxIter(SyncParityTest.STEPS)
                .setBlockSize(SyncParityTest.BLOCK).setSeed(52).setBackend("cpu");
        long buildsHere = BlockCache.builds();
        NablaClassificationModel model = clf.fit(df);
        assertEquals(buildsHere, BlockCache.builds(), "blocks built in the driver JVM: they belong on the executors");
        SyncParityTest.assertParity(df, clf.spec("test"), Targets.oneHot(3),
                SyncTrainer.optimizer(SyncParityTest.config(clf)), 52, model);
        long right = model.transform(df).filter("prediction = label").count();
        assertTrue(right > 0, "transform ran on the executors");
    }
}
