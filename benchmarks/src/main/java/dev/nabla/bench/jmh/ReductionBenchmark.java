package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
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
 * The reductions over the batch in backpropagation, at the first layer of the 784-256-10 network: the weight
 * gradient dW = Aᵀ·δ (784 × 256, a reduction of length N) and the bias gradient db = 1ᵀ·δ (column sums).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)   // the Vector API is slow and allocates until C2 has compiled it
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class ReductionBenchmark {
    static final int IN = 784;
    static final int HIDDEN = 256;

    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    @Param({"64", "512", "4096"})
    public int batch;

    private Backend be;
    private Tensor a;
    private Tensor delta;
    private Tensor dW;
    private Tensor db;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        a = be.rand(batch, IN, 1L).detach();
        delta = be.randn(batch, HIDDEN, 2L).detach();
        dW = be.empty(IN, HIDDEN, DType.FLOAT32).detach();
        db = be.empty(1, HIDDEN, DType.FLOAT32).detach();
    }

    @Benchmark
    public void weightGradientATransposeDelta() {
        be.ops().gemm(true, false, 1.0, a, delta, 0.0, dW);
        be.synchronize();
    }

    @Benchmark
    public void biasGradientColumnSums() {
        be.ops().sumColumns(delta, db);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        delta.close();
        dW.close();
        db.close();
    }
}
