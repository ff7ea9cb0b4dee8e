package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.BackendStats;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.spi.ComputeBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A soak run: {@link #EPOCHS} epochs of minibatch training ({@value #STEPS_PER_EPOCH} steps each, the last batch of
 * an epoch smaller), each batch copied to the device inside a scope, an evaluation pass and now and then a copy of
 * the network after every epoch, leak detection on. After warm-up ({@value #WARM_UP_EPOCHS} epochs) the counters
 * sampled at the end of every epoch must not move: live tensors, live device bytes, pooled bytes, device buffers
 * created. At the end the loss must have gone down, and closing everything must leave nothing open and nothing to
 * report. Bounded for CI: about 3,000 steps. A backend module extends this with {@link #createCompute()}.
 */
@ExtendWith(NoSkipOnCi.class)
public abstract class SoakContract {
    static final int SAMPLES = 1000;
    static final int FEATURES = 32;
    static final int CLASSES = 10;
    static final int BATCH = 64;
    static final int STEPS_PER_EPOCH = (SAMPLES + BATCH - 1) / BATCH;   // 15 batches of 64, one of 40
    static final int EPOCHS = 188;                                       // 3,008 steps
    static final int WARM_UP_EPOCHS = 2;
    static final int VALIDATION = 200;

    /** A new instance of the backend implementation under test; the soak closes it. */
    protected abstract ComputeBackend createCompute();

    /** What must stay flat: live tensors, and the backend's pool counters (0 where it keeps none). */
    private record Sample(long liveTensors, long liveDeviceBytes, long pooledBytes, long deviceBuffersCreated) {
        static Sample of(BackendStats s) {
            return new Sample(s.liveTensors(), s.counter("liveDeviceBytes"), s.counter("pooledBytes"),
                    s.counter("deviceBuffersCreated"));
        }
    }

    /** A learnable problem: the class is the arg-max of x·W for a fixed random "teacher" W (FEATURES × CLASSES). */
    private static double[][] dataset(long seed, int n) {
        SplittableRandom teacher = new SplittableRandom(42);
        double[] w = new double[FEATURES * CLASSES];
        for (int i = 0; i < w.length; i++) {
            w[i] = teacher.nextDouble() * 2 - 1;
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * FEATURES];
        double[] t = new double[n * CLASSES];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = (float) (r.nextDouble() * 2 - 1);
            }
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < CLASSES; c++) {
                double score = 0;
                for (int j = 0; j < FEATURES; j++) {
                    score += x[i * FEATURES + j] * w[j * CLASSES + c];
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            t[i * CLASSES + best] = 1;
        }
        return new double[][]{x, t};
    }

    @Test
    void thousandsOfTrainingStepsKeepTensorsAndDeviceMemoryFlat() {
        long started = System.nanoTime();
        Backend be = Backend.wrap(createCompute(), true);
        double[][] train = dataset(1, SAMPLES);
        double[][] validation = dataset(2, VALIDATION);
        int[] order = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            order[i] = i;
        }
        SplittableRandom shuffle = new SplittableRandom(3);
        List<Sample> samples = new ArrayList<>();
        double firstEpochLoss = 0;
        double lastEpochLoss = 0;
        double accuracy = 0;
        int steps = 0;
        try (Network net = Network.builder().input(FEATURES).dense(64, Activation.RELU).dense(32, Activation.TANH)
                .dense(CLASSES, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(5).build(be);
             Optimizer adam = Optimizers.adam(3e-3);
             Tensor xv = be.fromArray(validation[0], VALIDATION, FEATURES, DType.FLOAT32).detach()) {
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                for (int i = SAMPLES - 1; i > 0; i--) {          // a new order every epoch (on the host)
                    int j = shuffle.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
                double epochLoss = 0;
                for (int b = 0; b < STEPS_PER_EPOCH; b++) {
                    int from = b * BATCH;
                    int rows = Math.min(BATCH, SAMPLES - from);
                    double[] xb = new double[rows * FEATURES];
                    double[] tb = new double[rows * CLASSES];
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(train[0], order[from + r] * FEATURES, xb, r * FEATURES, FEATURES);
                        System.arraycopy(train[1], order[from + r] * CLASSES, tb, r * CLASSES, CLASSES);
                    }
                    try (Scope s = be.scope()) {
                        Tensor x = be.fromArray(xb, rows, FEATURES, DType.FLOAT32);
                        Tensor t = be.fromArray(tb, rows, CLASSES, DType.FLOAT32);
                        epochLoss += net.trainStep(x, t, adam) * rows;
                    }
                    steps++;
                }
                epochLoss /= SAMPLES;
                if (epoch == 0) {
                    firstEpochLoss = epochLoss;
                }
                lastEpochLoss = epochLoss;
                accuracy = accuracy(net, xv, validation[1]);
                if (epoch % 25 == 1) {                           // a copy, evaluated and closed
                    try (Network copy = net.copyTo(be); Tensor f = copy.forward(xv)) {
                        assertEquals(VALIDATION * CLASSES, f.toFloatArray().length);
                    }
                }
                samples.add(Sample.of(be.stats()));
            }
        }
        Sample warm = samples.get(WARM_UP_EPOCHS - 1);
        for (int e = WARM_UP_EPOCHS; e < samples.size(); e++) {
            assertEquals(warm, samples.get(e), "epoch " + e + " vs the end of warm-up (epoch " + (WARM_UP_EPOCHS - 1)
                    + "): live tensors, live device bytes, pooled bytes, device buffers created");
        }
        assertTrue(lastEpochLoss < firstEpochLoss / 4, "it trained: mean loss " + firstEpochLoss + " → " + lastEpochLoss);
        assertTrue(accuracy > 0.7, "validation accuracy " + accuracy + " (chance: 0.1)");
        assertEquals(0, be.stats().liveTensors(), "closing the network, the optimizer and the data freed everything");
        be.close();
        assertEquals(List.of(), be.leakReports(), "nothing was left open, nothing was collected unclosed");
        System.out.printf("[soak] %s: %d steps, %d epochs in %.1f s; flat after warm-up: %s; loss %.4f → %.4f, "
                        + "validation accuracy %.3f%n", be.name(), steps, EPOCHS, (System.nanoTime() - started) / 1e9,
                warm, firstEpochLoss, lastEpochLoss, accuracy);
    }

    /** Fraction of validation rows whose largest output is the labelled class. */
    private static double accuracy(Network net, Tensor xv, double[] labels) {
        float[] f;
        try (Tensor out = net.forward(xv)) {
            f = out.toFloatArray();
        }
        int right = 0;
        for (int i = 0; i < VALIDATION; i++) {
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (f[i * CLASSES + c] > f[i * CLASSES + best]) {
                    best = c;
                }
            }
            right += labels[i * CLASSES + best] == 1 ? 1 : 0;
        }
        return (double) right / VALIDATION;
    }
}
