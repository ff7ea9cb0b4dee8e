package dev.nabla.bench.cli;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.bench.data.FashionMnist;
import dev.nabla.bench.data.LabeledImages;
import dev.nabla.bench.train.ProgressBar;
import dev.nabla.bench.train.TrainConfig;
import dev.nabla.bench.train.TrainModel;
import dev.nabla.bench.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nabla train}: a 784-256-10 ReLU/softmax MLP ({@code --model dense}, the fused Network) or a residual MLP
 * built from modules ({@code --model residual}) trained on Fashion-MNIST, ending with the test accuracy.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Nabla.Version.class, sortOptions = false,
        description = {"Train an MLP on Fashion-MNIST and report the test accuracy: dense (784 → hidden ReLU → 10 "
                + "softmax, cross-entropy; the fused Network) or residual (784 → hidden ReLU → residual block "
                + "hidden → hidden ReLU → 10 logits; modules trained through autograd).",
                "Data: --data DIR, else " + "/usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), "
                        + "else a bundled subset of 500 training and 200 test images."})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    private Nabla parent;

    @Option(names = {"-b", "--backend"}, paramLabel = "NAME",
            description = "Backend to train on (default: the best available; see 'nabla devices').")
    String backend;

    @Option(names = "--devices", split = ",", paramLabel = "LIST",
            description = {"Train data-parallel on several backends at once (the dense model): backend names, or "
                    + "indices into the backends as 'nabla devices' lists them (0 = the first line), comma-separated; "
                    + "e.g. --devices cpu,cpu or --devices 0,1. Each batch is split over them, one update per batch; "
                    + "repeated cpu backends share the cores. The data lives on the first."})
    java.util.List<String> devices;

    @Option(names = "--model", defaultValue = "dense", paramLabel = "dense|residual",
            description = "The fused Dense network, or the residual MLP built from modules (default ${DEFAULT-VALUE}).")
    TrainModel model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory holding the four Fashion-MNIST IDX files (gzipped or not).")
    Path data;

    @Option(names = {"-e", "--epochs"}, defaultValue = "5", description = "Passes over the training set (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Examples per training step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--hidden", defaultValue = "256",
            description = "Hidden ReLU units (and the residual block's width) (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "sgd|adam",
            description = "SGD with momentum 0.9, or Adam (default ${DEFAULT-VALUE}).")
    TrainConfig.OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: SGD 0.05 for dense, 0.02 for residual; Adam 0.001).")
    Double learningRate;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the weights and the shuffling (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16|fp16",
            description = {"Mixed-precision training of the dense model (default ${DEFAULT-VALUE}): bf16 or fp16 keep "
                    + "float32 master weights and optimizer state and run the forward and backward GEMMs on 16-bit "
                    + "copies with float32 accumulation; fp16 adds dynamic loss scaling and reports the skipped steps "
                    + "(docs/precision.md)."})
    String precision;

    @Option(names = "--limit", paramLabel = "N",
            description = "Use at most the first N training and N test images (for quick runs).")
    Integer limit;

    @Override
    public Integer call() {
        atLeast("--epochs", epochs, 1);
        atLeast("--batch", batch, 1);
        atLeast("--hidden", hidden, 1);
        if (limit != null) {
            atLeast("--limit", limit, 1);
        }
        double lr = learningRate == null ? optimizer.defaultLearningRate(model) : learningRate;
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new CliException("--lr must be a finite number > 0, got " + lr, ExitCodes.USAGE);
        }
        DType mixed = precision(precision);
        if (mixed != DType.FLOAT32 && (model != TrainModel.DENSE || devices != null)) {
            throw new CliException("--precision " + precision + " trains the dense model on one backend only, not "
                    + (devices != null ? "--devices" : "--model " + model.name().toLowerCase(Locale.ROOT)),
                    ExitCodes.USAGE);
        }
        TrainConfig config = new TrainConfig(hidden, epochs, batch, optimizer, lr, seed, mixed);
        PrintWriter out = parent.out();

        if (devices != null) {
            if (backend != null) {
                throw new CliException("--backend and --devices exclude each other: --devices names every backend",
                        ExitCodes.USAGE);
            }
            if (model != TrainModel.DENSE) {
                throw new CliException("--devices trains the dense model only, not --model " + model.name()
                        .toLowerCase(Locale.ROOT), ExitCodes.USAGE);
            }
        }
        java.util.List<String> replicaNames = devices == null ? null : ReplicaBackends.names(devices);  // fail fast
        Backend be = replicaNames == null ? BackendChoice.resolve(backend) : null;
        FashionMnist.Split split = FashionMnist.load(data);
        LabeledImages train = limit == null ? split.train() : split.train().limit(limit);
        LabeledImages test = limit == null ? split.test() : split.test().limit(limit);
        if (split.bundled()) {
            out.println("data: Fashion-MNIST is not in " + FashionMnist.DEFAULT_DIR + " (install Debian's "
                    + "dataset-fashion-mnist, or pass --data DIR); using the bundled subset, which is too small to "
                    + "reach the full data's accuracy");
        }
        out.printf(Locale.ROOT, "data: Fashion-MNIST from %s: %d training, %d test images of %d pixels%n",
                split.source(), train.count(), test.count(), train.features());
        java.util.List<Backend> replicas = replicaNames == null ? null : ReplicaBackends.create(replicaNames);
        try {
            String on;
            if (replicas == null) {
                out.println("backend: " + be.name() + " (" + be.description() + ")");
                on = be.name();
            } else {
                out.println("devices: " + replicas.size() + " replica" + (replicas.size() == 1 ? "" : "s")
                        + ", each batch split over them (data-parallel):");
                for (int i = 0; i < replicas.size(); i++) {
                    out.println("  " + i + ": " + replicas.get(i).name() + " (" + replicas.get(i).description() + ")");
                }
                on = String.join("+", replicaNames);
            }
            out.printf(Locale.ROOT, "network: %s, %s; %s, batch %d, %d epoch%s, seed %d%n", model.describe(hidden),
                    mixed == DType.FLOAT32 ? "float32" : "float32 master weights, " + mixed + " GEMM inputs (--precision "
                            + precision + ")", config.describeOptimizer(), batch, epochs, epochs == 1 ? "" : "s", seed);
            out.flush();
            trainAndReport(out, train, test, config, on, replicas, be);
        } finally {
            if (replicas != null) {
                replicas.forEach(Backend::close);
            }
        }
        return ExitCodes.OK;
    }

    private void trainAndReport(PrintWriter out, LabeledImages train, LabeledImages test, TrainConfig config, String on,
                        java.util.List<Backend> replicas, Backend be) {
        long start = System.nanoTime();
        ProgressBar progress = new ProgressBar(out, parent.interactive());
        Trainer.Result r = replicas == null ? Trainer.train(be, train, test, config, model, progress)
                : Trainer.trainDataParallel(replicas, train, test, config, progress);
        double total = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "test accuracy %.2f%% (%d/%d) after %d epoch%s; training %.1f s (%.2f s per epoch, "
                        + "%,.0f examples/s) on %s; %.1f s with evaluation%n", 100 * r.testAccuracy(), r.testCorrect(),
                r.testCount(), epochs, epochs == 1 ? "" : "s", r.trainSeconds(), r.secondsPerEpoch(),
                (double) train.count() * epochs / r.trainSeconds(), on, total);
        if (!r.precision().isEmpty()) {
            out.println(r.precision());
        }
    }

    /** fp32, bf16 or fp16 (case-insensitive) as a DType. */
    static DType precision(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fp32" -> DType.FLOAT32;
            case "bf16" -> DType.BFLOAT16;
            case "fp16" -> DType.FLOAT16;
            default -> throw new CliException("--precision must be fp32, bf16 or fp16, got " + name, ExitCodes.USAGE);
        };
    }

    static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new CliException(option + " must be at least " + min + ", got " + value, ExitCodes.USAGE);
        }
    }
}
