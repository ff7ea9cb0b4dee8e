package dev.nabla.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** One local[2] Spark session for every test class of this JVM (started once: it takes seconds), and test data. */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("nabla-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    static JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(get().sparkContext());
    }

    static final StructType SCHEMA = new StructType()
            .add("features", SQLDataTypes.VectorType(), false)
            .add("label", DataTypes.DoubleType, false);

    /**
     * n rows of {@code inputs} features in [-1, 1) from {@code seed}; the label is the class of the largest of the first
     * {@code classes} features (classes &gt; 0), or a smooth function of the features (classes = 0).
     */
    static List<Row> rows(int n, int inputs, int classes, long seed) {
        Random r = new Random(seed);
        List<Row> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] f = new double[inputs];
            for (int j = 0; j < inputs; j++) {
                f[j] = 2 * r.nextDouble() - 1;
            }
            double label;
            if (classes > 0) {
                int best = 0;
                for (int j = 1; j < classes; j++) {
                    if (f[j] > f[best]) {
                        best = j;
                    }
                }
                label = best;
            } else {
                label = 0.5 * f[0] - 0.25 * f[1] * f[1] + 0.1;
            }
            out.add(RowFactory.create(Vectors.dense(f), label));
        }
        return out;
    }

    /** A DataFrame of {@code rows} in {@code partitions} slices, in order, then {@code emptyPartitions} empty ones. */
    static Dataset<Row> frame(List<Row> rows, int partitions, int emptyPartitions) {
        JavaRDD<Row> rdd = jsc().parallelize(rows, partitions);
        for (int i = 0; i < emptyPartitions; i++) {
            rdd = rdd.union(jsc().parallelize(Collections.<Row>emptyList(), 1));
        }
        return get().createDataFrame(rdd, SCHEMA);
    }
}
