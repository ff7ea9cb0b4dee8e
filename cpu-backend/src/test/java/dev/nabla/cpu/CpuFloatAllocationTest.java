package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The float32 and float64 Vector API kernels allocate nothing per call, whatever the JIT's profile. Three profiles, in
 * one JVM, each measured: first the 16-bit kernels' σ and tanh (which call VectorFloatMath too), then σ and tanh
 * alone on both dtypes (a network's profile: call sites that have seen two activations, the profile that made C2
 * inline both loops into one call site), measured; then every activation, derivative, unary and binary op, the
 * softmax and the fused loss on both dtypes at several widths (with and without a remainder past the last whole
 * vector), {@value #POLLUTION_ROUNDS} times, as a JVM running the whole suite sees them, and every op measured. Each
 * op's bytes per call, over {@value #CALLS} calls, must stay under {@value #BOUND_PER_CALL} bytes.
 *
 * <p>Why this is a test: in CI's shared JVM, VECTOR {@code biasActivation(σ)} on 2 × 2048 elements allocated 32,808
 * bytes per call (a FloatVector boxed per loop step), where a fresh JVM measured about 40; on main's kernels this
 * test measured up to 657 KB per call (float64 σ, tanh, log; the loss terms; the softmax). What remains per call is
 * a few small objects (the lambda the backend splits the work with, lossAndDelta's partial sums), tens of bytes; a
 * boxed vector per loop step is kilobytes at these widths. It runs in a JVM of its own (the {@code allocation}
 * surefire execution), so that its profile is the one it builds here. (HotSpot's per-thread allocation counter;
 * the test is skipped on a JVM without it.)
 */
class CpuFloatAllocationTest {
    /** Times every op runs, on every width, before anything is measured: enough for C2 to compile them all. */
    private static final int POLLUTION_ROUNDS = 400;
    private static final int WARMUP_CALLS = 1000;
    private static final int CALLS = 1000;
    private static final int ROUNDS = 10;
    /** Bytes per call; see the class comment for why. */
    private static final long BOUND_PER_CALL = 1024;
    /** Row widths the pollution runs at: below one vector, whole vectors, and whole vectors plus a remainder. */
    private static final int[] WIDTHS = {3, 64, 67, 1000, 2048, 2051};
    private static final int ROWS = 2;

    private static final UnaryOp[] ACTIVATIONS = {UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU, UnaryOp.IDENTITY};
    private static final UnaryOp[] GRADIENTS = {UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, UnaryOp.TANH_GRAD_FROM_OUTPUT,
        UnaryOp.RELU_GRAD_FROM_OUTPUT, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT};

    private static final BinaryOp[] LOSS_TERMS = {BinaryOp.HALF_SQUARED_ERROR, BinaryOp.BINARY_CROSS_ENTROPY,
        BinaryOp.CROSS_ENTROPY};
    private static final UnaryOp[] OUTPUT_GRADIENTS = {UnaryOp.IDENTITY_GRAD_FROM_OUTPUT,
        UnaryOp.SIGMOID_GRAD_FROM_OUTPUT};

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
        assumeTrue(t instanceof com.sun.management.ThreadMXBean
                && ((com.sun.management.ThreadMXBean) t).isThreadAllocatedMemorySupported(),
                "this JVM does not count the bytes a thread allocates");
        com.sun.management.ThreadMXBean s = (com.sun.management.ThreadMXBean) t;
        s.setThreadAllocatedMemoryEnabled(true);
        return s;
    }

    /**
     * Bytes the calling thread allocates per run of {@code call}: the fewest over up to {@value #ROUNDS} rounds of
     * CALLS runs, after WARMUP_CALLS (stopping once a round is under the bound). Boxed vectors show in every round.
     */
    static double bytesPerCall(Runnable call) {
        return bytesPerCall(call, WARMUP_CALLS, CALLS);
    }

    /** {@link #bytesPerCall(Runnable)} with {@code warmup} calls first and rounds of {@code calls}. */
    static double bytesPerCall(Runnable call, int warmup, int calls) {
        com.sun.management.ThreadMXBean t = threads();
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        double fewest = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS && fewest >= BOUND_PER_CALL; round++) {
            long before = t.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            fewest = Math.min(fewest, (double) (t.getCurrentThreadAllocatedBytes() - before) / calls);
        }
        return fewest;
    }

    /** Measures every op before asserting, so that a failure reports all of them. */
    static final class Measurements {
        private final StringBuilder over = new StringBuilder();
        private final int warmup;
        private final int calls;

        Measurements() {
            this(WARMUP_CALLS, CALLS);
        }

        /** Measurements of {@code calls} calls a round after {@code warmup} calls (large operands: a few). */
        Measurements(int warmup, int calls) {
            this.warmup = warmup;
            this.calls = calls;
        }

        void measure(String what, Runnable call) {
            double perCall = bytesPerCall(call, warmup, calls);
            System.out.printf("%s: %.1f bytes per call%n", what, perCall);
            if (perCall >= BOUND_PER_CALL) {
                over.append("\n  ").append(what).append(" allocates ").append(perCall).append(" bytes per call");
            }
        }

        void assertUnderBound() {
            assertTrue(over.length() == 0, "more than " + BOUND_PER_CALL + " bytes per call:" + over);
        }
    }

    /** The parameter each op is run with: a power of 2 for POW, a scale or a clamp otherwise. */
    private static double param(UnaryOp op) {
        return op == UnaryOp.POW ? 2 : 0.5;
    }

    /** Buffers of one dtype, ROWS × the widest width, with values every op takes (probabilities in (0, 1)). */
    static final class Workload {
        final CpuBackend be;
        final DType dtype;
        final DeviceBuffer x, y, z, bias, a, d, out, rowBias, columnBias, loss;

        Workload(CpuBackend be, DType dtype) {
            this(be, dtype, WIDTHS[WIDTHS.length - 1]);
        }

        /** Buffers for rows of up to {@code widest} columns. */
        Workload(CpuBackend be, DType dtype, int widest) {
            this.be = be;
            this.dtype = dtype;
            int n = ROWS * widest;
            x = filled(n, 0.25);
            y = filled(n, 0.75);
            z = filled(n, 0.3);
            bias = filled(widest, -0.5);
            a = filled(n, 0.6);
            d = filled(n, 2);
            out = filled(n, 0);
            rowBias = filled(widest, 0.125);
            columnBias = filled(ROWS, 0.125);
            loss = filled(1, 0);
        }

        private DeviceBuffer filled(int n, double v) {
            DeviceBuffer buf = be.allocate(dtype, n);
            be.fill(buf, n, v);
            return buf;
        }

        /** Every activation, derivative, unary and binary op and the softmax once at {@code cols} columns. */
        void everyOp(int cols) {
            int n = ROWS * cols;
            for (UnaryOp act : ACTIVATIONS) {
                be.biasActivation(act, z, bias, out, ROWS, cols);
            }
            for (UnaryOp g : GRADIENTS) {
                be.activationBackward(g, a, d, out, ROWS, cols);
            }
            for (UnaryOp op : UnaryOp.values()) {
                be.unary(op, param(op), x, out, n);
            }
            for (BinaryOp op : BinaryOp.values()) {
                be.binary(op, x, y, Broadcast.NONE, out, ROWS, cols);
                be.binary(op, x, rowBias, Broadcast.ROW, out, ROWS, cols);
                be.binary(op, x, columnBias, Broadcast.COLUMN, out, ROWS, cols);
            }
            be.softmaxRows(x, out, ROWS, cols);
            for (BinaryOp term : LOSS_TERMS) {
                for (UnaryOp g : OUTPUT_GRADIENTS) {
                    be.lossAndDelta(term, g, x, y, out, loss, ROWS, cols);
                }
            }
        }

        /** biasActivation with σ and with tanh at {@code cols} columns (any dtype, the 16-bit ones included). */
        void biasSigmoidAndTanh(int cols) {
            be.biasActivation(UnaryOp.SIGMOID, z, bias, out, ROWS, cols);
            be.biasActivation(UnaryOp.TANH, z, bias, out, ROWS, cols);
        }

        /** σ and tanh alone (bias + activation, the activation, its derivative) at {@code cols} columns. */
        void sigmoidAndTanh(int cols) {
            int n = ROWS * cols;
            for (UnaryOp act : new UnaryOp[] {UnaryOp.SIGMOID, UnaryOp.TANH}) {
                be.biasActivation(act, z, bias, out, ROWS, cols);
                be.unary(act, 0, x, out, n);
            }
            for (UnaryOp g : new UnaryOp[] {UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, UnaryOp.TANH_GRAD_FROM_OUTPUT}) {
                be.activationBackward(g, a, d, out, ROWS, cols);
            }
        }

        /** The ops of {@link #sigmoidAndTanh}, each measured on its own at 2 × 2048 and 2 × 2051. */
        void measureSigmoidAndTanh(Measurements m) {
            for (int cols : new int[] {2048, 2051}) {
                int n = ROWS * cols;
                String shape = " " + ROWS + "×" + cols + " (σ and tanh seen)";
                for (UnaryOp act : new UnaryOp[] {UnaryOp.SIGMOID, UnaryOp.TANH}) {
                    m.measure(dtype + " biasActivation(" + act + ")" + shape,
                            () -> be.biasActivation(act, z, bias, out, ROWS, cols));
                    m.measure(dtype + " unary(" + act + ")" + shape, () -> be.unary(act, 0, x, out, n));
                }
            }
        }

        /** Each op of {@link #everyOp} measured on its own, at 2 × 2048 (whole vectors) and 2 × 2051. */
        void measureEach(Measurements m) {
            measureEachAt(m, 2048, 2051);
        }

        /** Each op of {@link #everyOp} measured on its own, at 2 × each of {@code widths}. */
        void measureEachAt(Measurements m, int... widths) {
            for (int cols : widths) {
                int n = ROWS * cols;
                String shape = " " + ROWS + "×" + cols;
                for (UnaryOp act : ACTIVATIONS) {
                    m.measure(dtype + " biasActivation(" + act + ")" + shape,
                            () -> be.biasActivation(act, z, bias, out, ROWS, cols));
                }
                for (UnaryOp g : GRADIENTS) {
                    m.measure(dtype + " activationBackward(" + g + ")" + shape,
                            () -> be.activationBackward(g, a, d, out, ROWS, cols));
                }
                for (UnaryOp op : UnaryOp.values()) {
                    m.measure(dtype + " unary(" + op + ")" + shape, () -> be.unary(op, param(op), x, out, n));
                }
                for (BinaryOp op : BinaryOp.values()) {
                    for (Broadcast bc : Broadcast.values()) {
                        DeviceBuffer b = bc == Broadcast.NONE ? y : bc == Broadcast.ROW ? rowBias : columnBias;
                        m.measure(dtype + " binary(" + op + ", " + bc + ")" + shape,
                                () -> be.binary(op, x, b, bc, out, ROWS, cols));
                    }
                }
                m.measure(dtype + " softmaxRows" + shape, () -> be.softmaxRows(x, out, ROWS, cols));
                for (BinaryOp term : LOSS_TERMS) {
                    for (UnaryOp g : OUTPUT_GRADIENTS) {
                        m.measure(dtype + " lossAndDelta(" + term + ", " + g + ")" + shape,
                                () -> be.lossAndDelta(term, g, x, y, out, loss, ROWS, cols));
                    }
                }
            }
        }
    }

    /** Runs every op on both dtypes and every width {@value #POLLUTION_ROUNDS} times. */
    static void pollute(Workload... workloads) {
        for (int round = 0; round < POLLUTION_ROUNDS; round++) {
            for (int cols : WIDTHS) {
                for (Workload w : workloads) {
                    w.everyOp(cols);
                }
            }
        }
    }

    @Test
    void vectorKernelsAllocateNothingPerCallOnceEveryOpHasRun() {
        assumeTrue(CpuPath.vectorModulePresent(), "the VECTOR path needs --add-modules jdk.incubator.vector");
        threads();
        try (CpuBackend be = new CpuBackend(CpuPath.VECTOR, 1)) {
            Workload f32 = new Workload(be, DType.FLOAT32);
            Workload f64 = new Workload(be, DType.FLOAT64);
            Measurements m = new Measurements();
            // first the 16-bit kernels' σ and tanh, which call VectorFloatMath's too (as CpuHalfKernelsTest does
            // before these tests in a shared JVM): C2 may then compile sigmoid or tanh as methods of their own
            Workload bf16 = new Workload(be, DType.BFLOAT16);
            for (int round = 0; round < POLLUTION_ROUNDS; round++) {
                for (int cols : WIDTHS) {
                    bf16.biasSigmoidAndTanh(cols);
                }
            }
            // then the profile of a network with σ and tanh layers: the call sites see two activations only
            for (int round = 0; round < POLLUTION_ROUNDS; round++) {
                for (int cols : WIDTHS) {
                    f32.sigmoidAndTanh(cols);
                    f64.sigmoidAndTanh(cols);
                }
            }
            f32.measureSigmoidAndTanh(m);
            f64.measureSigmoidAndTanh(m);
            pollute(f32, f64);
            f32.measureEach(m);
            f64.measureEach(m);
            m.assertUnderBound();
        }
    }
}
