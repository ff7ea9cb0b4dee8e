package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.spi.ComputeBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocator stress: {@value #STEPS} seeded random steps that create tensors of random sizes (0 elements, small,
 * medium, now and then about a million, once {@value #HUGE_ROWS} × {@value #HUGE_COLS}), close them in random order,
 * write into live ones and run ops that allocate their outputs, FLOAT32 and (where supported) FLOAT64 mixed. After
 * every step every live tensor is read back and must hold exactly what the test last put there: an allocator that
 * hands out a range twice, or loses a release, shows up as a tensor whose contents changed under it (issue 12: the
 * aparapi arena did after about 34 operations).
 *
 * <p>An op's output is first compared with the same op computed on the host in float64 ({@link Tolerance}); from then
 * on the values read back are the tensor's expected contents, compared exactly.
 *
 * <p>Accounting: {@code Backend.stats().liveTensors()} must equal the number of tensors the test holds after every
 * step, and the backend must keep at least one live-buffer counter (a counter whose name starts with {@code live}:
 * {@code liveBuffers}, {@code liveDeviceBytes}, {@code liveArenaElements}); each must be above its starting value
 * while a non-empty tensor is alive, and back at its starting value whenever none is and at the end. Leak detection is
 * on, and must report nothing. A backend module extends this with {@link #createCompute()}.
 */
@ExtendWith(NoSkipOnCi.class)
public abstract class AllocatorStressContract {
    static final int STEPS = 2000;
    static final long SEED = 12;
    /** Elements alive at once before the test closes the largest tensors to make room (the huge one excepted). */
    static final long LIVE_ELEMENTS = 1_500_000;
    static final int LIVE_TENSORS = 24;
    /** A tensor larger than the 32 MiB first arena of the aparapi backend, created once among the live ones. */
    static final int HUGE_ROWS = 2999;
    static final int HUGE_COLS = 3001;

    /** A new instance of the backend implementation under test; the stress closes it. */
    protected abstract ComputeBackend createCompute();

    /** A tensor the test holds and the values it must contain (FLOAT32 values widened exactly). */
    private static final class Live {
        final Tensor tensor;
        final int id;
        double[] values;
        String history;

        Live(Tensor tensor, int id, double[] values, String history) {
            this.tensor = tensor;
            this.id = id;
            this.values = values;
            this.history = history;
        }

        String label() {
            return "#" + id + " " + tensor.rows() + "×" + tensor.cols() + " " + tensor.dtype() + " (" + history + ")";
        }
    }

    private Backend be;
    private SplittableRandom r;
    private final List<Live> live = new ArrayList<>();
    private int nextId;
    private int step;
    private boolean float64;
    private long checkNanos;

    @Test
    void randomAllocationsReleasesWritesAndOpsKeepEveryLiveTensorIntact() {
        long started = System.nanoTime();
        be = Backend.wrap(createCompute(), true);
        r = new SplittableRandom(SEED);
        float64 = be.supports(DType.FLOAT64);
        Map<String, Long> start = liveCounters();
        assertFalse(start.isEmpty(), be.name() + " keeps no live-buffer counter (a counter named live..., e.g. "
                + "liveBuffers) among " + be.stats().backendCounters().keySet());
        int[] actions = new int[6];
        long elementsChecked = 0;
        try {
            elementsChecked = run(start, actions);
            assertEquals(0, be.stats().liveTensors(), "every tensor was closed");
            assertEquals(start, liveCounters(), "the live-buffer counters are back where they started");
        } catch (AssertionError | RuntimeException e) {
            try {
                be.close();       // the device's memory goes back; a failure to close must not hide the first one
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        be.close();
        assertEquals(List.of(), be.leakReports(), "nothing was left open, nothing was collected unclosed");
        System.out.printf("[allocator stress] %s: %d steps (from host %d, filled %d, ops %d, axpy %d, writes %d, "
                        + "closes %d), %d tensors, %,d elements checked, in %.1f s (%.1f s of it reading back); live counters %s%n", be.name(), STEPS,
                actions[0], actions[1], actions[2], actions[3], actions[4], actions[5], nextId, elementsChecked,
                (System.nanoTime() - started) / 1e9, checkNanos / 1e9, start);
    }

    /** The steps; an exception from the backend fails the test with the step it happened at. */
    private long run(Map<String, Long> start, int[] actions) {
        try {
            return steps(start, actions);
        } catch (RuntimeException e) {
            throw new AssertionError("step " + step + " of " + STEPS + " [" + be.name() + "]: " + e, e);
        }
    }

    /** The steps, then every remaining tensor closed in random order; returns how many elements were read back. */
    private long steps(Map<String, Long> start, int[] actions) {
        long elementsChecked = 0;
        for (step = 0; step < STEPS; step++) {
            if (step == STEPS / 2) {
                createHuge();
            }
            int p = r.nextInt(100);
            int action = live.isEmpty() ? (p < 80 ? 0 : 1)          // nothing to work on: create
                    : p < 25 ? 0 : p < 30 ? 1 : p < 58 ? 2 : p < 63 ? 3 : p < 68 ? 4 : 5;
            actions[action]++;
            switch (action) {
                case 0 -> createFromHost();
                case 1 -> createFilled();
                case 2 -> runOp(pick());
                case 3 -> axpyInPlace(pick());
                case 4 -> overwrite(pick());
                default -> close(r.nextInt(4) == 0 ? largest() : r.nextInt(live.size()));
            }
            long t0 = System.nanoTime();
            elementsChecked += checkEverything(start);
            checkNanos += System.nanoTime() - t0;
        }
        while (!live.isEmpty()) {
            close(r.nextInt(live.size()));
            elementsChecked += checkEverything(start);
        }
        return elementsChecked;
    }

    // ---- the actions ---------------------------------------------------------------------------------------------------

    private void createFromHost() {
        int[] s = randomShape();
        makeRoom((long) s[0] * s[1]);
        fromHost(s[0], s[1], randomDType(), "from the host at step " + step);
    }

    private void createFilled() {
        int[] s = randomShape();
        DType dtype = randomDType();
        double value = round(dtype, r.nextDouble() * 4 - 2);
        makeRoom((long) s[0] * s[1]);
        Tensor t = be.full(s[0], s[1], value, dtype);
        double[] values = new double[s[0] * s[1]];
        Arrays.fill(values, value);
        hold(t, values, "full(" + value + ") at step " + step);
    }

    /** Once: a tensor larger than a first pool or arena, so that pools grow while other tensors are alive. */
    private void createHuge() {
        fromHost(HUGE_ROWS, HUGE_COLS, DType.FLOAT32, "the huge one, from the host at step " + step);
    }

    /** dst ← new values from the host, through the SPI's write into the live tensor's buffer. */
    private void overwrite(Live x) {
        double[] values = randomValues(x.values.length, x.tensor.dtype());
        if (x.tensor.dtype() == DType.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            be.compute().write(x.tensor.buffer(), f);
        } else {
            be.compute().write(x.tensor.buffer(), values);
        }
        x.values = values;
        x.history += ", overwritten at step " + step;
    }

    /** x ← α·y + x for a new y from the host. */
    private void axpyInPlace(Live x) {
        double alpha = r.nextDouble() * 2 - 1;
        makeRoom(x.values.length, x);
        Live y = fromHost(x.tensor.rows(), x.tensor.cols(), x.tensor.dtype(), "axpy operand at step " + step);
        double[] expected = new double[x.values.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = alpha * y.values[i] + x.values[i];
        }
        x.tensor.axpyInPlace(alpha, y.tensor);
        x.values = checked("axpyInPlace(" + alpha + ", #" + y.id + ") into " + x.label(), expected, 1, x.tensor);
        x.history += ", axpy at step " + step;
    }

    /** A new tensor from an op on x (and on a new operand from the host where the op takes two). */
    private void runOp(Live x) {
        Tensor a = x.tensor;
        int rows = a.rows();
        int cols = a.cols();
        double[] v = x.values;
        int op = r.nextInt(12);
        // x (rows × cols) · b (cols × n), n kept small enough that one product costs at most a million multiply-adds
        int n = 1 + r.nextInt((int) Math.max(1, Math.min(48, 1_000_000L / Math.max(1, (long) rows * cols))));
        makeRoom(op == 9 ? (long) cols * n + (long) rows * n : 2L * v.length + cols, x);
        String name;
        int k = 1;                             // the longest reduction behind an output element
        int outCols = cols;
        double[] expected;
        Tensor out;
        switch (op) {
            case 0 -> {
                name = "copy";
                out = a.copy();
                expected = v.clone();
            }
            case 1 -> {
                double s = r.nextDouble() * 2 - 1;
                name = "scale(" + s + ")";
                out = a.scale(s);
                expected = map(v, e -> s * e);
            }
            case 2 -> {
                name = "relu";
                out = a.relu();
                expected = map(v, e -> Math.max(0, e));
            }
            case 3 -> {
                name = "tanh";
                out = a.tanh();
                expected = map(v, Math::tanh);
            }
            case 4 -> {
                name = "sigmoid";
                out = a.sigmoid();
                expected = map(v, e -> 1 / (1 + Math.exp(-e)));
            }
            case 5, 6, 7 -> {
                Live y = fromHost(rows, cols, a.dtype(), "operand at step " + step);
                double[] w = y.values;
                expected = new double[v.length];
                if (op == 5) {
                    name = "add #" + y.id;
                    out = a.add(y.tensor);
                    for (int i = 0; i < v.length; i++) {
                        expected[i] = v[i] + w[i];
                    }
                } else if (op == 6) {
                    name = "sub #" + y.id;
                    out = a.sub(y.tensor);
                    for (int i = 0; i < v.length; i++) {
                        expected[i] = v[i] - w[i];
                    }
                } else {
                    name = "hadamard #" + y.id;
                    out = a.hadamard(y.tensor);
                    for (int i = 0; i < v.length; i++) {
                        expected[i] = v[i] * w[i];
                    }
                }
            }
            case 8 -> {
                Live b = fromHost(1, cols, a.dtype(), "row vector at step " + step);
                name = "addRowVector #" + b.id;
                out = a.addRowVector(b.tensor);
                expected = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    expected[i] = v[i] + b.values[i % cols];
                }
            }
            case 9 -> {
                Live b = fromHost(cols, n, a.dtype(), "matmul operand at step " + step);
                name = "matmul #" + b.id;
                out = a.matmul(b.tensor);
                expected = new double[rows * n];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < n; j++) {
                        double acc = 0;
                        for (int p = 0; p < cols; p++) {
                            acc += v[i * cols + p] * b.values[p * n + j];
                        }
                        expected[i * n + j] = acc;
                    }
                }
                k = cols;
                outCols = n;
            }
            case 10 -> {
                name = "sumColumns";
                out = a.sumColumns();
                expected = new double[cols];
                for (int i = 0; i < v.length; i++) {
                    expected[i % cols] += v[i];
                }
                k = rows;
            }
            default -> {
                name = "sum";
                out = a.sum();
                double acc = 0;
                for (double e : v) {
                    acc += e;
                }
                expected = new double[]{acc};
                k = v.length;
                outCols = 1;
            }
        }
        String label = name + " of " + x.label() + " at step " + step;
        hold(out, checked(label, expected, k, out), label);
        assertEquals(outCols, out.cols(), label);
    }

    private void close(int index) {
        live.remove(index).tensor.close();
    }

    // ---- bookkeeping ---------------------------------------------------------------------------------------------------

    /** Reads every live tensor back (each must hold exactly its values) and checks the accounting. */
    private long checkEverything(Map<String, Long> start) {
        long elements = 0;
        boolean anyNonEmpty = false;
        for (Live x : live) {
            double[] got = x.tensor.toDoubleArray();
            assertExactly(x, got);
            elements += got.length;
            anyNonEmpty |= got.length > 0;
        }
        assertEquals(live.size(), be.stats().liveTensors(), () -> "step " + step + ": live tensors");
        Map<String, Long> now = liveCounters();
        assertEquals(start.keySet(), now.keySet(), () -> "step " + step + ": the live-buffer counters");
        for (Map.Entry<String, Long> c : now.entrySet()) {
            long at = start.get(c.getKey());
            if (anyNonEmpty) {
                assertTrue(c.getValue() > at, "step " + step + ": " + c.getKey() + " is " + c.getValue()
                        + " with non-empty tensors alive, no more than at the start (" + at + ")");
            } else if (live.isEmpty()) {
                assertEquals(at, c.getValue(), "step " + step + ": " + c.getKey() + " with no tensor alive");
            }
        }
        return elements;
    }

    /** Element by element, bit for bit (FLOAT32 values widened exactly): nothing may have written over it. */
    private void assertExactly(Live x, double[] got) {
        double[] want = x.values;
        assertEquals(want.length, got.length, () -> x.label() + ": length");
        int bad = 0;
        int first = -1;
        for (int i = 0; i < want.length; i++) {
            if (Double.compare(want[i], got[i]) != 0) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad > 0) {
            int cols = Math.max(1, x.tensor.cols());
            throw new AssertionError("step " + step + ": tensor " + x.label() + " changed under the test: " + bad + " of "
                    + want.length + " elements differ; first at (" + first / cols + ", " + first % cols + "): expected "
                    + want[first] + ", got " + got[first] + " [" + be.name() + "]");
        }
    }

    /** The op's output compared with its float64 host value; returns the values read back, now its exact contents. */
    private double[] checked(String what, double[] expected, int k, Tensor out) {
        double[] got = out.toDoubleArray();
        Tolerance.of(out.dtype(), k).assertClose(what + " [" + be.name() + "]", expected, got, out.cols());
        return got;
    }

    private Live hold(Tensor t, double[] values, String history) {
        Live x = new Live(t, nextId++, values, history);
        live.add(x);
        return x;
    }

    /** A new tensor of random values written from the host, held. */
    private Live fromHost(int rows, int cols, DType dtype, String history) {
        double[] values = randomValues(rows * cols, dtype);
        return hold(be.fromArray(values, rows, cols, dtype), values, history);
    }

    /**
     * Closes the largest tensors (never those in {@code keep}) until {@code elements} more fit in the budget of
     * {@value #LIVE_ELEMENTS} elements, with room for three more tensors under {@value #LIVE_TENSORS}.
     */
    private void makeRoom(long elements, Live... keep) {
        while (live.size() + 3 > LIVE_TENSORS || liveElements() + elements > LIVE_ELEMENTS) {
            int victim = largest(keep);
            if (victim < 0) {
                return;
            }
            close(victim);
        }
    }

    private long liveElements() {
        long n = 0;
        for (Live x : live) {
            n += x.values.length;
        }
        return n;
    }

    /** The index of the largest live tensor not in {@code keep}, −1 when there is none. */
    private int largest(Live... keep) {
        int best = -1;
        for (int i = 0; i < live.size(); i++) {
            Live x = live.get(i);
            if (!Arrays.asList(keep).contains(x) && (best < 0 || x.values.length > live.get(best).values.length)) {
                best = i;
            }
        }
        return best;
    }

    private Live pick() {
        return live.get(r.nextInt(live.size()));
    }

    /** 6% empty (0 rows or 0 columns), 75% up to 40 × 40, 18% up to 200 × 200, 1% about a million elements. */
    private int[] randomShape() {
        int p = r.nextInt(100);
        if (p < 6) {
            return r.nextBoolean() ? new int[]{0, r.nextInt(50)} : new int[]{r.nextInt(50), 0};
        }
        if (p < 81) {
            return new int[]{1 + r.nextInt(40), 1 + r.nextInt(40)};
        }
        if (p < 99) {
            return new int[]{1 + r.nextInt(200), 1 + r.nextInt(200)};
        }
        return new int[]{900 + r.nextInt(200), 900 + r.nextInt(200)};
    }

    private DType randomDType() {
        return float64 && r.nextInt(4) == 0 ? DType.FLOAT64 : DType.FLOAT32;
    }

    /** Uniform in [−1, 1), rounded to the dtype so that the values written are exactly the values expected. */
    private double[] randomValues(int n, DType dtype) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = round(dtype, r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static double round(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? (float) v : v;
    }

    private static double[] map(double[] v, java.util.function.DoubleUnaryOperator f) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = f.applyAsDouble(v[i]);
        }
        return out;
    }

    /** Every backend counter whose name starts with "live", by name. */
    private Map<String, Long> liveCounters() {
        Map<String, Long> m = new TreeMap<>();
        be.stats().backendCounters().forEach((name, value) -> {
            if (name.startsWith("live")) {
                m.put(name, value);
            }
        });
        return m;
    }
}
