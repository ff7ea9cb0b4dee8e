package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
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
 * Bandwidth-bound ops on {@code elements} floats (rows × 1024), each one pass over memory, against a plain copy of
 * the same size: the bar they are held to (issues: ≥ 0.8× copy bandwidth). Bytes moved per element — copy 8,
 * sigmoid 8, σ′ 8, ⊙ 12, bias+activation 8 (the 1 × 1024 bias stays in cache), δ ⊙ σ′(A) in place 12 — so GB/s =
 * elements · bytes / time. On cpu the copy is System.arraycopy; on opencl, clEnqueueCopyBuffer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class BandwidthBenchmark {
    static final int COLS = 1024;

    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    /** 16M floats (64 MiB per array): far beyond every cache. */
    @Param({"16777216"})
    public int elements;

    private Backend be;
    private Tensor a;
    private Tensor d;
    private Tensor out;
    private Tensor bias;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        int rows = Math.max(1, elements / COLS);
        a = be.rand(rows, COLS, 1L).detach();
        d = be.randn(rows, COLS, 2L).detach();
        out = be.empty(rows, COLS, DType.FLOAT32).detach();
        bias = be.randn(1, COLS, 3L).detach();
    }

    /** The bar: out ← a (8 B/element). */
    @Benchmark
    public void copy() {
        be.ops().copy(a, out);
        be.synchronize();
    }

    /** out = σ(d) (8 B/element). */
    @Benchmark
    public void sigmoid() {
        be.ops().unary(UnaryOp.SIGMOID, 0, d, out);
        be.synchronize();
    }

    /** out = σ′ from the stored output a: a(1 − a) (8 B/element). */
    @Benchmark
    public void sigmoidGrad() {
        be.ops().unary(UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, 0, a, out);
        be.synchronize();
    }

    /** out = a ⊙ d (12 B/element). */
    @Benchmark
    public void hadamard() {
        be.ops().binary(BinaryOp.MUL, a, d, Broadcast.NONE, out);
        be.synchronize();
    }

    /** out = σ(d + 1·b): bias + activation, one pass (8 B/element). */
    @Benchmark
    public void biasSigmoid() {
        be.ops().biasActivation(UnaryOp.SIGMOID, d, bias, out);
        be.synchronize();
    }

    /** d ← d ⊙ σ′(a): the δ epilogue of backprop (σ′⊙), in place, one pass (12 B/element). */
    @Benchmark
    public void deltaEpilogue() {
        be.ops().activationBackward(UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, a, d, d);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        d.close();
        out.close();
        bias.close();
    }
}
