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
 * C = α·op(A)·op(B) + β·C (n × n, β = 0; float32 unless {@code dtype} says FLOAT64) with each transpose: NN is X·W (forward), TN is Aᵀ·δ (weight
 * gradients), NT is δ·Wᵀ (back-propagated error). GFLOP/s = 2n³ / time. Every invocation waits for its result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)   // the Vector API is slow and allocates until C2 has compiled it
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class GemmBenchmark {
    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    @Param({"128", "512", "1024"})
    public int n;

    @Param({"NN", "TN", "NT"})
    public String transpose;

    @Param({"FLOAT32"})
    public String dtype;

    private Backend be;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private boolean transA;
    private boolean transB;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        DType dt = DType.valueOf(dtype);
        a = be.rand(n, n, 1L, dt).detach();
        b = be.rand(n, n, 2L, dt).detach();
        c = be.empty(n, n, dt).detach();
        transA = transpose.charAt(0) == 'T';
        transB = transpose.charAt(1) == 'T';
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
