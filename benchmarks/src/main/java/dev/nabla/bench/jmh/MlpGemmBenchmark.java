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
 * The three products of one training step of a 784-1024-… MLP at batch 256, float32, as {@code MxNxK:T}:
 * X·W (256×784)·(784×1024) is {@code 256x1024x784:NN}; Aᵀ·δ, X stored 256×784 and δ 256×1024, is
 * {@code 784x1024x256:TN}; δ·Wᵀ, δ 256×1024 and W stored 784×1024, is {@code 256x784x1024:NT}.
 * GFLOP/s = 2MNK / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class MlpGemmBenchmark {
    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    @Param({"256x1024x784:NN", "784x1024x256:TN", "256x784x1024:NT"})
    public String shape;

    private Backend be;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private boolean transA;
    private boolean transB;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        String[] dims = shape.split("[x:]");
        int m = Integer.parseInt(dims[0]);
        int n = Integer.parseInt(dims[1]);
        int k = Integer.parseInt(dims[2]);
        transA = dims[3].charAt(0) == 'T';
        transB = dims[3].charAt(1) == 'T';
        a = (transA ? be.rand(k, m, 1L) : be.rand(m, k, 1L)).detach();
        b = (transB ? be.rand(n, k, 2L) : be.rand(k, n, 2L)).detach();
        c = be.empty(m, n, DType.FLOAT32).detach();
    }

    @Benchmark
    public void gemm() {
        be.ops().gemm(transA, transB, 1.0, a, b, 0.0, c);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
    }
}
