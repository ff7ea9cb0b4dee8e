package dev.nabla.opencl;

import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.contract.Tolerance;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.Probe;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The issue-13 kernels of the opencl backend (INT32 buffers, strided copies, casts, row gathers and scatters, argmax,
 * one-hot, comparisons, selection, the new unary ops and RowReduction.MIN) called through the SPI and compared with
 * {@link ReferenceBackend} on the same stored values: bit for bit where the SPI says so, under {@link Tolerance}
 * otherwise. Sizes straddle the work-group size so that partial groups and tree reductions are exercised.
 */
@ExtendWith(NoSkipOnCi.class)
class OpenClIndexingKernelsTest {
    private static final DType[] ALL = {DType.FLOAT32, DType.FLOAT64, DType.INT32};
    private static final DType[] FLOATS = {DType.FLOAT32, DType.FLOAT64};
    private static ComputeBackend cl;
    private static final ComputeBackend ref = new ReferenceBackend();

    @BeforeAll
    static void start() {
        Probe probe = Backends.probe("opencl");
        assumeTrue(probe.available(), "opencl unavailable: " + probe.reason());
        cl = new OpenClBackend();
    }

    @AfterAll
    static void stop() {
        if (cl != null) {
            cl.close();
        }
    }

    // ---- helpers: buffers holding the same values on both backends ---------------------------------------------------

    /** The values as {@code dtype} stores them (rounded to float, or truncated to int). */
    private static double[] stored(DType dtype, double[] v) {
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = switch (dtype) {
                case FLOAT32 -> (float) v[i];
                case FLOAT64 -> v[i];
                case INT32 -> (int) v[i];
                case BFLOAT16, FLOAT16 -> dev.nabla.HalfFloats.round(dtype, v[i]);   // ALL lists the older dtypes
            };
        }
        return s;
    }

    private static DeviceBuffer up(ComputeBackend be, DType dtype, double[] v) {
        DeviceBuffer b = be.allocate(dtype, v.length);
        switch (dtype) {
            case FLOAT32 -> {
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = (float) v[i];
                }
                be.write(b, f);
            }
            case FLOAT64 -> be.write(b, v.clone());
            case INT32 -> {
                int[] n = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    n[i] = (int) v[i];
                }
                be.write(b, n);
            }
        }
        return b;
    }

    private static double[] down(ComputeBackend be, DeviceBuffer b) {
        int n = Math.toIntExact(b.length());
        double[] d = new double[n];
        switch (b.dtype()) {
            case FLOAT32 -> {
                float[] f = new float[n];
                be.read(b, f);
                for (int i = 0; i < n; i++) {
                    d[i] = f[i];
                }
            }
            case FLOAT64 -> be.read(b, d);
            case INT32 -> {
                int[] v = new int[n];
                be.read(b, v);
                for (int i = 0; i < n; i++) {
                    d[i] = v[i];
                }
            }
        }
        return d;
    }

    /** Asserts equal bits as doubles (NaN = NaN; −0 ≠ +0); the failure names the first differing element. */
    private static void assertBits(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]
                        + " [opencl]");
            }
        }
    }

    private static double[] random(long seed, int n, double lo, double hi) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    private static boolean has(DType dtype) {
        return cl.supports(dtype);
    }

    // ---- INT32 buffers -----------------------------------------------------------------------------------------------

    @Test
    void int32BuffersRoundTripFillCopyAndCountTheirBytes() {
        assertTrue(cl.supports(DType.INT32));
        int[] values = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 123456789, -7};
        DeviceBuffer a = cl.allocate(DType.INT32, values.length);
        DeviceBuffer b = cl.allocate(DType.INT32, values.length);
        try {
            Map<String, Long> before = cl.counters();
            cl.write(a, values);
            int[] back = new int[values.length];
            cl.read(a, back);
            assertArrayEquals(values, back, "write then read");
            Map<String, Long> after = cl.counters();
            assertEquals(before.get("hostToDeviceBytes") + 4L * values.length, after.get("hostToDeviceBytes"));
            assertEquals(before.get("deviceToHostBytes") + 4L * values.length, after.get("deviceToHostBytes"));
            cl.copy(a, b, values.length);
            cl.read(b, back);
            assertArrayEquals(values, back, "copy");
            cl.fill(b, 5, -2147483648.0);
            cl.read(b, back);
            assertArrayEquals(new int[]{Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE,
                    Integer.MIN_VALUE, 123456789, -7}, back, "fill of 5 leaves the rest");
        } finally {
            cl.release(a);
            cl.release(b);
        }
    }

    // ---- copies and casts --------------------------------------------------------------------------------------------

    /** Plain, offset, transposed (srcColStride = row length, srcRowStride = 1) and broadcast (stride 0) copies. */
    @Test
    void copyStridedMatchesTheReferenceBitForBitForEveryDtype() {
        int rows = 37;
        int cols = 300;                      // more columns than a work-group: partial groups in dimension 0
        double[] src = random(1, rows * cols + 50, -1e6, 1e6);
        src[3] = Double.NaN;
        src[4] = -0.0;
        long[][] layouts = {             // srcOffset, srcRowStride, srcColStride, dstOffset, dstRowStride, rows, cols
                {0, cols, 1, 0, cols, rows, cols},
                {50, cols, 1, 7, cols + 3, rows, cols},
                {0, 1, rows, 0, rows, cols, rows},          // transpose a rows × cols matrix into cols × rows
                {5, 0, 1, 0, cols, rows, cols},             // one row repeated
                {5, cols, 0, 0, cols, rows, cols},          // one column repeated
                {2, 0, 0, 1, 1, 1, 9},                      // one element everywhere
        };
        for (DType dtype : ALL) {
            if (!has(dtype)) {
                continue;
            }
            for (long[] l : layouts) {
                int r = (int) l[5];
                int c = (int) l[6];
                int dstLength = (int) (l[3] + (r - 1) * l[4] + c + 4);
                double[] init = random(2, dstLength, -5, 5);
                DeviceBuffer cs = up(cl, dtype, src), cd = up(cl, dtype, init);
                DeviceBuffer rs = up(ref, dtype, stored(dtype, src)), rd = up(ref, dtype, stored(dtype, init));
                cl.copyStrided(cs, l[0], l[1], l[2], cd, l[3], l[4], r, c);
                ref.copyStrided(rs, l[0], l[1], l[2], rd, l[3], l[4], r, c);
                assertBits("copyStrided " + Arrays.toString(l) + " " + dtype, down(ref, rd), down(cl, cd));
                cl.release(cs);
                cl.release(cd);
            }
        }
    }

    /** Every pair of dtypes, with the values where casts differ: NaN, ±∞, ±0, the int range's ends, ties. */
    @Test
    void castFollowsJavasConversionsForEveryPairOfDtypes() {
        double[] edge = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 2.7, -2.7, 0.5,
                -0.5, 2147483647.0, 2147483648.0, -2147483648.0, -2147483649.0, 1e10, -1e10, 16777217.0, 16777219.0,
                3.4e38, 1e300, -1e300, 1.0000000000000002, 1e-45, 123456789.0, -123456789.0};
        double[] v = new double[edge.length + 700];   // past one work-group
        System.arraycopy(edge, 0, v, 0, edge.length);
        double[] rest = random(3, 700, -3e9, 3e9);
        System.arraycopy(rest, 0, v, edge.length, rest.length);
        for (DType from : ALL) {
            for (DType to : ALL) {
                if (!has(from) || !has(to)) {
                    continue;
                }
                double[] in = stored(from, v);
                double[] expected = new double[in.length];
                for (int i = 0; i < in.length; i++) {
                    expected[i] = switch (to) {
                        case FLOAT32 -> (float) in[i];
                        case FLOAT64 -> in[i];
                        case INT32 -> (int) in[i];
                        case BFLOAT16, FLOAT16 -> dev.nabla.HalfFloats.round(to, in[i]);
                    };
                }
                DeviceBuffer s = up(cl, from, in), d = cl.allocate(to, in.length);
                cl.cast(s, d, in.length);
                assertBits("cast " + from + " to " + to, expected, down(cl, d));
                cl.release(s);
                cl.release(d);
            }
        }
    }

    // ---- indexing ----------------------------------------------------------------------------------------------------

    @Test
    void gatherRowsCopiesTheNamedRowsBitForBitForEveryDtype() {
        int srcRows = 50;
        int cols = 270;
        int n = 81;
        double[] src = random(4, srcRows * cols, -100, 100);
        src[cols + 1] = Double.NaN;
        double[] idx = new double[n];
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            idx[i] = i % 9 == 0 ? 1 : r.nextInt(srcRows);            // row 1 several times
        }
        for (DType dtype : ALL) {
            if (!has(dtype)) {
                continue;
            }
            DeviceBuffer cs = up(cl, dtype, src), ci = up(cl, DType.INT32, idx);
            DeviceBuffer cd = cl.allocate(dtype, (long) n * cols);
            DeviceBuffer rs = up(ref, dtype, stored(dtype, src)), ri = up(ref, DType.INT32, idx),
                    rd = ref.allocate(dtype, (long) n * cols);
            cl.gatherRows(cs, srcRows, cols, ci, n, cd);
            ref.gatherRows(rs, srcRows, cols, ri, n, rd);
            assertBits("gatherRows " + dtype, down(ref, rd), down(cl, cd));
            cl.release(cs);
            cl.release(ci);
            cl.release(cd);
        }
    }

    /** Repeated indices add up in increasing row order; rows nobody names keep their values. */
    @Test
    void scatterAddRowsAddsRepeatedRowsInOrderAndIsReproducible() {
        int n = 300;
        int cols = 19;
        int dstRows = 23;
        double[] src = random(6, n * cols, -1, 1);
        double[] init = random(7, dstRows * cols, -1, 1);
        double[] idx = new double[n];
        Random r = new Random(8);
        for (int i = 0; i < n; i++) {
            idx[i] = r.nextInt(dstRows - 3);       // the last three rows are never named
        }
        for (DType dtype : FLOATS) {
            if (!has(dtype)) {
                continue;
            }
            DeviceBuffer cs = up(cl, dtype, src), ci = up(cl, DType.INT32, idx), cd = up(cl, dtype, init);
            DeviceBuffer rs = up(ref, dtype, stored(dtype, src)), ri = up(ref, DType.INT32, idx),
                    rd = up(ref, dtype, stored(dtype, init));
            cl.scatterAddRows(cs, ci, n, cols, cd, dstRows);
            ref.scatterAddRows(rs, ri, n, cols, rd, dstRows);
            double[] first = down(cl, cd);
            Tolerance.of(dtype, n).assertClose("scatterAddRows " + dtype, down(ref, rd), first, cols);
            // sequential float sums in increasing i, exactly: the same order as a plain loop in the dtype
            double[] sequential = stored(dtype, init);
            double[] s = stored(dtype, src);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < cols; j++) {
                    int at = (int) idx[i] * cols + j;
                    sequential[at] = dtype == DType.FLOAT32 ? (float) ((float) sequential[at] + (float) s[i * cols + j])
                            : sequential[at] + s[i * cols + j];
                }
            }
            assertBits("scatterAddRows adds in increasing row order " + dtype, sequential, first);
            cl.release(cs);
            cl.release(ci);
            cl.release(cd);
        }
    }

    /** First max wins ties; a NaN beats every number, the first NaN wins; rows longer than a work-group. */
    @Test
    void argmaxRowsTakesTheFirstMaxAndTheFirstNan() {
        for (int cols : new int[]{1, 3, 10, 257, 1000}) {
            int rows = 12;
            double[] x = random(9 + cols, rows * cols, -10, 10);
            for (int j = 0; j < cols; j++) {
                x[j] = 1.5;                                        // row 0: all equal → 0
                x[2 * cols + j] = j % 2 == 0 ? 7 : -7;             // row 2: ties at every even column → 0
            }
            if (cols > 2) {
                x[3 * cols + cols - 2] = Double.NaN;               // row 3: NaNs late in the row
                x[3 * cols + cols - 1] = Double.NaN;
                x[4 * cols + cols - 1] = 1e300;                    // row 4: max in the last column
                x[5 * cols + 1] = Double.POSITIVE_INFINITY;        // row 5: ∞ then an equal ∞
                x[5 * cols + cols - 1] = Double.POSITIVE_INFINITY;
                x[6 * cols] = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    x[7 * cols + j] = j == cols / 2 ? 0.0 : -1;    // row 7: −0 after +0? both count as 0
                }
                x[7 * cols + cols - 1] = -0.0;
            }
            for (DType dtype : FLOATS) {
                if (!has(dtype)) {
                    continue;
                }
                DeviceBuffer cx = up(cl, dtype, x), co = cl.allocate(DType.INT32, rows);
                DeviceBuffer rx = up(ref, dtype, stored(dtype, x)), ro = ref.allocate(DType.INT32, rows);
                cl.argmaxRows(cx, rows, cols, co);
                ref.argmaxRows(rx, rows, cols, ro);
                assertBits("argmaxRows cols=" + cols + " " + dtype, down(ref, ro), down(cl, co));
                cl.release(cx);
                cl.release(co);
            }
        }
    }

    @Test
    void oneHotSetsOneColumnPerRow() {
        int n = 70;
        int classes = 13;
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7) % classes;
        }
        for (DType dtype : FLOATS) {
            if (!has(dtype)) {
                continue;
            }
            DeviceBuffer cl1 = up(cl, DType.INT32, labels), co = up(cl, dtype, random(10, n * classes, 2, 3));
            DeviceBuffer rl = up(ref, DType.INT32, labels), ro = ref.allocate(dtype, (long) n * classes);
            cl.oneHot(cl1, n, classes, co);
            ref.oneHot(rl, n, classes, ro);
            assertBits("oneHot " + dtype, down(ref, ro), down(cl, co));
            cl.release(cl1);
            cl.release(co);
        }
    }

    // ---- masks -------------------------------------------------------------------------------------------------------

    @Test
    void compareIsIeeeForEveryOpBroadcastAndDtype() {
        int rows = 9;
        int cols = 70;
        double[] a = random(11, rows * cols, -3, 3);
        double[] b = random(12, rows * cols, -3, 3);
        for (int i = 0; i < a.length; i += 5) {
            a[i] = Math.rint(a[i]);                        // equal pairs, so EQ/GE/LE see ties
            b[i] = a[i];
        }
        a[1] = Double.NaN;
        b[2] = Double.NaN;
        a[3] = -0.0;
        b[3] = 0.0;
        b[0] = Double.NaN;                                 // in the ROW and COLUMN broadcasts too
        a[7] = Double.POSITIVE_INFINITY;
        for (DType dtype : ALL) {
            if (!has(dtype)) {
                continue;
            }
            for (Broadcast bc : Broadcast.values()) {
                int bLength = bc == Broadcast.NONE ? rows * cols : bc == Broadcast.ROW ? cols : rows;
                double[] bv = Arrays.copyOf(b, bLength);
                DeviceBuffer ca = up(cl, dtype, a), cb = up(cl, dtype, bv);
                DeviceBuffer co = cl.allocate(DType.INT32, (long) rows * cols);
                DeviceBuffer ra = up(ref, dtype, stored(dtype, a)), rb = up(ref, dtype, stored(dtype, bv)),
                        ro = ref.allocate(DType.INT32, (long) rows * cols);
                for (CompareOp op : CompareOp.values()) {
                    cl.compare(op, ca, cb, bc, co, rows, cols);
                    ref.compare(op, ra, rb, bc, ro, rows, cols);
                    assertBits("compare " + op + " " + bc + " " + dtype, down(ref, ro), down(cl, co));
                }
                cl.release(ca);
                cl.release(cb);
                cl.release(co);
            }
        }
    }

    /** NaN and ∞ in the operand not chosen never reach out; in place over a and over b. */
    @Test
    void whereSelectsWithoutArithmetic() {
        int n = 1001;
        double[] mask = new double[n];
        double[] a = random(13, n, -4, 4);
        double[] b = random(14, n, -4, 4);
        for (int i = 0; i < n; i++) {
            mask[i] = i % 3 == 0 ? 0 : (i % 3 == 1 ? 1 : -5);
            if (i % 3 == 0) {
                a[i] = Double.NaN;
            } else {
                b[i] = i % 2 == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            }
        }
        for (DType dtype : FLOATS) {
            if (!has(dtype)) {
                continue;
            }
            DeviceBuffer rm = up(ref, DType.INT32, mask), ra = up(ref, dtype, stored(dtype, a)),
                    rb = up(ref, dtype, stored(dtype, b)), ro = ref.allocate(dtype, n);
            ref.where(rm, ra, rb, ro, n);
            double[] expected = down(ref, ro);
            for (int variant = 0; variant < 3; variant++) {
                DeviceBuffer cm = up(cl, DType.INT32, mask), ca = up(cl, dtype, a), cb = up(cl, dtype, b);
                DeviceBuffer co = variant == 0 ? cl.allocate(dtype, n) : variant == 1 ? ca : cb;
                cl.where(cm, ca, cb, co, n);
                assertBits("where " + dtype + (variant == 0 ? "" : variant == 1 ? " into a" : " into b"), expected,
                        down(cl, co));
                if (variant == 0) {
                    cl.release(co);
                }
                cl.release(cm);
                cl.release(ca);
                cl.release(cb);
            }
        }
    }

    // ---- new unary ops and RowReduction.MIN --------------------------------------------------------------------------

    /** ABS, POW, MAX_SCALAR, MIN_SCALAR on NaN, ±∞ and ±0, with NaN and ∞ parameters (Math.pow's special cases). */
    @Test
    void newUnaryOpsKeepJavasSpecialCases() {
        double[] x = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1, -1, 2.5, -2.5,
                0.3, -3, 7};
        double[][] params = {
                {UnaryOp.ABS.ordinal(), 0},
                {UnaryOp.POW.ordinal(), 2}, {UnaryOp.POW.ordinal(), 0.5}, {UnaryOp.POW.ordinal(), -1},
                {UnaryOp.POW.ordinal(), 0}, {UnaryOp.POW.ordinal(), Double.NaN},
                {UnaryOp.POW.ordinal(), Double.POSITIVE_INFINITY}, {UnaryOp.POW.ordinal(), Double.NEGATIVE_INFINITY},
                {UnaryOp.POW.ordinal(), 3},
                {UnaryOp.MAX_SCALAR.ordinal(), 0.5}, {UnaryOp.MAX_SCALAR.ordinal(), Double.NaN},
                {UnaryOp.MIN_SCALAR.ordinal(), -1.5}, {UnaryOp.MIN_SCALAR.ordinal(), Double.NaN},
        };
        for (DType dtype : FLOATS) {
            if (!has(dtype)) {
                continue;
            }
            for (double[] p : params) {
                UnaryOp op = UnaryOp.values()[(int) p[0]];
                for (int n : new int[]{x.length, 12 * 30 + 1}) {       // unary_op4 and unary_op
                    double[] in = new double[n];
                    for (int i = 0; i < n; i++) {
                        in[i] = x[i % x.length];
                    }
                    DeviceBuffer cx = up(cl, dtype, in), co = cl.allocate(dtype, n);
                    DeviceBuffer rx = up(ref, dtype, stored(dtype, in)), ro = ref.allocate(dtype, n);
                    cl.unary(op, p[1], cx, co, n);
                    ref.unary(op, dtype == DType.FLOAT32 ? (float) p[1] : p[1], rx, ro, n);
                    double[] expected = stored(dtype, down(ref, ro));
                    Tolerance.of(dtype, 1).assertClose(op + "(x, " + p[1] + ") n=" + n + " " + dtype, expected,
                            down(cl, co), 0);
                    cl.release(cx);
                    cl.release(co);
                }
            }
        }
    }

    @Test
    void reduceRowsMinIsNanPropagatingAndInfinityForEmptyRows() {
        for (int cols : new int[]{0, 1, 5, 300}) {
            int rows = 6;
            double[] x = random(20 + cols, rows * cols, -50, 50);
            if (cols > 1) {
                x[cols + cols - 1] = Double.NaN;
                x[2 * cols] = Double.NEGATIVE_INFINITY;
            }
            for (DType dtype : FLOATS) {
                if (!has(dtype)) {
                    continue;
                }
                DeviceBuffer cx = up(cl, dtype, x), co = cl.allocate(dtype, rows);
                DeviceBuffer rx = up(ref, dtype, stored(dtype, x)), ro = ref.allocate(dtype, rows);
                cl.reduceRows(RowReduction.MIN, cx, rows, cols, co);
                ref.reduceRows(RowReduction.MIN, rx, rows, cols, ro);
                assertBits("reduceRows(MIN) cols=" + cols + " " + dtype, down(ref, ro), down(cl, co));
                cl.release(cx);
                cl.release(co);
            }
        }
    }
}
