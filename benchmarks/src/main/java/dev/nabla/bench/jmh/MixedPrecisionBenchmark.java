package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
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
 * BFLOAT16 (or FLOAT16) against FLOAT32, side by side (issue 16's targets):
 * <ul>
 *   <li>{@code gemm}: n × n × n, A and B of {@code dtype}, C FLOAT32 (the 16-bit inputs decoded in the packing on
 *       cpu, while loading tiles on opencl); GFLOP/s = 2n³ / time. Target: bf16 ≥ 0.9× float32 on cpu.</li>
 *   <li>{@code biasSigmoid}: σ(z + 1·b) on a 4096 × 4096 (16.8M elements) tensor of {@code dtype};
 *       {@code deltaSigmoidPrime}: δ ⊙ σ′(a) on the same size (into a separate output: in place, repeated
 *       invocations would shrink δ into subnormals). Bandwidth-bound: target ≥ 1.7× float32 elements/s.</li>
 *   <li>{@code trainingStep}: one SGD step of a 784-1024-1024-10 ReLU/softmax network at batch 256 with
 *       {@code precision} (FLOAT32: the plain network).</li>
 * </ul>
 * Each invocation waits for its result.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)   // the Vector API is slow and allocates until C2 has compiled it
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class MixedPrecisionBenchmark {

    /** A square product with 16-bit or float32 inputs and a FLOAT32 C. */
    @State(Scope.Benchmark)
    public static class Gemm {
        /** Replaced by {@code nabla jmh} with every available backend. */
        @Param({"cpu"})
        public String backend;

        @Param({"1024", "2048"})
        public int n;

        @Param({"FLOAT32", "BFLOAT16"})
        public String dtype;

        Backend be;
        Tensor a;
        Tensor b;
        Tensor c;

        @Setup(Level.Trial)
        public void setUp() {
            be = JmhBackends.start(backend);
            DType dt = DType.valueOf(dtype);
            try (dev.nabla.Scope s = be.scope()) {
                a = be.rand(n, n, 1L).cast(dt).detach();
                b = be.rand(n, n, 2L).cast(dt).detach();
            }
            c = be.empty(n, n, DType.FLOAT32).detach();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            a.close();
            b.close();
            c.close();
        }
    }

    /** 16.8M elements of {@code dtype}: z, a bias row, a stored activation a and δ. */
    @State(Scope.Benchmark)
    public static class Elementwise {
        /** Replaced by {@code nabla jmh} with every available backend. */
        @Param({"cpu"})
        public String backend;

        @Param({"FLOAT32", "BFLOAT16"})
        public String dtype;

        static final int ROWS = 4096;
        static final int COLS = 4096;
        Backend be;
        Tensor z;
        Tensor bias;
        Tensor a;
        Tensor delta;
        Tensor out;

        @Setup(Level.Trial)
        public void setUp() {
            be = JmhBackends.start(backend);
            DType dt = DType.valueOf(dtype);
            try (dev.nabla.Scope s = be.scope()) {
                z = be.rand(ROWS, COLS, 3L).cast(dt).detach();
                bias = be.rand(1, COLS, 4L).cast(dt).detach();
                a = be.rand(ROWS, COLS, 5L).cast(dt).detach();
                delta = be.rand(ROWS, COLS, 6L).cast(dt).detach();
            }
            out = be.empty(ROWS, COLS, dt).detach();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            z.close();
            bias.close();
            a.close();
            delta.close();
            out.close();
        }
    }

    /** A 784-1024-1024-10 network at batch 256 with {@code precision}. */
    @State(Scope.Benchmark)
    public static class Step {
        /** Replaced by {@code nabla jmh} with every available backend. */
        @Param({"cpu"})
        public String backend;

        @Param({"FLOAT32", "BFLOAT16"})
        public String precision;

        Backend be;
        Network net;
        Optimizer sgd;
        Tensor x;
        Tensor t;

        @Setup(Level.Trial)
        public void setUp() {
            be = JmhBackends.start(backend);
            net = Network.builder().input(784).dense(1024, Activation.RELU).dense(1024, Activation.RELU)
                    .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(7)
                    .precision(DType.valueOf(precision)).build(be);
            sgd = Optimizers.sgd(0.01);
            x = be.rand(256, 784, 1L).detach();
            float[] oneHot = new float[256 * 10];
            for (int i = 0; i < 256; i++) {
                oneHot[i * 10 + i % 10] = 1f;
            }
            t = be.fromArray(oneHot, 256, 10).detach();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            x.close();
            t.close();
            sgd.close();
            net.close();
        }
    }

    @Benchmark
    public void gemm(Gemm s) {
        s.be.ops().gemm(false, false, 1.0, s.a, s.b, 0.0, s.c);
        s.be.synchronize();
    }

    @Benchmark
    public void biasSigmoid(Elementwise s) {
        s.be.ops().biasActivation(UnaryOp.SIGMOID, s.z, s.bias, s.out);
        s.be.synchronize();
    }

    @Benchmark
    public void deltaSigmoidPrime(Elementwise s) {
        s.be.ops().activationBackward(UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, s.a, s.delta, s.out);
        s.be.synchronize();
    }

    @Benchmark
    public void trainingStep(Step s) {
        s.net.trainStepWithoutLoss(s.x, s.t, s.sgd);
        s.be.synchronize();
    }
}
