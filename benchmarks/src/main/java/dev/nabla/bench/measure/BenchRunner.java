package dev.nabla.bench.measure;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/** The measurements of {@code nabla bench}, one backend at a time. */
public final class BenchRunner {
    /** The network whose training step is timed: the one {@code nabla train} trains. */
    public static final int[] STEP_WIDTHS = {784, 256, 10};

    private final Timing.Budget budget;
    private final Consumer<String> progress;

    public BenchRunner(Timing.Budget budget, Consumer<String> progress) {
        this.budget = budget;
        this.progress = progress;
    }

    /**
     * Runs a 256 × 256 product and training steps of batch 32 for the budget's priming time, so that the JIT has
     * compiled the backend's kernels before anything is timed (the Vector API is slow until C2 has compiled it, and
     * on a busy 2-core machine that takes seconds).
     */
    public void prime(Backend backend) {
        progress.accept(backend.name() + ": priming (JIT warm-up, " + budget.primeSeconds() + " s)");
        Timing.Budget prime = new Timing.Budget(0, budget.primeSeconds() / 2, 0, 1, 0);
        measureGemm(backend, 256, prime);
        measureStep(backend, 32, prime);
    }

    /** C = A·B, n × n float32, timed with a synchronize after every product. */
    public BenchResults.GemmResult gemm(Backend backend, int n) {
        progress.accept(backend.name() + ": gemm " + n + "×" + n);
        return new BenchResults.GemmResult(backend.name(), n, measureGemm(backend, n, budget));
    }

    private static Timing.Sample measureGemm(Backend backend, int n, Timing.Budget budget) {
        try (Scope scope = backend.scope()) {
            Tensor a = backend.rand(n, n, 1L);
            Tensor b = backend.rand(n, n, 2L);
            Tensor c = backend.empty(n, n, DType.FLOAT32);
            return Timing.measure(() -> {
                backend.ops().gemm(false, false, 1.0, a, b, 0.0, c);
                backend.synchronize();
            }, budget);
        }
    }

    /** One training step of the 784-256-10 ReLU/softmax network on a batch (the loss read back ends the step). */
    public BenchResults.StepResult trainingStep(Backend backend, int batch) {
        progress.accept(backend.name() + ": training step, batch " + batch);
        return new BenchResults.StepResult(backend.name(), "784-256-10 ReLU/softmax", batch,
                measureStep(backend, batch, budget));
    }

    private static Timing.Sample measureStep(Backend backend, int batch, Timing.Budget budget) {
        int in = STEP_WIDTHS[0];
        int out = STEP_WIDTHS[2];
        float[] targets = new float[batch * out];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < batch; i++) {
            targets[i * out + r.nextInt(out)] = 1f;
        }
        try (Scope scope = backend.scope();
             Network net = Network.builder().input(in).dense(STEP_WIDTHS[1], Activation.RELU)
                     .dense(out, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(7).build(backend);
             Optimizer sgd = Optimizers.sgd(0.01).momentum(0.9)) {
            Tensor x = backend.rand(batch, in, 4L);
            Tensor t = backend.fromArray(targets, batch, out);
            return Timing.measure(() -> net.trainStep(x, t, sgd), budget);
        }
    }
}
