package dev.nabla.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.sql.Dataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fit on {@code local-cluster[2,1,1024]}: a master and two workers in this JVM, each worker with an executor JVM
 * of its own, whose class path is target/spark-home/jars (Spark, nabla-core, nabla-cpu) plus this module's jar
 * (spark.jars). The blocks live in the executors (this JVM builds none), and the result equals single-machine
 * training on the same batches under the tolerance rule; a fit that loses an executor midway ends on the fault-free
 * fit's bits.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
    @Order(1)
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

    /**
     * One of the two executor JVMs is killed after the fit's second job (its blocks and its cached rows die with it):
     * Spark re-runs the lost tasks on the other executor, which rebuilds those blocks from the rows' lineage, and the
     * final weights and per-step losses equal the fault-free fit's bit for bit: a partition's gradient sum is the same
     * bits on either executor, and the partitions' sums are added in a fixed order ({@link OrderedGradientSum}), not
     * in the order the re-run tasks finish. Runs last: the cluster keeps one executor.
     */
    @Test
    @Order(2)
    void anExecutorKilledMidFitLeavesTheResultUnchanged() throws Exception {
        Dataset<Row> df = LocalSpark.frame(LocalSpark.rows(SyncParityTest.ROWS, 5, 3, 61), 4, 0);
        NablaClassifier clf = new NablaClassifier().setLayers(new int[]{5, 12, 3}).setOptimizer("adam")
                .setStepSize(0.01).setMaxIter(SyncParityTest.STEPS).setBlockSize(SyncParityTest.BLOCK).setSeed(62)
                .setBackend("cpu");
        NablaClassificationModel clean = clf.fit(df);

        SparkContext sc = spark.sparkContext();
        List<String> ids = scala.jdk.javaapi.CollectionConverters.asJava(sc.getExecutorIds());
        assertEquals(2, ids.size(), "executors before the kill: " + ids);
        String victim = ids.get(0);
        AtomicInteger jobs = new AtomicInteger();
        AtomicLong killedAt = new AtomicLong();
        Thread[] killer = new Thread[1];
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobEnd(SparkListenerJobEnd end) {
                if (jobs.incrementAndGet() == 2) {                 // the blocks are built and one iteration ran
                    killer[0] = new Thread(() -> {
                        if (sc.killExecutor(victim)) {
                            killedAt.set(System.nanoTime());
                        }
                    });
                    killer[0].start();
                }
            }
        };
        sc.addSparkListener(listener);
        NablaClassificationModel faulty;
        long fitEnd;
        try {
            faulty = clf.fit(df);
            fitEnd = System.nanoTime();
        } finally {
            sc.removeSparkListener(listener);
        }
        assertTrue(killer[0] != null, "the listener saw " + jobs.get() + " jobs");
        killer[0].join(30_000);
        assertTrue(killedAt.get() != 0 && killedAt.get() < fitEnd, "executor " + victim + " was killed mid-fit");
        assertEquals(List.of(ids.get(1)), scala.jdk.javaapi.CollectionConverters.asJava(sc.getExecutorIds()),
                "executors after the kill");

        assertArrayEquals(clean.trainingLosses(), faulty.trainingLosses(),
                "loss per step with a killed executor, bit for bit");
        for (int l = 0; l < clf.spec("test").depth(); l++) {
            assertArrayEquals(clean.weights(l), faulty.weights(l), "W" + l + " with a killed executor, bit for bit");
            assertArrayEquals(clean.biases(l), faulty.biases(l), "b" + l + " with a killed executor, bit for bit");
        }
    }
}
