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
 * The elementwise primitives on a rows × 1024 float32 matrix, explicit outputs (no allocation): σ, σ′ from the
 * stored output a⊙(1−a), and the Hadamard product ⊙. Memory-bound: compare with bytes moved, not FLOPs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)   // the Vector API is slow and allocates until C2 has compiled it
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class ElementwiseBenchmark {
    static final int COLS = 1024;

    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    @Param({"64", "1024"})
    public int rows;

    private Backend be;
    private Tensor x;
    private Tensor y;
    private Tensor out;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        x = be.randn(rows, COLS, 1L).detach();
        y = be.rand(rows, COLS, 2L).detach();
        out = be.empty(rows, COLS, DType.FLOAT32).detach();
    }

    @Benchmark
    public void sigmoid() {
        be.ops().unary(UnaryOp.SIGMOID, 0.0, x, out);
        be.synchronize();
    }

    @Benchmark
    public void sigmoidGradFromOutput() {
        be.ops().unary(UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, 0.0, y, out);
        be.synchronize();
    }

    @Benchmark
    public void hadamard() {
        be.ops().binary(BinaryOp.MUL, x, y, Broadcast.NONE, out);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        y.close();
        out.close();
    }
}
