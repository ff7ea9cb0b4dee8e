package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The data path of a training epoch, side by side on one backend: {@code epochOnDevice} feeds the 784-256-10
 * ReLU/softmax network from a {@link DataLoader} over a dataset uploaded once (batches gathered on the device);
 * {@code epochFromHost} does what {@code nabla train} did before: gathers each shuffled batch on the host and uploads
 * it (features and one-hot targets) before its step. Both run the same steps with the loss left on the device and
 * synchronise at the end. {@code gatherRows} and {@code argmaxRows} time the two kernels the device path adds, on a
 * batch of the dataset and on a batch of 10-class scores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class DataPathBenchmark {
    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    /** Rows in the synthetic dataset (784 features, 10 classes). */
    @Param({"8192"})
    public int rows;

    @Param({"128"})
    public int batch;

    private static final int FEATURES = 784;
    private static final int CLASSES = 10;

    private Backend be;
    private Network net;
    private Optimizer sgd;
    private float[] hostX;
    private int[] hostLabels;
    private Tensor x;
    private Tensor labels;
    private Tensor batchIndices;
    private Tensor gathered;
    private Tensor scores;
    private Tensor predicted;
    private DataLoader loader;
    private long epoch;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        net = Network.builder().input(FEATURES).dense(256, Activation.RELU).dense(CLASSES, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).seed(7).build(be);
        sgd = Optimizers.sgd(0.01).momentum(0.9);
        SplittableRandom r = new SplittableRandom(1);
        hostX = new float[rows * FEATURES];
        for (int i = 0; i < hostX.length; i++) {
            hostX[i] = (float) r.nextDouble();
        }
        hostLabels = new int[rows];
        for (int i = 0; i < rows; i++) {
            hostLabels[i] = r.nextInt(CLASSES);
        }
        x = be.fromArray(hostX, rows, FEATURES).detach();
        labels = be.fromArray(hostLabels, rows, 1).detach();
        loader = DataLoader.of(x, labels, batch).classes(CLASSES).shuffle(3).dropLast(true);  // the same steps as epochFromHost
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = r.nextInt(rows);
        }
        batchIndices = be.fromArray(idx, batch, 1).detach();
        gathered = be.empty(batch, FEATURES, DType.FLOAT32).detach();
        scores = be.rand(batch, CLASSES, 5L).detach();
        predicted = be.empty(batch, 1, DType.INT32).detach();
    }

    @Benchmark
    public void epochOnDevice() {
        for (Batch b : loader.epoch(epoch++)) {
            net.trainStepWithoutLoss(b.features(), b.targets(), sgd);
        }
        be.synchronize();
    }

    @Benchmark
    public void epochFromHost() {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(epoch++);
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        float[] bx = new float[batch * FEATURES];
        float[] bt = new float[batch * CLASSES];
        for (int from = 0; from + batch <= rows; from += batch) {
            java.util.Arrays.fill(bt, 0f);
            for (int i = 0; i < batch; i++) {
                int row = order[from + i];
                System.arraycopy(hostX, row * FEATURES, bx, i * FEATURES, FEATURES);
                bt[i * CLASSES + hostLabels[row]] = 1f;
            }
            try (Tensor xb = be.fromArray(bx, batch, FEATURES); Tensor tb = be.fromArray(bt, batch, CLASSES)) {
                net.trainStepWithoutLoss(xb, tb, sgd);
            }
        }
        be.synchronize();
    }

    @Benchmark
    public void gatherRows() {
        be.ops().gatherRows(x, batchIndices, gathered);
        be.synchronize();
    }

    @Benchmark
    public void argmaxRows() {
        be.ops().argmaxRows(scores, predicted);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loader.close();
        for (Tensor t : new Tensor[]{x, labels, batchIndices, gathered, scores, predicted}) {
            t.close();
        }
        sgd.close();
        net.close();
    }
}
