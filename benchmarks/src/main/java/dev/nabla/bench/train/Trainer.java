package dev.nabla.bench.train;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.bench.data.LabeledImages;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.nn.Evaluation;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains a classifier ({@link TrainModel}: the Dense {@link Network}, or a residual MLP built from modules and
 * trained through autograd): uploads the training and test sets to the backend once, then every epoch draws a seeded
 * order and builds each batch on the device ({@link DataLoader}: gatherRows and one-hot targets into reused buffers).
 * Each step adds its loss to a device-side sum ({@link Classifier#step}, e.g.
 * {@link Network#trainStep(Tensor, Tensor, Optimizer, Tensor)}), read back only for the progress display and at the
 * end of the epoch, which also waits for the epoch's work, so the timing stays honest on asynchronous backends. Test
 * accuracy comes from {@link Classifier#evaluate}, on the device.
 */
public final class Trainer {

    /** The whole run: per-epoch results and the final test accuracy. */
    public record Result(String network, List<TrainingListener.EpochResult> epochs, int testCorrect, int testCount,
                         double trainSeconds, String precision) {

        /** A result without a precision report (FLOAT32 training). */
        public Result(String network, List<TrainingListener.EpochResult> epochs, int testCorrect, int testCount,
                      double trainSeconds) {
            this(network, epochs, testCorrect, testCount, trainSeconds, "");
        }

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
                .dense(classes, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(config.seed())
                .precision(config.precision()).build(backend);
    }

    /** Trains the {@link TrainModel#DENSE} network. */
    public static Result train(Backend backend, LabeledImages train, LabeledImages test, TrainConfig config,
                               TrainingListener listener) {
        return train(backend, train, test, config, TrainModel.DENSE, listener);
    }

    /** Trains a new {@code model} as configured and evaluates it on the test set after every epoch. */
    public static Result train(Backend backend, LabeledImages train, LabeledImages test, TrainConfig config,
                               TrainModel model, TrainingListener listener) {
        return train(backend, train, test, config, listener,
                (features, classes) -> model.create(backend, features, classes, config));
    }

    /**
     * Trains the {@link TrainModel#DENSE} network data-parallel over {@code replicas} (dev.nabla.parallel.DataParallel):
     * the data lives on the first backend, each batch is split over all of them.
     */
    public static Result trainDataParallel(List<Backend> replicas, LabeledImages train, LabeledImages test,
                                           TrainConfig config, TrainingListener listener) {
        return train(replicas.get(0), train, test, config, listener,
                (features, classes) -> DataParallelClassifier.create(replicas, features, classes, config));
    }

    private static Result train(Backend backend, LabeledImages train, LabeledImages test, TrainConfig config,
                                TrainingListener listener,
                                java.util.function.BiFunction<Integer, Integer, Classifier> model) {
        if (train.count() == 0 || test.count() == 0) {
            throw new IllegalArgumentException("training needs at least one training and one test image");
        }
        int features = train.features();
        int classes = train.classes();
        int batch = Math.min(config.batch(), train.count());
        List<TrainingListener.EpochResult> epochs = new ArrayList<>();
        double trainSeconds = 0;
        // the datasets go to the device once; every batch is then gathered there (DataLoader), no host work per step
        try (Tensor trainX = backend.fromArray(train.pixels(), train.count(), features);
             Tensor trainY = backend.fromArray(train.labels(), train.count(), 1);
             Tensor testX = backend.fromArray(test.pixels(), test.count(), features);
             Tensor testY = backend.fromArray(test.labels(), test.count(), 1);
             Classifier classifier = model.apply(features, classes);
             DataLoader loader = DataLoader.of(trainX, trainY, batch).classes(classes).shuffle(config.seed());
             DataLoader testLoader = DataLoader.of(testX, testY, Math.min(1000, test.count()));
             Tensor lossSum = backend.zeros(1, 1)) {
            String description = classifier.description();
            int correct = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                lossSum.fill(0);
                double meanLoss = Double.NaN;
                long start = System.nanoTime();
                long lastRead = 0;
                int seen = 0;
                for (Batch b : loader.epoch(epoch - 1)) {
                    classifier.step(b, lossSum);
                    seen += b.size();
                    long now = System.nanoTime();
                    // reading the loss waits for the device: only for progress, a few times a second and at the end
                    if (seen == train.count() || now - lastRead > PROGRESS_NANOS || Double.isNaN(meanLoss)) {
                        meanLoss = lossSum.item() / seen;
                        lastRead = System.nanoTime();
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    listener.batchDone(epoch, config.epochs(), seen, train.count(), meanLoss, seen / elapsed);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                trainSeconds += seconds;
                Evaluation ev = classifier.evaluate(testLoader);
                correct = (int) Math.round(ev.accuracy() * ev.count());
                var result = new TrainingListener.EpochResult(epoch, config.epochs(), train.count(), meanLoss, correct,
                        test.count(), seconds);
                epochs.add(result);
                listener.epochDone(result);
            }
            return new Result(description, List.copyOf(epochs), correct, test.count(), trainSeconds,
                    classifier.precisionReport());
        }
    }

    /** How often the running loss is read back for the progress display. */
    private static final long PROGRESS_NANOS = 250_000_000L;

}
