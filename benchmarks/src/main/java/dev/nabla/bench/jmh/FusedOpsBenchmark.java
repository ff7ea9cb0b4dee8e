package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.UnaryOp;
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

import java.util.concurrent.TimeUnit;

/**
 * The fused ops of a training step of the 784-256-10 network, at its shapes for a batch: bias + ReLU on the hidden
 * layer, the back-propagated error (δ·Wᵀ) ⊙ relu′(a), d ⊙ σ′(a), softmax cross-entropy loss + δ, and an SGD step
 * with momentum on W1. A backend's override of a fused op is worth it only if it beats the composed default here.
 * Run with the GC profiler ({@code nabla jmh} adds it): explicit-output ops should allocate nothing per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)   // the Vector API is slow and allocates until C2 has compiled it
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class FusedOpsBenchmark {
    static final int IN = 784;
    static final int HIDDEN = 256;
    static final int OUT = 10;

    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    @Param({"64", "512"})
    public int batch;

    private Backend be;
    private Tensor z;
    private Tensor bias;
    private Tensor hidden;
    private Tensor delta;
    private Tensor w2;
    private Tensor deltaHidden;
    private Tensor f;
    private Tensor t;
    private Tensor deltaOut;
    private Tensor loss;
    private Tensor w1;
    private Tensor g1;
    private Tensor v1;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        z = be.randn(batch, HIDDEN, 1L).detach();
        bias = be.randn(1, HIDDEN, 2L).detach();
        hidden = be.rand(batch, HIDDEN, 3L).detach();
        delta = be.randn(batch, OUT, 4L).detach();
        w2 = be.randn(HIDDEN, OUT, 5L).detach();
        deltaHidden = be.empty(batch, HIDDEN, DType.FLOAT32).detach();
        try (Tensor logits = be.randn(batch, OUT, 6L)) {
            f = logits.softmaxRows().detach();
        }
        float[] oneHot = new float[batch * OUT];
        for (int i = 0; i < batch; i++) {
            oneHot[i * OUT + i % OUT] = 1f;
        }
        t = be.fromArray(oneHot, batch, OUT).detach();
        deltaOut = be.empty(batch, OUT, DType.FLOAT32).detach();
        loss = be.empty(1, 1, DType.FLOAT32).detach();
        w1 = be.randn(IN, HIDDEN, 7L).detach();
        g1 = be.randn(IN, HIDDEN, 8L).detach();
        v1 = be.zeros(IN, HIDDEN).detach();
    }

    @Benchmark
    public void biasRelu() {
        be.ops().biasActivation(UnaryOp.RELU, z, bias, hidden);
        be.synchronize();
    }

    @Benchmark
    public void backpropDeltaRelu() {
        be.ops().backpropDelta(UnaryOp.RELU_GRAD_FROM_OUTPUT, delta, w2, hidden, deltaHidden);
        be.synchronize();
    }

    @Benchmark
    public void activationBackwardSigmoid() {
        be.ops().activationBackward(UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, hidden, z, deltaHidden);
        be.synchronize();
    }

    @Benchmark
    public void softmaxCrossEntropyLossAndDelta() {
        be.ops().lossAndDelta(BinaryOp.CROSS_ENTROPY, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, f, t, deltaOut, loss);
        be.synchronize();
    }

    @Benchmark
    public void sgdMomentumStepW1() {
        be.ops().sgdStep(w1, g1, v1, 1e-6, 0.9, 0.0);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor x : new Tensor[]{z, bias, hidden, delta, w2, deltaHidden, f, t, deltaOut, loss, w1, g1, v1}) {
            x.close();
        }
    }
}
