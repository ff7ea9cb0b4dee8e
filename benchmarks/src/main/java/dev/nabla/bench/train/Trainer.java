package dev.nabla.bench.train;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.bench.data.LabeledImages;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains an MLP classifier on host data: every epoch shuffles the training set with a seeded generator, gathers each
 * batch on the host, uploads it as an (x, t) tensor pair that is closed after its {@link Network#trainStep}, and
 * then measures test accuracy from the forward output read back. The loss read back by every step keeps the timing
 * honest on asynchronous backends.
 */
public final class Trainer {

    /** The whole run: per-epoch results and the final test accuracy. */
    public record Result(String network, List<TrainingListener.EpochResult> epochs, int testCorrect, int testCount,
                         double trainSeconds) {
        public double testAccuracy() {
            return (double) testCorrect / testCount;
        }

        public double secondsPerEpoch() {
            return trainSeconds / epochs.size();
        }
    }

    private Trainer() {
    }

    /** The network this trainer builds: inputs → hidden RELU → classes SOFTMAX, cross-entropy, seeded. */
    public static Network network(Backend backend, int inputs, int classes, TrainConfig config) {
        return Network.builder().input(inputs).dense(config.hidden(), Activation.RELU)
                .dense(classes, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(config.seed()).build(backend);
    }

    public static Result train(Backend backend, LabeledImages train, LabeledImages test, TrainConfig config,
                               TrainingListener listener) {
        if (train.count() == 0 || test.count() == 0) {
            throw new IllegalArgumentException("training needs at least one training and one test image");
        }
        int features = train.features();
        int classes = train.classes();
        int batch = Math.min(config.batch(), train.count());
        float[] x = new float[batch * features];
        float[] t = new float[batch * classes];
        int[] order = new int[train.count()];
        Arrays.setAll(order, i -> i);
        SplittableRandom rng = new SplittableRandom(config.seed());
        List<TrainingListener.EpochResult> epochs = new ArrayList<>();
        double trainSeconds = 0;
        try (Network net = network(backend, features, classes, config); Optimizer opt = config.newOptimizer()) {
            String description = net.toString();
            int correct = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                shuffle(order, rng);
                double lossSum = 0;
                long start = System.nanoTime();
                for (int from = 0; from < order.length; from += batch) {
                    int n = Math.min(batch, order.length - from);
                    train.gather(order, from, n, x, t);
                    try (Tensor xb = backend.fromArray(n == batch ? x : Arrays.copyOf(x, n * features), n, features);
                         Tensor tb = backend.fromArray(n == batch ? t : Arrays.copyOf(t, n * classes), n, classes)) {
                        lossSum += net.trainStep(xb, tb, opt) * n;
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    listener.batchDone(epoch, config.epochs(), from + n, order.length, lossSum / (from + n),
                            (from + n) / elapsed);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                trainSeconds += seconds;
                correct = Accuracy.correct(net, test, 1000);
                var result = new TrainingListener.EpochResult(epoch, config.epochs(), order.length,
                        lossSum / order.length, correct, test.count(), seconds);
                epochs.add(result);
                listener.epochDone(result);
            }
            return new Result(description, List.copyOf(epochs), correct, test.count(), trainSeconds);
        }
    }

    /** Fisher–Yates with the run's seeded generator: the same order on every backend. */
    static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }
}
