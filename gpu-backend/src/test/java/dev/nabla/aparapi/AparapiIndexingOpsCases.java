package dev.nabla.aparapi;

import dev.nabla.DType;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.contract.Tolerance;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The aparapi kernels of issue 13 (INT32 tensors, copyStrided, cast, gatherRows, scatterAddRows, argmaxRows,
 * oneHot, compare, where; ABS, POW, MAX_SCALAR, MIN_SCALAR; row MIN) at the SPI, each call made twice, on the
 * aparapi backend and on the float64 {@link ReferenceBackend}, and compared element by element: bit for bit where
 * the SPI asks for it, else under {@link Tolerance}. Shapes are chosen to cross what the kernels split on: rows
 * longer than a 256-item work-group, transfers larger than a staging window, several rows per group.
 * Subclasses give the backend: OpenCL, and Aparapi's Java thread pool (the fallback mode).
 */
abstract class AparapiIndexingOpsCases {
    static final float NAN = Float.NaN;
    static final float INF = Float.POSITIVE_INFINITY;

    /** The aparapi backend under test (open for the whole class). */
    abstract ComputeBackend aparapi();

    private final ReferenceBackend reference = new ReferenceBackend();

    /** A buffer on each backend holding the same values. */
    private record Pair(DeviceBuffer ap, DeviceBuffer ref, DType dtype, int n) {
    }

    private final List<Pair> live = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void releaseAll() {
        for (Pair p : live) {
            aparapi().release(p.ap());
            reference.release(p.ref());
        }
        live.clear();
        assertEquals(0L, aparapi().counters().get("liveArenaElements"), "every arena range was given back");
    }

    private Pair put(DType dtype, double... values) {
        Pair p = new Pair(aparapi().allocate(dtype, values.length), reference.allocate(dtype, values.length), dtype,
                values.length);
        live.add(p);
        for (ComputeBackend cb : List.of(aparapi(), reference)) {
            DeviceBuffer b = cb == reference ? p.ref() : p.ap();
            switch (dtype) {
                case FLOAT32 -> {
                    float[] f = new float[values.length];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = (float) values[i];
                    }
                    cb.write(b, f);
                }
                case FLOAT64 -> cb.write(b, values.clone());
                case INT32 -> {
                    int[] v = new int[values.length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (int) values[i];
                    }
                    cb.write(b, v);
                }
                default -> throw new IllegalArgumentException(dtype.toString());
            }
        }
        return p;
    }

    /** A buffer of n elements on each backend, both filled with the same sentinel (so unwritten elements show). */
    private Pair out(DType dtype, int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, dtype == DType.INT32 ? -7 : 12345.5);
        return put(dtype, v);
    }

    private static double[] get(ComputeBackend cb, DeviceBuffer b, DType dtype, int n) {
        double[] v = new double[n];
        switch (dtype) {
            case FLOAT32 -> {
                float[] f = new float[n];
                cb.read(b, f);
                for (int i = 0; i < n; i++) {
                    v[i] = f[i];
                }
            }
            case FLOAT64 -> cb.read(b, v);
            case INT32 -> {
                int[] k = new int[n];
                cb.read(b, k);
                for (int i = 0; i < n; i++) {
                    v[i] = k[i];
                }
            }
            default -> throw new IllegalArgumentException(dtype.toString());
        }
        return v;
    }

    /** Runs {@code call} on both backends (it receives a picker from pair to that backend's buffer). */
    private void both(BiConsumer<ComputeBackend, java.util.function.Function<Pair, DeviceBuffer>> call) {
        call.accept(aparapi(), Pair::ap);
        call.accept(reference, Pair::ref);
    }

    /** The same bits on both (NaN as NaN, −0 ≠ +0). */
    private void assertExact(String what, Pair p) {
        assertArrayEquals(get(reference, p.ref(), p.dtype(), p.n()), get(aparapi(), p.ap(), p.dtype(), p.n()),
                what + " [" + aparapi().name() + " vs reference]");
    }

    private void assertClose(String what, Pair p, int reduction, int cols) {
        Tolerance.of(p.dtype(), reduction).assertClose(what + " [" + aparapi().name() + " vs reference]",
                get(reference, p.ref(), p.dtype(), p.n()), get(aparapi(), p.ap(), p.dtype(), p.n()), cols);
    }

    private List<DType> floating() {
        return aparapi().supports(DType.FLOAT64) ? List.of(DType.FLOAT32, DType.FLOAT64) : List.of(DType.FLOAT32);
    }

    private static double[] random(long seed, int n, double scale) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextDouble() * 2 - 1) * scale;
        }
        return v;
    }

    private static double[] indices(long seed, int n, int bound) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(bound);
        }
        return v;
    }

    // ---- INT32 memory --------------------------------------------------------------------------------------------

    @Test
    void int32RoundTripsFillsAndCopiesEveryBit() {
        assumeTrue(aparapi().supports(DType.INT32));
        int n = 70_000;                                   // past the 65536-element window: two windows
        double[] v = indices(1, n, 2_000_000);
        v[0] = Integer.MIN_VALUE;
        v[1] = Integer.MAX_VALUE;
        v[2] = -1;
        Pair a = put(DType.INT32, v);
        assertExact("INT32 write/read", a);
        Pair c = out(DType.INT32, n);
        both((cb, b) -> cb.copy(b.apply(a), b.apply(c), n - 5));
        assertExact("INT32 copy of n − 5", c);
        both((cb, b) -> cb.fill(b.apply(c), 300, -2147483648.0));
        assertExact("INT32 fill with the int minimum", c);
    }

    // ---- copyStrided -------------------------------------------------------------------------------------------------

    @Test
    void copyStridedTransposesBroadcastsAndOffsetsEveryDtype() {
        List<DType> types = new ArrayList<>(floating());
        types.add(DType.INT32);
        for (DType t : types) {
            int rows = 37;
            int cols = 300;
            Pair src = put(t, t == DType.INT32 ? indices(2, rows * cols, 1 << 30) : random(2, rows * cols, 1e30));
            Pair dst = out(t, 3 + cols * (rows + 2));      // the largest of the four layouts: the transpose
            both((cb, b) -> cb.copyStrided(b.apply(src), 0, 1, rows, b.apply(dst), 3, rows + 2, cols, rows));
            assertExact(t + " transpose into an offset, padded destination", dst);
            both((cb, b) -> cb.copyStrided(b.apply(src), 5, 0, 1, b.apply(dst), 0, cols + 5, rows, cols - 5));
            assertExact(t + " row broadcast (row stride 0)", dst);
            both((cb, b) -> cb.copyStrided(b.apply(src), 7, cols, 0, b.apply(dst), 1, cols, rows, cols));
            assertExact(t + " column broadcast (column stride 0)", dst);
            both((cb, b) -> cb.copyStrided(b.apply(src), 0, cols, 1, b.apply(dst), 0, cols, 0, cols));
            assertExact(t + " zero rows", dst);
        }
    }

    // ---- cast --------------------------------------------------------------------------------------------------------

    @Test
    void castsRoundTowardZeroSaturateAndSendNaNToZero() {
        double[] special = {NAN, INF, -INF, 2147483648.0, -2147483648.0, 2147483647.0, -2147483649.0, 3e9, -3e9,
            -0.0, 0.0, 0.5, -0.5, 2.7, -2.7, 1.9999999, -1.9999999, 16777217.0, 123456789.75, -8388609.5, 1e-40};
        double[] many = random(3, 5000, 3e9);
        double[] values = new double[special.length + many.length];
        System.arraycopy(special, 0, values, 0, special.length);
        System.arraycopy(many, 0, values, special.length, many.length);
        int n = values.length;
        for (DType from : floating()) {
            Pair src = put(from, values);
            Pair ints = out(DType.INT32, n);
            both((cb, b) -> cb.cast(b.apply(src), b.apply(ints), n));
            assertExact(from + " → INT32", ints);
            for (DType to : floating()) {
                Pair back = out(to, n);
                both((cb, b) -> cb.cast(b.apply(ints), b.apply(back), n));
                assertExact("INT32 → " + to, back);
                Pair conv = out(to, n);
                both((cb, b) -> cb.cast(b.apply(src), b.apply(conv), n - 1));
                assertExact(from + " → " + to + " (n − 1)", conv);
            }
        }
        Pair big = put(DType.INT32, 16777217, -16777219, 2147483647, -2147483648, 0, 7);
        for (DType to : floating()) {
            Pair f = out(to, 6);
            both((cb, b) -> cb.cast(b.apply(big), b.apply(f), 6));
            assertExact("INT32 beyond 2²⁴ → " + to + " (to nearest even)", f);
        }
    }

    // ---- gather and scatter ------------------------------------------------------------------------------------------

    @Test
    void gatherRowsForEveryDtype() {
        List<DType> types = new ArrayList<>(floating());
        types.add(DType.INT32);
        for (DType t : types) {
            int srcRows = 50;
            int cols = 300;
            int n = 77;
            Pair src = put(t, t == DType.INT32 ? indices(4, srcRows * cols, 1 << 30) : random(4, srcRows * cols, 10));
            Pair idx = put(DType.INT32, indices(5, n, srcRows));
            Pair dst = out(t, n * cols);
            both((cb, b) -> cb.gatherRows(b.apply(src), srcRows, cols, b.apply(idx), n, b.apply(dst)));
            assertExact(t + " gatherRows", dst);
        }
    }

    @Test
    void scatterAddRowsAddsInIncreasingSourceRowOrder() {
        for (DType t : floating()) {
            int dstRows = 9;
            int cols = 260;
            int n = 500;                                  // many repeats of each destination row
            Pair src = put(t, random(6, n * cols, 1));
            Pair idx = put(DType.INT32, indices(7, n, dstRows));
            Pair dst = put(t, random(8, dstRows * cols, 1));
            both((cb, b) -> cb.scatterAddRows(b.apply(src), b.apply(idx), n, cols, b.apply(dst), dstRows));
            assertClose(t + " scatterAddRows", dst, n, cols);
        }
        // the order itself: 1e8 + 1 − 1e8 in float is 0 in this order; any other order of adding could give 1 or −1·ulp
        Pair src = put(DType.FLOAT32, 1e8, 1, -1e8, 1);
        Pair idx = put(DType.INT32, 0, 0, 0, 0);
        Pair dst = put(DType.FLOAT32, 0);
        aparapi().scatterAddRows(src.ap(), idx.ap(), 4, 1, dst.ap(), 1);
        float expected = 0f;
        for (float s : new float[]{1e8f, 1f, -1e8f, 1f}) {
            expected += s;
        }
        assertEquals(expected, (float) get(aparapi(), dst.ap(), DType.FLOAT32, 1)[0], "sequential float sum in row order");
    }

    // ---- argmax, oneHot ----------------------------------------------------------------------------------------------

    @Test
    void argmaxTakesTheFirstMaxAndTheFirstNaN() {
        for (DType t : floating()) {
            int cols = 700;                               // each item scans two or three columns
            int rows = 8;
            double[] x = random(9, rows * cols, 1);
            x[0 * cols + 5] = 3;                          // row 0: a tie at 5 and 600 (different items), first wins
            x[0 * cols + 600] = 3;
            x[1 * cols + 650] = NAN;                       // row 1: NaN beats 5 earlier
            x[1 * cols + 3] = 5;
            x[1 * cols + 699] = NAN;
            for (int j = 0; j < cols; j++) {
                x[2 * cols + j] = -INF;                   // row 2: all −∞: column 0
                x[3 * cols + j] = 1;                      // row 3: all equal
            }
            x[3 * cols + 256] = NAN;                      // … but a NaN at 256 and one at 512
            x[3 * cols + 512] = NAN;
            x[4 * cols + 699] = INF;                      // row 4: +∞ last
            Pair px = put(t, x);
            Pair o = out(DType.INT32, rows);
            both((cb, b) -> cb.argmaxRows(b.apply(px), rows, cols, b.apply(o)));
            assertExact(t + " argmaxRows", o);
            Pair one = put(t, 4, 2, NAN, -1);
            Pair o1 = out(DType.INT32, 4);
            both((cb, b) -> cb.argmaxRows(b.apply(one), 4, 1, b.apply(o1)));
            assertExact(t + " argmaxRows of one column", o1);
        }
    }

    @Test
    void oneHotRows() {
        for (DType t : floating()) {
            int n = 333;
            int classes = 11;
            Pair labels = put(DType.INT32, indices(10, n, classes));
            Pair o = out(t, n * classes);
            both((cb, b) -> cb.oneHot(b.apply(labels), n, classes, b.apply(o)));
            assertExact(t + " oneHot", o);
        }
    }

    // ---- compare, where ----------------------------------------------------------------------------------------------

    @Test
    void compareIsIeeeForEveryDtypeAndBroadcast() {
        int rows = 5;
        int cols = 9;
        double[] a = {NAN, 1, -0.0, 0.0, INF, -INF, 2, 3, -5};
        double[] full = new double[rows * cols];
        for (int i = 0; i < full.length; i++) {
            full[i] = a[(i * 7) % a.length];
        }
        List<DType> types = new ArrayList<>(floating());
        types.add(DType.INT32);
        for (DType t : types) {
            double[] av = t == DType.INT32 ? indices(11, rows * cols, 5) : full;
            double[] bv = t == DType.INT32 ? indices(12, rows * cols, 5) : random(12, rows * cols, 3);
            if (t != DType.INT32) {
                for (int i = 0; i < bv.length; i += 4) {
                    bv[i] = full[(i * 3) % full.length];
                }
            }
            Pair pa = put(t, av);
            Pair pb = put(t, bv);
            for (CompareOp op : CompareOp.values()) {
                for (Broadcast bc : Broadcast.values()) {
                    Pair o = out(DType.INT32, rows * cols);
                    both((cb, b) -> cb.compare(op, b.apply(pa), b.apply(pb), bc, b.apply(o), rows, cols));
                    assertExact(t + " compare " + op + " " + bc, o);
                }
                Pair o = out(DType.INT32, rows * cols);
                both((cb, b) -> cb.compare(op, b.apply(pa), b.apply(pa), Broadcast.NONE, b.apply(o), rows, cols));
                assertExact(t + " compare " + op + " of a with itself", o);
            }
        }
    }

    @Test
    void whereNeverLetsTheUnchosenNaNOrInfinityThrough() {
        for (DType t : floating()) {
            int n = 1000;
            double[] a = random(13, n, 5);
            double[] b = random(14, n, 5);
            double[] m = indices(15, n, 3);
            for (int i = 0; i < n; i += 3) {
                a[i] = m[i] == 0 ? NAN : a[i];
                b[i] = m[i] != 0 ? INF : b[i];
            }
            m[1] = -5;
            Pair pm = put(DType.INT32, m);
            Pair pa = put(t, a);
            Pair pb = put(t, b);
            Pair o = out(t, n);
            both((cb, bb) -> cb.where(bb.apply(pm), bb.apply(pa), bb.apply(pb), bb.apply(o), n));
            assertExact(t + " where", o);
            both((cb, bb) -> cb.where(bb.apply(pm), bb.apply(pa), bb.apply(pb), bb.apply(pa), n));
            assertExact(t + " where in place over a", pa);
        }
    }

    // ---- the new unary ops and the row minimum -------------------------------------------------------------------

    @Test
    void absPowAndTheClampsKeepNaN() {
        double[] x = {NAN, INF, -INF, -0.0, 0.0, 1, -1, 2, -2, 0.5, -0.5, 3.25, 1e-3, 100, -8};
        double[] ps = {2, 0.5, 3, -1, 0, -0.0, INF, -INF, NAN, 1.5, -2.5};
        for (DType t : floating()) {
            Pair px = put(t, x);
            Pair o = out(t, x.length);
            both((cb, b) -> cb.unary(UnaryOp.ABS, 0, b.apply(px), b.apply(o), x.length));
            assertExact(t + " ABS", o);
            for (double p : ps) {
                both((cb, b) -> cb.unary(UnaryOp.POW, p, b.apply(px), b.apply(o), x.length));
                assertClose(t + " POW " + p, o, 1, 0);
                for (UnaryOp clamp : new UnaryOp[]{UnaryOp.MAX_SCALAR, UnaryOp.MIN_SCALAR}) {
                    both((cb, b) -> cb.unary(clamp, p, b.apply(px), b.apply(o), x.length));
                    assertClose(t + " " + clamp + " " + p, o, 1, 0);
                }
            }
        }
    }

    @Test
    void reduceRowsMinLikeMathMin() {
        for (DType t : floating()) {
            int rows = 6;
            int cols = 600;
            double[] x = random(16, rows * cols, 100);
            x[cols + 400] = NAN;
            for (int j = 0; j < cols; j++) {
                x[2 * cols + j] = INF;
            }
            x[3 * cols + 599] = -INF;
            Pair px = put(t, x);
            Pair o = out(t, rows);
            both((cb, b) -> cb.reduceRows(RowReduction.MIN, b.apply(px), rows, cols, b.apply(o)));
            assertExact(t + " reduceRows MIN", o);
            Pair empty = out(t, 2);
            both((cb, b) -> cb.reduceRows(RowReduction.MIN, b.apply(px), 2, 0, b.apply(empty)));
            assertExact(t + " reduceRows MIN of empty rows (+∞)", empty);
        }
    }
}
