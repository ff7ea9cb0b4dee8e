package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.HalfFloats;
import dev.nabla.IndexOutOfRangeException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.UnsupportedDTypeException;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The issue-13 part of the contract: INT32 tensors, casts, strided copies (views, transposes, concatenations, explicit
 * broadcasts), row gathers and their adjoint, argmax, one-hot rows, comparisons and where, each against the float64
 * {@link ReferenceBackend} at shapes that include 0, 1 and primes; every op also on views at odd offsets, and the
 * bad inputs these ops add (out-of-range indices, INT32 where floats are needed) with nothing left allocated.
 * Copies, gathers, casts to INT32, masks and argmax must match bit for bit.
 *
 * <p>A backend module extends this class as it extends {@link BackendContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class IndexingContract {

    /** A new backend instance the contract owns and closes. */
    protected abstract Backend createBackend();

    private Backend backend;
    private Backend reference;

    @BeforeAll
    void startBackends() {
        backend = createBackend();
        reference = Backend.wrap(new ReferenceBackend());
    }

    @AfterAll
    void stopBackends() {
        if (backend != null) {
            backend.close();
        }
        reference.close();
    }

    static Stream<DType> floatTypes() {
        return Stream.of(DType.FLOAT32, DType.FLOAT64);
    }

    static Stream<DType> allTypes() {
        return Stream.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.BFLOAT16, DType.FLOAT16);
    }

    static Stream<DType> halfTypes() {
        return Stream.of(DType.BFLOAT16, DType.FLOAT16);
    }

    private void require(DType dtype) {
        assumeTrue(backend.supports(dtype), backend.name() + " does not support " + dtype + " here: "
                + backend.description());
    }

    private String label(String op, DType dtype) {
        return op + " [" + backend.name() + ", " + dtype + "]";
    }

    private static final int[][] SHAPES = {{0, 3}, {3, 0}, {1, 1}, {1, 17}, {17, 1}, {3, 5}, {31, 37}, {127, 129},
            {1031, 3}};

    /** Host values for a dtype: uniform floats, ints in [lo, hi), or the values a 16-bit dtype holds. */
    private static double[] values(long seed, int n, DType dtype, double lo, double hi) {
        double[] v = HostData.uniform(seed, n, lo, hi);
        for (int i = 0; i < n; i++) {
            if (dtype == DType.INT32) {
                v[i] = Math.floor(v[i]);
            } else if (dtype.isHalf()) {
                v[i] = HalfFloats.round(dtype, v[i]);
            }
        }
        return v;
    }

    private static void assertBits(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                assertEquals(expected[i], actual[i], what + ": element " + i);
            }
        }
    }

    /** The same computation on the backend and the reference; bit-exact unless a tolerance is given. */
    private void sameAsReference(String what, DType dtype, Tolerance tol, Function<Backend, Tensor> body) {
        double[] expected;
        try (Scope s = reference.scope()) {
            expected = body.apply(reference).toDoubleArray();
        }
        long live = backend.stats().liveTensors();
        try (Scope s = backend.scope()) {
            double[] actual = body.apply(backend).toDoubleArray();
            if (tol == null) {
                assertBits(label(what, dtype), expected, actual);
            } else {
                tol.assertClose(label(what, dtype), expected, actual, 0);
            }
        }
        assertEquals(live, backend.stats().liveTensors(), label(what + " leaves nothing allocated", dtype));
    }

    // ---- INT32 memory ----------------------------------------------------------------------------------------------

    @Test
    @Covers({"allocate", "write", "read", "copy", "fill"})
    void int32RoundTripsCopiesAndFills() {
        for (int n : new int[]{0, 1, 3, 17, 1031, 70001}) {
            int[] data = new int[n];
            java.util.Random r = new java.util.Random(n);
            for (int i = 0; i < n; i++) {
                data[i] = r.nextInt();
            }
            if (n > 2) {
                data[0] = Integer.MIN_VALUE;
                data[1] = Integer.MAX_VALUE;
                data[2] = -1;
            }
            try (Scope s = backend.scope()) {
                Tensor t = backend.fromArray(data, 1, n);
                assertEquals(DType.INT32, t.dtype());
                assertArrayEquals(data, t.toIntArray(), label("round trip n=" + n, DType.INT32));
                Tensor c = t.copy();
                assertArrayEquals(data, c.toIntArray(), label("copy n=" + n, DType.INT32));
                Tensor f = backend.full(1, n, -7, DType.INT32);
                for (int v : f.toIntArray()) {
                    assertEquals(-7, v, label("fill", DType.INT32));
                }
                c.fill(123456789);
                for (int v : c.toIntArray()) {
                    assertEquals(123456789, v, label("fill in place", DType.INT32));
                }
            }
        }
    }

    // ---- casts -----------------------------------------------------------------------------------------------------

    static Stream<Arguments> castPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                pairs.add(Arguments.of(from, to));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest
    @MethodSource("castPairs")
    @Covers("cast")
    void castsConvertAsDocumented(DType from, DType to) {
        require(from);
        require(to);
        double[] special = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.9999, -2.9999, 1e9, -1e9, 3e9, -3e9, 16777217,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2147483647, -2147483648};
        for (int n : new int[]{0, 1, 17, 1031}) {
            double[] x = values(n + 3L, n, from, -1e4, 1e4);
            if (n >= special.length) {
                System.arraycopy(special, 0, x, 0, special.length);
            }
            if (from == DType.INT32) {
                for (int i = 0; i < n; i++) {
                    x[i] = Double.isNaN(x[i]) ? 0 : Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
                            Math.floor(x[i]))) + 0.0;     // + 0.0: an int has no −0
                }
            } else if (from == DType.FLOAT32) {
                for (int i = 0; i < n; i++) {
                    x[i] = (float) x[i];        // the values a FLOAT32 tensor holds
                }
            } else if (from.isHalf()) {
                for (int i = 0; i < n; i++) {
                    x[i] = HalfFloats.round(from, x[i]);
                }
            }
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) {
                expected[i] = switch (to) {
                    case INT32 -> (int) x[i];
                    case FLOAT32 -> (float) x[i];
                    case FLOAT64 -> x[i];
                    case BFLOAT16, FLOAT16 -> HalfFloats.round(to, x[i]);   // once, from the exact value
                };
            }
            try (Scope s = backend.scope()) {
                Tensor t = backend.fromArray(x, 1, n, from);
                Tensor c = t.cast(to);
                assertEquals(to, c.dtype());
                assertBits(label("cast " + from + "→" + to + " n=" + n, from), expected, c.toDoubleArray());
            }
        }
    }

    // ---- 16-bit storage: BFLOAT16 and FLOAT16 --------------------------------------------------------------------

    /** Every 16-bit pattern once, in order: 0x0000 … 0xFFFF. */
    private static short[] everyPattern() {
        short[] bits = new short[65536];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (short) i;
        }
        return bits;
    }

    private static boolean isNaN(DType dtype, short bits) {
        return Float.isNaN(HalfFloats.toFloat(dtype, bits));
    }

    /** Equal bits, or (where the reference cannot keep a NaN's payload) both NaN. */
    private static void assertPatterns(String what, DType dtype, short[] expected, short[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                assertEquals(String.format("0x%04X", expected[i] & 0xffff), String.format("0x%04X", actual[i] & 0xffff),
                        what + ": element " + i + " (" + HalfFloats.toFloat(dtype, expected[i]) + ")");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("halfTypes")
    @Covers({"allocate", "write", "read", "copy", "fill"})
    void halfTensorsKeepEveryBitPatternThroughCopiesAndFillRounded(DType dtype) {
        require(dtype);
        short[] all = everyPattern();
        try (Scope s = backend.scope()) {
            Tensor t = backend.fromHalfBits(all, 256, 256, dtype);
            assertEquals(dtype, t.dtype());
            assertEquals(2L * 65536, (long) t.size() * t.dtype().bytes(), label("2 bytes per element", dtype));
            assertPatterns(label("write/read of every pattern", dtype), dtype, all, t.toHalfBits());
            assertPatterns(label("copy of every pattern", dtype), dtype, all, t.copy().toHalfBits());
            assertPatterns(label("to(same backend kind) of every pattern", dtype), dtype, all,
                    t.to(backend).toHalfBits());
            float[] decoded = t.toFloatArray();
            double[] wide = t.toDoubleArray();
            for (int i = 0; i < all.length; i++) {
                float want = HalfFloats.toFloat(dtype, all[i]);
                if (!(Float.isNaN(want) && Float.isNaN(decoded[i]))) {
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(decoded[i]),
                            label("toFloatArray decodes exactly, pattern " + i, dtype));
                    assertEquals(want, wide[i], 0.0, label("toDoubleArray decodes exactly, pattern " + i, dtype));
                } else {
                    assertTrue(Double.isNaN(wide[i]), label("NaN pattern " + i + " reads as NaN", dtype));
                }
            }
            for (int n : new int[]{0, 1, 3, 17, 1031, 70001}) {
                double[] x = HostData.uniform(n, n, -3e4, 3e4);
                short[] want = new short[n];
                float[] xf = new float[n];
                for (int i = 0; i < n; i++) {
                    want[i] = HalfFloats.fromDouble(dtype, x[i]);
                    xf[i] = (float) x[i];
                }
                assertPatterns(label("fromArray(double[]) rounds on the host, n=" + n, dtype), dtype, want,
                        backend.fromArray(x, 1, n, dtype).toHalfBits());
                short[] wantF = new short[n];
                for (int i = 0; i < n; i++) {
                    wantF[i] = HalfFloats.fromFloat(dtype, xf[i]);
                }
                assertPatterns(label("fromArray(float[]) rounds on the host, n=" + n, dtype), dtype, wantF,
                        backend.fromArray(xf, 1, n, dtype).toHalfBits());
                for (double v : new double[]{0.1, -65519.0, 65520.0, 1e-8, -0.0, Double.NaN, 1 + 0x1p-11}) {
                    Tensor f = backend.full(1, n, v, dtype);
                    short[] got = f.toHalfBits();
                    for (int i = 0; i < n; i++) {
                        assertEquals(HalfFloats.fromDouble(dtype, v), got[i], label("full(" + v + ") element " + i
                                + " n=" + n, dtype));
                    }
                    f.fill(-v);
                    got = f.toHalfBits();
                    for (int i = 0; i < n; i++) {
                        assertEquals(HalfFloats.fromDouble(dtype, -v), got[i], label("fill(" + -v + ") element " + i
                                + " n=" + n, dtype));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("halfTypes")
    @Covers({"write", "read"})
    void halfTensorsMoveBetweenBackendsBitForBit(DType dtype) {
        require(dtype);
        short[] all = everyPattern();
        try (Scope s = backend.scope(); Scope r = reference.scope()) {
            Tensor here = backend.fromHalfBits(all, 1, all.length, dtype);
            Tensor there = here.to(reference);
            assertEquals(dtype, there.dtype());
            Tensor back = there.to(backend);
            short[] got = back.toHalfBits();
            for (int i = 0; i < all.length; i++) {          // the reference keeps values, not NaN payloads
                if (!(isNaN(dtype, all[i]) && isNaN(dtype, got[i])) && all[i] != got[i]) {
                    assertEquals(all[i], got[i], label("to(reference).to(backend), pattern " + i, dtype));
                }
            }
        }
    }

    /**
     * Values where rounding to a 16-bit type is delicate: every tie between neighbours at several exponents (even and
     * odd lower neighbour), just above and below each tie, the overflow threshold, the subnormal range and its ties,
     * ±0, ±∞ and NaN.
     */
    private static double[] delicateValues(DType half) {
        List<Double> v = new ArrayList<>();
        int frac = half == DType.FLOAT16 ? 10 : 7;
        int minExp = half == DType.FLOAT16 ? -14 : -126;
        int maxExp = half == DType.FLOAT16 ? 15 : 127;
        for (int e : new int[]{minExp, minExp + 1, -3, 0, 1, 7, 11, maxExp - 1, maxExp}) {
            double ulp = Math.scalb(1.0, e - frac);
            for (int k : new int[]{0, 1, 2, 3, (1 << frac) - 2, (1 << frac) - 1}) {
                double lower = Math.scalb(1.0, e) + k * ulp;
                double tie = lower + ulp / 2;
                for (double x : new double[]{lower, tie, Math.nextUp(tie), Math.nextDown(tie), (float) tie,
                        Math.nextUp((float) tie), Math.nextDown((float) tie)}) {
                    v.add(x);
                    v.add(-x);
                }
            }
        }
        double sub = Math.scalb(1.0, minExp - frac);        // the smallest subnormal
        for (int k : new int[]{0, 1, 2, 3, 5, 1000}) {
            for (double x : new double[]{k * sub, k * sub + sub / 2, Math.nextUp(k * sub + sub / 2),
                    Math.nextDown(k * sub + sub / 2), sub / 4}) {
                v.add(x);
                v.add(-x);
            }
        }
        for (double x : new double[]{65504, 65519, 65519.99, 65520, 65536, 1e5, 3.4e38, 3.3961776e38, 3.3961775e38,
                Float.MAX_VALUE, 1e39, Double.MAX_VALUE, Double.MIN_VALUE, Float.MIN_VALUE, 0x1p-25, 0x1p-24,
                Double.POSITIVE_INFINITY, Double.NaN, 0.0, 16777217, 0x1p24 + 0x1p16 + 1, 2049, 2051, 2147483647}) {
            v.add(x);
            v.add(-x);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("halfTypes")
    @Covers("cast")
    void castsToAndFromHalfRoundOnceToNearestEven(DType half) {
        require(half);
        double[] x = delicateValues(half);
        int n = x.length;
        for (DType from : new DType[]{DType.FLOAT64, DType.FLOAT32, DType.INT32, DType.BFLOAT16, DType.FLOAT16}) {
            if (!backend.supports(from)) {
                continue;
            }
            double[] held = new double[n];             // what a tensor of `from` holds for x
            for (int i = 0; i < n; i++) {
                held[i] = switch (from) {
                    case FLOAT64 -> x[i];
                    case FLOAT32 -> (float) x[i];
                    case INT32 -> Double.isNaN(x[i]) ? 0 : (int) x[i];
                    case BFLOAT16, FLOAT16 -> HalfFloats.round(from, x[i]);
                };
            }
            short[] want = new short[n];
            for (int i = 0; i < n; i++) {
                want[i] = HalfFloats.fromDouble(half, held[i]);
            }
            try (Scope s = backend.scope()) {
                int[] asInts = new int[n];
                for (int i = 0; i < n; i++) {
                    asInts[i] = (int) held[i];
                }
                Tensor src = from == DType.INT32 ? backend.fromArray(asInts, 1, n) : backend.fromArray(held, 1, n, from);
                assertPatterns(label("cast " + from + "→" + half, half), half, want, src.cast(half).toHalfBits());
                // and back: decoding is exact, so every float type gets the half value itself
                for (DType to : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
                    if (backend.supports(to)) {
                        double[] back = src.cast(half).cast(to).toDoubleArray();
                        for (int i = 0; i < n; i++) {
                            double w = HalfFloats.toFloat(half, want[i]);
                            if (!(Double.isNaN(w) && Double.isNaN(back[i]))) {
                                assertEquals(w, back[i], 0.0, label("cast " + from + "→" + half + "→" + to
                                        + " element " + i + " (" + x[i] + ")", half));
                            }
                        }
                    }
                }
                int[] ints = src.cast(half).cast(DType.INT32).toIntArray();
                for (int i = 0; i < n; i++) {
                    assertEquals((int) HalfFloats.toFloat(half, want[i]), ints[i], label("cast " + half + "→INT32 "
                            + "element " + i, half));
                }
            }
        }
    }

    /** Bits of adjacent values of one sign, or the same bits: within one unit in the last place of the 16-bit type. */
    private static void assertWithinOneUlp(String what, DType dtype, short expected, short actual) {
        if (expected == actual) {
            return;
        }
        float e = HalfFloats.toFloat(dtype, expected), a = HalfFloats.toFloat(dtype, actual);
        boolean adjacent = ((expected ^ actual) & 0x8000) == 0 && Math.abs((expected & 0x7fff) - (actual & 0x7fff)) == 1
                && !Float.isNaN(e) && !Float.isNaN(a);
        assertTrue(adjacent || (e == 0 && a == 0), what + ": expected " + e + " (" + String.format("0x%04X",
                expected & 0xffff) + "), got " + a + " (" + String.format("0x%04X", actual & 0xffff)
                + "): more than one ulp of " + dtype + " apart");
    }

    /**
     * biasActivation and activationBackward on 16-bit storage, where the backend says it has them: the float64
     * reference computes on the exact stored values and rounds once; a backend computes in float32 and rounds to the
     * storage type, so each element is within one ulp of the 16-bit type (one rounding more). Every activation, views
     * at odd offsets, in place, and shapes of 0, 1, primes and more than one tile. Where the backend says it has
     * them not, both are refused by name.
     */
    @ParameterizedTest
    @MethodSource("halfTypes")
    @Covers({"fusedActivationsOnHalves", "biasActivation", "activationBackward"})
    void fusedActivationsOnHalfStorageComputeInFloat32OrAreRefused(DType half) {
        require(half);
        dev.nabla.spi.UnaryOp[] acts = {dev.nabla.spi.UnaryOp.SIGMOID, dev.nabla.spi.UnaryOp.TANH,
                dev.nabla.spi.UnaryOp.RELU, dev.nabla.spi.UnaryOp.IDENTITY};
        dev.nabla.spi.UnaryOp[] grads = {dev.nabla.spi.UnaryOp.SIGMOID_GRAD_FROM_OUTPUT,
                dev.nabla.spi.UnaryOp.TANH_GRAD_FROM_OUTPUT, dev.nabla.spi.UnaryOp.RELU_GRAD_FROM_OUTPUT,
                dev.nabla.spi.UnaryOp.IDENTITY_GRAD_FROM_OUTPUT};
        if (!backend.compute().fusedActivationsOnHalves()) {
            try (Scope s = backend.scope()) {
                Tensor z = backend.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3, half);
                Tensor b = backend.fromArray(new double[]{1, 2, 3}, 1, 3, half);
                UnsupportedDTypeException e = assertThrows(UnsupportedDTypeException.class,
                        () -> backend.ops().biasActivation(acts[0], z, b, z));
                assertTrue(e.getMessage().startsWith("biasActivation(SIGMOID): tensor 2×3 is " + half), e.getMessage());
                assertThrows(UnsupportedDTypeException.class, () -> backend.ops().activationBackward(grads[0], z, z, z));
            }
            return;
        }
        int[][] shapes = {{0, 3}, {1, 1}, {3, 5}, {31, 37}, {2, 2053}, {5000, 3}};
        for (int[] rc : shapes) {
            int r = rc[0], c = rc[1];
            double[] z = values(r * 7L + c, (r + 2) * c, half, -6, 6);
            double[] b = values(r + 11L * c, c, half, -2, 2);
            double[] d = values(r * 3L + c, (r + 2) * c, half, -3, 3);
            for (int k = 0; k < acts.length; k++) {
                dev.nabla.spi.UnaryOp act = acts[k], grad = grads[k];
                String shape = " " + r + "×" + c + " " + act;
                short[][] got = new short[2][];             // [reference, backend]
                for (Backend be : new Backend[]{reference, backend}) {
                    int which = be == reference ? 0 : 1;
                    try (Scope s = be.scope()) {
                        Tensor zz = be.fromArray(z, r + 2, c, half).sliceRows(1, r + 1);     // a view at an offset
                        Tensor bb = be.fromArray(b, 1, c, half);
                        Tensor a = be.empty(r, c, half);
                        be.ops().biasActivation(act, zz, bb, a);
                        Tensor dd = be.fromArray(d, r + 2, c, half).sliceRows(2, r + 2);
                        Tensor stored = be.fromArray(d, r + 2, c, half).sliceRows(0, r);  // the same a on both
                        Tensor g = be.empty(r, c, half);
                        be.ops().activationBackward(grad, stored, dd, g);
                        be.ops().activationBackward(grad, stored, dd, dd);              // in place over δ
                        be.ops().biasActivation(act, zz, bb, zz);                       // in place over z
                        short[] ab = a.toHalfBits(), gb = g.toHalfBits(), db = dd.toHalfBits(), zb = zz.toHalfBits();
                        assertArrayEquals(ab, zb, label("in place biasActivation" + shape, half));
                        assertArrayEquals(gb, db, label("in place activationBackward" + shape, half));
                        got[which] = concat(ab, gb);
                    }
                }
                for (int i = 0; i < got[1].length; i++) {
                    assertWithinOneUlp(label((i < r * c ? "biasActivation" : "activationBackward") + shape
                            + " element " + i, half), half, got[0][i], got[1][i]);
                }
            }
        }
    }

    /**
     * sumColumns of 16-bit storage into FLOAT32, where the backend says it has it: x holds values of the 16-bit type,
     * so the float64 reference sums exactly what the backend stored, and the backend's float32 (or wider)
     * accumulation is judged by the reduction form of {@link Tolerance} with float32's unit roundoff, K = rows,
     * Σ|terms| = 1ᵀ·|x| (on the reference). Views at odd offsets, shapes 0, 1, primes, more columns than the cpu's
     * 2048-column tile and more rows than a cpu chunk; ±∞ and NaN columns give the IEEE sum; for BFLOAT16 (float32's
     * range) a column [3e38, 3e38, −3e38] is 3e38 although a float32 running sum overflows. Tensor.sumColumns() on a
     * 16-bit tensor gives that FLOAT32 result. Where the backend says it has it not, both refuse the half type by
     * name; everywhere a 16-bit out is refused by name.
     */
    @ParameterizedTest
    @MethodSource("halfTypes")
    @Covers({"sumColumnsOnHalves", "sumColumns"})
    void sumColumnsOnHalfStorageAccumulatesInFloat32OrIsRefused(DType half) {
        require(half);
        if (!backend.compute().sumColumnsOnHalves()) {
            try (Scope s = backend.scope()) {
                Tensor x = backend.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3, half);
                UnsupportedDTypeException e = assertThrows(UnsupportedDTypeException.class,
                        () -> backend.ops().sumColumns(x, backend.zeros(1, 3)));
                assertTrue(e.getMessage().startsWith("sumColumns: tensor 2×3 is " + half)
                        && e.getMessage().endsWith("[" + backend.name() + "]"), e.getMessage());
                assertThrows(UnsupportedDTypeException.class, x::sumColumns);
            }
            return;
        }
        long live = backend.stats().liveTensors();
        try (Scope s = backend.scope()) {
            Tensor x = backend.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3, half);
            Tensor o = backend.zeros(1, 3).cast(half);
            DTypeMismatchException e = assertThrows(DTypeMismatchException.class,
                    () -> backend.ops().sumColumns(x, o));
            assertEquals("sumColumns: " + half + " input 2×3 sums into a FLOAT32 output, got 1×3 " + half + " ["
                    + backend.name() + "]", e.getMessage());
        }
        int[][] shapes = {{0, 3}, {3, 0}, {1, 1}, {3, 5}, {31, 37}, {2, 2053}, {5000, 3}, {97, 4099}};
        for (int[] rc : shapes) {
            int r = rc[0], c = rc[1];
            String what = "sumColumns " + r + "×" + c;
            double[] x = values(r * 13L + c, (r + 1) * c, half, -3, 3);
            double[][] ref = new double[2][];                   // [Σ, Σ|terms|]
            try (Scope s = reference.scope()) {
                Tensor xx = reference.fromArray(x, r + 1, c, half).sliceRows(1, r + 1);
                Tensor out = reference.zeros(1, c);
                reference.ops().sumColumns(xx, out);
                ref[0] = out.toDoubleArray();
                ref[1] = xx.cast(DType.FLOAT64).abs().sumColumns().toDoubleArray();
            }
            try (Scope s = backend.scope()) {
                Tensor xx = backend.fromArray(x, r + 1, c, half).sliceRows(1, r + 1);   // a view at an offset
                Tensor out = backend.empty(1, c, DType.FLOAT32);
                backend.ops().sumColumns(xx, out);
                double[] got = out.toDoubleArray();
                Tolerance.of(DType.FLOAT32, r).assertReduction(label(what, half), ref[0], got, ref[1], c);
                Tensor viaTensor = xx.sumColumns();
                assertEquals(DType.FLOAT32, viaTensor.dtype(), label(what + ": Tensor.sumColumns' dtype", half));
                assertArrayEquals(got, viaTensor.toDoubleArray(), label(what + ": Tensor.sumColumns", half));
            }
        }
        double big = half == DType.BFLOAT16 ? 3e38 : 6e4;
        double[] special = {Double.POSITIVE_INFINITY, 1, Double.NaN, big, -1,
                            1, Double.NEGATIVE_INFINITY, 2, big, 2,
                            2, 3, 4, -big, 3};
        double[] want = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, big, 4};
        try (Scope s = backend.scope()) {
            double[] got = backend.fromArray(special, 3, 5, half).sumColumns().toDoubleArray();
            for (int j = 0; j < want.length; j++) {
                double w = HalfFloats.round(half, want[j]);
                assertTrue(Double.compare(w, got[j]) == 0 || (Double.isNaN(w) && Double.isNaN(got[j])),
                        label("sumColumns of ±∞, NaN and [big, big, −big]: column " + j + " expected " + w + ", got "
                                + got[j], half));
            }
        }
        assertEquals(live, backend.stats().liveTensors(), label("sumColumns on halves leaves nothing allocated", half));
    }

    /**
     * gemm on 16-bit inputs, where the backend says it has it: A and B hold values of the 16-bit type, so the float64
     * reference computes on exactly what the backend stored; the backend accumulates in float32. A FLOAT32 C is
     * judged by the reduction form of {@link Tolerance} with float32's unit roundoff, Σ|terms| = |α|·|op(A)|·|op(B)|
     * + |β|·|C| (run on the reference); a 16-bit C is rounded once on both sides, so it may differ by that margin
     * plus one spacing of the 16-bit type at the reference value. Every transpose pair, α/β with C read, views at odd
     * offsets, sizes 0, 1, primes and past the cpu blocking (k &gt; 256, n &gt; 1024); matmul on halves gives the
     * gemm's 16-bit result. Where the backend says it has it not, gemm and matmul refuse the halves by name; and
     * everywhere, mixed 16-bit types or a FLOAT64 C are refused by name.
     */
    @ParameterizedTest
    @MethodSource("halfTypes")
    @Covers({"gemmOnHalves", "gemm"})
    void gemmOnHalfInputsAccumulatesInFloat32OrIsRefused(DType half) {
        require(half);
        if (!backend.compute().gemmOnHalves()) {
            try (Scope s = backend.scope()) {
                Tensor a = backend.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3, half);
                UnsupportedDTypeException e = assertThrows(UnsupportedDTypeException.class, () -> a.matmulTransB(a));
                assertTrue(e.getMessage().startsWith("matmulTransB: tensor 2×3 is " + half)
                        && e.getMessage().endsWith("[" + backend.name() + "]"), e.getMessage());
                e = assertThrows(UnsupportedDTypeException.class, () -> backend.ops().gemm(false, true, 1, a, a, 0,
                        backend.zeros(2, 2)));
                assertTrue(e.getMessage().startsWith("gemm: tensor 2×3 is " + half), e.getMessage());
            }
            return;
        }
        DType other = half == DType.BFLOAT16 ? DType.FLOAT16 : DType.BFLOAT16;
        try (Scope s = backend.scope()) {
            Tensor a = backend.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3, half);
            Tensor c64 = backend.zeros(2, 2).cast(DType.FLOAT64);
            DTypeMismatchException e = assertThrows(DTypeMismatchException.class,
                    () -> backend.ops().gemm(false, true, 1, a, a, 0, c64));
            assertEquals("gemm: " + half + " inputs need a FLOAT32 or " + half + " output, got 2×2 FLOAT64 ["
                    + backend.name() + "]", e.getMessage());
            Tensor b = backend.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3, other);
            e = assertThrows(DTypeMismatchException.class, () -> a.matmulTransB(b));
            assertTrue(e.getMessage().startsWith("matmulTransB: dtypes differ: 2×3 is " + half + ", 2×3 is " + other),
                    e.getMessage());
        }
        int[][] mnk = {{0, 3, 4}, {3, 4, 0}, {1, 1, 1}, {3, 5, 7}, {31, 37, 41}, {13, 1031, 3}, {67, 29, 300}};
        double[][] alphaBeta = {{1, 0}, {0.5, -2}};
        long live = backend.stats().liveTensors();
        for (int[] dims : mnk) {
            int m = dims[0], n = dims[1], k = dims[2];
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                int ar = transA ? k : m, ac = transA ? m : k, br = transB ? n : k, bc = transB ? k : n;
                double[] av = values(m * 131L + k * 7L + t, (ar + 1) * ac, half, -2, 2);
                double[] bv = values(n * 17L + k + t, br * bc, half, -2, 2);
                double[] cv = values(m + n * 5L + t, m * n, half, -2, 2);
                for (double[] ab : alphaBeta) {
                    double alpha = ab[0], beta = ab[1];
                    for (DType out : new DType[]{DType.FLOAT32, half}) {
                        String what = "gemm" + (transA ? "ᵀ" : "") + (transB ? "ᵀ" : "") + " " + m + "×" + n + "×" + k
                                + " α " + alpha + " β " + beta + " into " + out;
                        double[][] ref = new double[2][];           // [result, Σ|terms|]
                        double[] got;
                        try (Scope s = reference.scope()) {
                            Tensor a = reference.fromArray(av, ar + 1, ac, half).sliceRows(1, ar + 1);
                            Tensor b = reference.fromArray(bv, br, bc, half);
                            Tensor c = reference.fromArray(cv, m, n, DType.FLOAT32);      // stored in float64
                            reference.ops().gemm(transA, transB, alpha, a, b, beta, c);
                            ref[0] = c.toDoubleArray();
                            Tensor absC = reference.fromArray(cv, m, n, DType.FLOAT64).abs();
                            reference.ops().gemm(transA, transB, Math.abs(alpha), a.cast(DType.FLOAT64).abs(),
                                    b.cast(DType.FLOAT64).abs(), Math.abs(beta), absC);
                            ref[1] = absC.toDoubleArray();
                        }
                        try (Scope s = backend.scope()) {
                            Tensor a = backend.fromArray(av, ar + 1, ac, half).sliceRows(1, ar + 1);
                            Tensor b = backend.fromArray(bv, br, bc, half);
                            Tensor c = backend.fromArray(cv, m, n, out);
                            backend.ops().gemm(transA, transB, alpha, a, b, beta, c);
                            got = c.toDoubleArray();
                            if (out == half && alpha == 1 && beta == 0 && !(transA && transB)) {
                                Tensor p = transA ? a.matmulTransA(b) : transB ? a.matmulTransB(b) : a.matmul(b);
                                assertEquals(half, p.dtype(), label(what + " matmul's dtype", half));
                                assertArrayEquals(c.toHalfBits(), p.toHalfBits(), label(what + " matmul", half));
                            }
                        }
                        Tolerance tol = Tolerance.of(DType.FLOAT32, k + 1);
                        if (out == DType.FLOAT32) {
                            tol.assertReduction(label(what, half), ref[0], got, ref[1], n);
                        } else {
                            for (int i = 0; i < got.length; i++) {
                                double r = HalfFloats.round(half, ref[0][i]);
                                double allowed = tol.reductionBound() * ref[1][i] + spacing(half, r)
                                        + tol.underflowFloor();
                                assertTrue(Math.abs(got[i] - r) <= allowed || (Double.isNaN(r) && Double.isNaN(got[i])),
                                        label(what + " element " + i + ": expected " + r + ", got " + got[i]
                                                + ", allowed |diff| " + allowed, half));
                            }
                        }
                    }
                }
            }
        }
        assertEquals(live, backend.stats().liveTensors(), label("gemm on halves leaves nothing allocated", half));
    }

    /** The distance from |v| (a value of {@code dtype}) to the next larger value of that type. */
    private static double spacing(DType dtype, double v) {
        short bits = HalfFloats.fromDouble(dtype, Math.abs(v));
        return HalfFloats.toFloat(dtype, (short) (bits + 1)) - Math.abs(v);
    }

    private static short[] concat(short[] a, short[] b) {
        short[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @ParameterizedTest
    @MethodSource("halfTypes")
    void halfStorageIsRefusedByEveryOpWithoutAHalfKernel(DType half) {
        require(half);
        long live = backend.stats().liveTensors();
        try (Scope s = backend.scope()) {
            Tensor h = backend.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3, half);
            List<Runnable> refused = new ArrayList<>(List.of(h::sigmoid, () -> h.add(h), h::sum,
                    h::softmaxRows, h::argmaxRows, () -> h.gt(h), () -> h.scale(2), h::maxRows,
                    () -> Tensor.where(h.cast(DType.INT32), h, h), () -> h.addRowVector(h.sliceRows(0, 1))));
            if (!backend.compute().gemmOnHalves()) {
                refused.add(() -> h.matmulTransB(h));
            }
            if (!backend.compute().sumColumnsOnHalves()) {
                refused.add(h::sumColumns);
            }
            for (int i = 0; i < refused.size(); i++) {
                UnsupportedDTypeException e = assertThrows(UnsupportedDTypeException.class, refused.get(i)::run,
                        label("op #" + i + " on " + half, half));
                assertTrue(e.getMessage().contains(half.name()) && e.getMessage().contains("[" + backend.name() + "]"),
                        e.getMessage());
            }
            assertThrows(DTypeMismatchException.class, h::toIntArray);
            assertThrows(DTypeMismatchException.class, () -> h.cast(DType.FLOAT32).toHalfBits());
            String printed = h.toString();
            assertTrue(printed.contains(half.name()) && printed.contains("[[1., 2., 3.],"), printed);
        }
        assertEquals(live, backend.stats().liveTensors(), label("refusals leave nothing allocated", half));
    }

    // ---- strided copies: views, transposes, concatenations, broadcasts ---------------------------------------------

    @ParameterizedTest
    @MethodSource("allTypes")
    @Covers("copyStrided")
    void transposesConcatenatesAndBroadcastsExactly(DType dtype) {
        require(dtype);
        for (int[] rc : SHAPES) {
            int r = rc[0], c = rc[1];
            double[] x = values(r * 31L + c, r * c, dtype, -50, 50);
            double[] y = values(r * 7L + c, r * 2 * c, dtype, -50, 50);
            double[] z = values(r + 5L * c, 2 * r * c, dtype, -50, 50);
            String shape = " " + r + "×" + c;
            sameAsReference("transpose" + shape, dtype, null, b -> b.fromArray(x, r, c, dtype).transpose());
            sameAsReference("concatColumns" + shape, dtype, null, b -> Tensor.concatColumns(
                    b.fromArray(x, r, c, dtype), b.fromArray(y, r, 2 * c, dtype)));
            sameAsReference("concatRows" + shape, dtype, null, b -> Tensor.concatRows(
                    b.fromArray(x, r, c, dtype), b.fromArray(z, 2 * r, c, dtype), b.fromArray(x, r, c, dtype)));
            sameAsReference("broadcast row" + shape, dtype, null, b -> b.fromArray(values(3, c, dtype, -9, 9), 1, c,
                    dtype).broadcastTo(r, c));
            sameAsReference("broadcast column" + shape, dtype, null, b -> b.fromArray(values(4, r, dtype, -9, 9), r, 1,
                    dtype).broadcastTo(r, c));
            sameAsReference("broadcast scalar" + shape, dtype, null, b -> b.fromArray(new double[]{-3}, 1, 1, dtype)
                    .broadcastTo(r, c));
            if (r > 2) {        // a view at an odd offset, read, transposed and copied into another view
                sameAsReference("view" + shape, dtype, null, b -> b.fromArray(x, r, c, dtype).sliceRows(1, r - 1)
                        .transpose());
                sameAsReference("write through a view" + shape, dtype, null, b -> {
                    Tensor big = b.fromArray(y, r, 2 * c, dtype);
                    Tensor flat = big.reshape(2 * r, c);
                    flat.sliceRows(1, r + 1).copyFrom(b.fromArray(x, r, c, dtype));
                    return big;
                });
            }
        }
    }

    // ---- gathers ---------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("allTypes")
    @Covers("gatherRows")
    void gathersRowsExactly(DType dtype) {
        require(dtype);
        for (int[] rc : SHAPES) {
            int r = rc[0], c = rc[1];
            if (r == 0) {
                continue;
            }
            double[] x = values(r * 13L + c, r * c, dtype, -1e3, 1e3);
            for (int n : new int[]{0, 1, 2 * r + 1}) {
                int[] idx = new int[n];
                java.util.Random rnd = new java.util.Random(n * 31L + r);
                for (int i = 0; i < n; i++) {
                    idx[i] = i == 0 ? r - 1 : rnd.nextInt(r);
                }
                sameAsReference("gatherRows " + r + "×" + c + " n=" + n, dtype, null,
                        b -> b.fromArray(x, r, c, dtype).gatherRows(b.fromArray(idx, n, 1)));
                if (r > 2 && n > 0) {   // indices and source both views at odd offsets
                    sameAsReference("gatherRows through views " + r + "×" + c, dtype, null,
                            b -> b.fromArray(x, r, c, dtype).sliceRows(1, r).gatherRows(
                                    b.fromArray(mod(idx, r - 1), 1, n).reshape(n, 1)));
                }
            }
        }
    }

    private static int[] mod(int[] idx, int m) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = idx[i] % m;
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("floatTypes")
    @Covers("scatterAddRows")
    void scatterAddIsTheAdjointOfGather(DType dtype) {
        require(dtype);
        for (int[] rc : SHAPES) {
            int r = rc[0], c = rc[1];
            if (r == 0) {
                continue;
            }
            int n = 3 * r + 2;
            int[] idx = new int[n];
            java.util.Random rnd = new java.util.Random(r * 17L + c);
            for (int i = 0; i < n; i++) {
                idx[i] = rnd.nextInt(r);        // repeats: rows receive several additions
            }
            double[] src = values(r + 11L * c, n * c, dtype, -2, 2);
            sameAsReference("scatterAddRows " + r + "×" + c, dtype, Tolerance.of(dtype, 8),
                    b -> b.fromArray(src, n, c, dtype).scatterAddRows(b.fromArray(idx, 1, n), r));
            double[] acc = values(9, r * c, dtype, -1, 1);
            sameAsReference("scatterAddRows into an accumulator " + r + "×" + c, dtype, Tolerance.of(dtype, 8), b -> {
                Tensor dst = b.fromArray(acc, r, c, dtype);
                b.ops().scatterAddRows(b.fromArray(src, n, c, dtype), b.fromArray(idx, n, 1), dst);
                return dst;
            });
        }
    }

    // ---- argmax, one-hot -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("floatTypes")
    @Covers("argmaxRows")
    void argmaxTakesTheFirstMaximumAndNaNWins(DType dtype) {
        require(dtype);
        for (int[] rc : SHAPES) {
            int r = rc[0], c = rc[1];
            if (c == 0) {
                continue;
            }
            double[] x = values(r * 3L + c, r * c, dtype, -4, 4);
            for (int i = 0; i < r; i++) {       // ties, a NaN, infinities in some rows
                if (i % 3 == 0 && c > 2) {
                    x[i * c + c - 1] = x[i * c + 1] = 99;
                }
                if (i % 5 == 1) {
                    x[i * c + c / 2] = Double.NaN;
                }
                if (i % 7 == 2) {
                    x[i * c] = Double.NEGATIVE_INFINITY;
                }
            }
            sameAsReference("argmaxRows " + r + "×" + c, dtype, null, b -> b.fromArray(x, r, c, dtype).argmaxRows());
        }
    }

    @ParameterizedTest
    @MethodSource("floatTypes")
    @Covers("oneHot")
    void oneHotRowsAreExact(DType dtype) {
        require(dtype);
        for (int classes : new int[]{1, 2, 10, 257}) {
            for (int n : new int[]{0, 1, 5, 1031}) {
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = (i * 7 + 3) % classes;
                }
                sameAsReference("oneHot n=" + n + " classes=" + classes, dtype, null,
                        b -> b.fromArray(labels, 1, n).oneHot(classes, dtype));
            }
        }
    }

    // ---- comparisons and where -------------------------------------------------------------------------------------

    static Stream<Arguments> compareCases() {
        List<Arguments> cases = new ArrayList<>();
        for (CompareOp op : CompareOp.values()) {
            for (Broadcast bc : Broadcast.values()) {
                for (DType d : new DType[]{DType.FLOAT32, DType.FLOAT64, DType.INT32}) {   // 16-bit: refused
                    cases.add(Arguments.of(op, bc, d));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("compareCases")
    @Covers("compare")
    void comparesAsIeee(CompareOp op, Broadcast broadcast, DType dtype) {
        require(dtype);
        for (int[] rc : SHAPES) {
            int r = rc[0], c = rc[1];
            double[] a = values(r * 5L + c, r * c, dtype, -3, 3);
            int bn = switch (broadcast) {
                case NONE -> r * c;
                case ROW -> c;
                case COLUMN -> r;
            };
            double[] bv = values(r + 3L * c, bn, dtype, -3, 3);
            for (int i = 0; i < Math.min(bn, a.length); i += 4) {
                a[i] = bv[i];                                           // equal elements
            }
            if (dtype != DType.INT32 && a.length > 3) {
                a[1] = Double.NaN;
                a[2] = -0.0;
                a[3] = Double.POSITIVE_INFINITY;
            }
            if (dtype != DType.INT32 && bn > 2) {
                bv[2] = 0.0;
            }
            int br = broadcast == Broadcast.ROW ? 1 : r, bcols = broadcast == Broadcast.COLUMN ? 1 : c;
            sameAsReference(op + " " + broadcast + " " + r + "×" + c, dtype, null, b -> {
                Tensor ta = b.fromArray(a, r, c, dtype), tb = b.fromArray(bv, br, bcols, dtype);
                Tensor out = b.empty(r, c, DType.INT32);
                b.ops().compare(op, ta, tb, broadcast, out);
                return out;
            });
        }
        if (broadcast == Broadcast.NONE) {
            sameAsReference(op + " with a scalar", dtype, null,
                    b -> b.fromArray(values(1, 60, dtype, -3, 3), 6, 10, dtype).gt(1));
        }
    }

    @ParameterizedTest
    @MethodSource("floatTypes")
    @Covers("where")
    void whereChoosesWithoutArithmetic(DType dtype) {
        require(dtype);
        for (int[] rc : SHAPES) {
            int r = rc[0], c = rc[1];
            double[] a = values(r * 2L + c, r * c, dtype, -3, 3);
            double[] bv = values(r + 2L * c, r * c, dtype, -3, 3);
            int[] mask = new int[r * c];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : -5;      // any nonzero picks a
                if (mask[i] == 0) {
                    a[i] = Double.NaN;                                // never chosen
                } else {
                    bv[i] = Double.POSITIVE_INFINITY;
                }
            }
            sameAsReference("where " + r + "×" + c, dtype, null, b -> Tensor.where(b.fromArray(mask, r, c),
                    b.fromArray(a, r, c, dtype), b.fromArray(bv, r, c, dtype)));
            sameAsReference("where in place " + r + "×" + c, dtype, null, b -> {
                Tensor ta = b.fromArray(a, r, c, dtype);
                b.ops().where(b.fromArray(mask, r, c), ta, b.fromArray(bv, r, c, dtype), ta);
                return ta;
            });
        }
    }

    // ---- the Tensor API's compositions on views at odd offsets -----------------------------------------------------

    @ParameterizedTest
    @MethodSource("floatTypes")
    void everyOpOnViewsAtOddOffsetsMatchesTheSameOpOnCopies(DType dtype) {
        require(dtype);
        int r = 37, c = 29;
        double[] x = values(5, (r + 4) * c, dtype, 0.1, 3);
        double[] y = values(6, (r + 4) * c, dtype, 0.1, 3);
        List<Function<Tensor[], Tensor>> ops = List.of(
                t -> t[0].add(t[1]), t -> t[0].sub(t[1]), t -> t[0].mul(t[1]), t -> t[0].div(t[1]),
                t -> t[0].matmulTransB(t[1]), t -> t[0].matmulTransA(t[1]), t -> t[0].sigmoid(),
                t -> t[0].softmaxRows(), t -> t[0].add(0.5), t -> t[0].rsub(1), t -> t[0].rdiv(2), t -> t[0].pow(1.5),
                t -> t[0].abs(), t -> t[0].clamp(0.5, 2), t -> t[0].sqrt(), t -> t[0].maxRows(), t -> t[0].minRows(),
                t -> t[0].meanRows(), t -> t[0].sumRows(), t -> t[0].maxColumns(), t -> t[0].minColumns(),
                t -> t[0].meanColumns(), t -> t[0].sumColumns(), t -> t[0].sum(), t -> t[0].mean(), t -> t[0].max(),
                t -> t[0].min(), t -> t[0].argmaxRows(), t -> t[0].gt(t[1]), t -> t[0].le(1.5),
                t -> t[0].transpose(), t -> t[0].cast(DType.INT32), t -> t[0].subRowVector(t[1].sliceRows(0, 1)),
                t -> t[0].divColumnVector(t[1].sumRows()), t -> t[0].maximum(t[1]), t -> t[0].minimum(t[1]),
                t -> Tensor.where(t[0].gt(t[1]), t[0], t[1]));
        for (int i = 0; i < ops.size(); i++) {
            Function<Tensor[], Tensor> op = ops.get(i);
            double[] onCopies, onViews;
            try (Scope s = backend.scope()) {
                Tensor a = backend.fromArray(x, r + 4, c, dtype), b = backend.fromArray(y, r + 4, c, dtype);
                onViews = op.apply(new Tensor[]{a.sliceRows(3, r + 3), b.sliceRows(1, r + 1)}).toDoubleArray();
                onCopies = op.apply(new Tensor[]{a.sliceRows(3, r + 3).copy(), b.sliceRows(1, r + 1).copy()})
                        .toDoubleArray();
            }
            assertBits(label("op #" + i + " on views", dtype), onCopies, onViews);
        }
    }

    @ParameterizedTest
    @MethodSource("floatTypes")
    void inPlaceOpsWriteThroughViewsAndOnlyThroughThem(DType dtype) {
        require(dtype);
        int r = 11, c = 7;
        double[] x = values(8, r * c, dtype, -1, 1);
        double[] g = values(9, 3 * c, dtype, -1, 1);
        try (Scope s = backend.scope()) {
            Tensor w = backend.fromArray(x, r, c, dtype);
            Tensor part = w.sliceRows(3, 6);
            part.axpyInPlace(-0.5, backend.fromArray(g, 3, c, dtype));
            double[] after = w.toDoubleArray();
            for (int i = 0; i < r * c; i++) {
                int row = i / c;
                double want = row >= 3 && row < 6 ? (dtype == DType.FLOAT32
                        ? (float) ((float) x[i] + (float) (-0.5 * (float) g[i - 3 * c])) : x[i] - 0.5 * g[i - 3 * c])
                        : (dtype == DType.FLOAT32 ? (float) x[i] : x[i]);
                assertEquals(want, after[i], Math.ulp(want) * 2 + 1e-7, label("axpy through a view, element " + i,
                        dtype));
            }
        }
    }

    // ---- bad input -------------------------------------------------------------------------------------------------

    @Test
    void badIndicesAndDTypesGiveTypedErrorsAndLeaveNothingAllocated() {
        long live = backend.stats().liveTensors();
        try (Scope s = backend.scope()) {
            Tensor x = backend.fromArray(HostData.uniform(1, 12, -1, 1), 4, 3, DType.FLOAT32);
            Tensor labels = backend.fromArray(new int[]{0, 3, 4}, 1, 3);
            IndexOutOfRangeException e = assertThrows(IndexOutOfRangeException.class, () -> x.gatherRows(labels));
            assertTrue(e.getMessage().startsWith("gatherRows") && e.getMessage().contains("4")
                    && e.getMessage().contains(backend.name()), e.getMessage());
            assertThrows(IndexOutOfRangeException.class, () -> x.gatherRows(backend.fromInts(-1)));
            assertThrows(IndexOutOfRangeException.class, () -> labels.oneHot(4));
            assertThrows(IndexOutOfRangeException.class, () -> x.sliceRows(0, 3).scatterAddRows(labels, 4));
            // indices computed on the device (bounds unknown) are read back and checked too
            Tensor computed = backend.fromArray(new double[]{1, 7.9}, 1, 2, DType.FLOAT32).cast(DType.INT32);
            assertThrows(IndexOutOfRangeException.class, () -> x.gatherRows(computed));
            Tensor ints = backend.fromArray(new int[]{1, 2, 3, 4}, 2, 2);
            assertThrows(UnsupportedDTypeException.class, ints::sigmoid);
            assertThrows(UnsupportedDTypeException.class, () -> ints.matmul(ints));
            assertThrows(UnsupportedDTypeException.class, ints::sum);
            assertThrows(UnsupportedDTypeException.class, ints::argmaxRows);
            assertThrows(DTypeMismatchException.class, () -> x.gatherRows(x.sliceRows(0, 1)));
            assertThrows(DTypeMismatchException.class, x::toIntArray);
            assertThrows(ShapeMismatchException.class, () -> x.gatherRows(ints));
            assertThrows(InvalidArgumentException.class, () -> backend.full(2, 2, 0.5, DType.INT32));
            assertThrows(InvalidArgumentException.class, () -> ints.fill(1e10));
            assertThrows(ShapeMismatchException.class, () -> x.add(x.sliceRows(0, 1)));
            assertThrows(ShapeMismatchException.class, () -> Tensor.concatRows(x, ints.cast(DType.FLOAT32)));
            Tensor overlapping = x.reshape(1, 12);
            assertThrows(InvalidArgumentException.class,
                    () -> backend.ops().unary(dev.nabla.spi.UnaryOp.RELU, 0, overlapping.reshape(4, 3).sliceRows(0, 2),
                            x.sliceRows(1, 3)));
        }
        assertEquals(live, backend.stats().liveTensors(), "bad input left tensors allocated on " + backend.name());
    }

    private static void assertTrue(boolean condition, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(condition, message);
    }
}
