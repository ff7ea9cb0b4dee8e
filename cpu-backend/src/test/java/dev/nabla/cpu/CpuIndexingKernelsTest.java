package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue-13 kernels of the cpu backend (INT32 buffers, copyStrided, cast, gatherRows, scatterAddRows, argmaxRows,
 * oneHot, compare, where; RowReduction.MIN and the new unary ops) at the SPI level, against {@link ReferenceBackend},
 * on both paths, on one thread and on three (sizes are chosen so that three threads split the work). Copies, casts,
 * gathers, masks and argmax must be the reference's bits; scatterAddRows within the rounding of its additions.
 */
class CpuIndexingKernelsTest {
    private static final DType[] ALL = {DType.FLOAT32, DType.FLOAT64, DType.INT32};
    private static final DType[] FLOATING = {DType.FLOAT32, DType.FLOAT64};

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of(CpuPath.VECTOR, 1), Arguments.of(CpuPath.VECTOR, 3),
                Arguments.of(CpuPath.SCALAR, 1), Arguments.of(CpuPath.SCALAR, 3));
    }

    private final ComputeBackend ref = new ReferenceBackend();

    // ---- helpers -----------------------------------------------------------------------------------------------------

    /** A buffer of dtype holding v (rounded to float, or cast to int, as the dtype stores it). */
    private static DeviceBuffer put(ComputeBackend be, DType dtype, double[] v) {
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

    /** The buffer's values, each exactly as a double. */
    private static double[] get(ComputeBackend be, DeviceBuffer b) {
        int n = (int) b.length();
        double[] out = new double[n];
        switch (b.dtype()) {
            case FLOAT32 -> {
                float[] f = new float[n];
                be.read(b, f);
                for (int i = 0; i < n; i++) {
                    out[i] = f[i];
                }
            }
            case FLOAT64 -> be.read(b, out);
            case INT32 -> {
                int[] v = new int[n];
                be.read(b, v);
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
        }
        return out;
    }

    /** Element by element, bit for bit (JUnit's double equality: −0 ≠ +0, NaN = NaN). */
    private static void assertSameValues(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], what + " at " + i);
        }
    }

    /** Random values in [lo, hi) with NaN, ±∞, ±0 and huge values sprinkled in (only where the dtype holds them). */
    private static double[] data(long seed, int n, DType dtype) {
        double[] v = HostData.uniform(seed, n, -100, 100);
        Random r = new Random(seed);
        double[] special = dtype == DType.INT32
                ? new double[] {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE}
                : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 3e38, -1e300};
        for (int k = 0; k < n / 50 + 1; k++) {
            v[r.nextInt(n)] = special[r.nextInt(special.length)];
        }
        return v;
    }

    // ---- INT32 memory ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void int32BuffersWriteReadCopyAndFill(CpuPath path, int threads) {
        try (CpuBackend cpu = new CpuBackend(path, threads)) {
            assertTrue(cpu.supports(DType.INT32));
            assertEquals(cpu.maxElements(DType.FLOAT32), cpu.maxElements(DType.INT32));
            int[] v = {0, -1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE, 42};
            DeviceBuffer a = cpu.allocate(DType.INT32, v.length);
            assertEquals(DType.INT32, a.dtype());
            assertEquals(v.length, a.length());
            cpu.write(a, v);
            int[] back = new int[v.length];
            cpu.read(a, back);
            assertEquals(java.util.Arrays.toString(v), java.util.Arrays.toString(back), "write then read");
            DeviceBuffer b = cpu.allocate(DType.INT32, v.length);
            cpu.fill(b, v.length, -3);
            cpu.copy(a, b, 4);                                   // the first 4 copied, the rest keeps the fill
            cpu.read(b, back);
            for (int i = 0; i < v.length; i++) {
                assertEquals(i < 4 ? v[i] : -3, back[i], "copy of 4 over a fill of −3, at " + i);
            }
            cpu.fill(b, v.length, Integer.MIN_VALUE);
            cpu.read(b, back);
            for (int x : back) {
                assertEquals(Integer.MIN_VALUE, x, "fill with the int range's end");
            }
            assertEquals(2L, cpu.counters().get("liveBuffers"));
            cpu.release(a);
            cpu.release(b);
            assertEquals(0L, cpu.counters().get("liveBuffers"));
        }
    }

    // ---- copyStrided -------------------------------------------------------------------------------------------------

    /** src is R × C; each case {srcOffset, srcRowStride, srcColStride, dstOffset, dstRowStride, rows, cols}. */
    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void copyStridedIsTheReferencesBitsForEveryDtypeAndLayout(CpuPath path, int threads) {
        int rr = 700, cc = 120;
        long[][] cases = {
                {3L * cc + 5, cc, 1, 7, 103, 600, 100},            // a block of rows and columns (a view)
                {0, 1, cc, 0, rr, cc, rr},                          // the transpose
                {2L * cc, 0, 1, 0, cc, 800, cc},                    // one row repeated (row stride 0)
                {4, cc, 0, 1, 50, rr, 50},                          // one column repeated along each row
                {11, cc, 1, 3, 1, 1, 0},                            // no columns
                {11, cc, 1, 3, 10, 0, 10},                          // no rows
                {5, 2L * cc, 2, 0, cc / 2, rr / 2, cc / 2},         // every other row and column
        };
        try (CpuBackend cpu = new CpuBackend(path, threads)) {
            for (DType dtype : ALL) {
                double[] src = data(1, rr * cc, dtype);
                DeviceBuffer cs = put(cpu, dtype, src), rs = put(ref, dtype, src);
                for (long[] c : cases) {
                    int rows = (int) c[5], cols = (int) c[6];
                    int dstLen = (int) (c[3] + Math.max(0, rows - 1) * c[4] + cols + 2);
                    DeviceBuffer cd = cpu.allocate(dtype, dstLen), rd = ref.allocate(dtype, dstLen);
                    cpu.fill(cd, dstLen, -7);                        // elements not addressed must keep it
                    ref.fill(rd, dstLen, -7);
                    cpu.copyStrided(cs, c[0], c[1], c[2], cd, c[3], c[4], rows, cols);
                    ref.copyStrided(rs, c[0], c[1], c[2], rd, c[3], c[4], rows, cols);
                    assertSameValues(get(ref, rd), get(cpu, cd), "copyStrided " + dtype + " "
                            + java.util.Arrays.toString(c));
                }
            }
        }
    }

    // ---- cast --------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void castIsTheReferencesBitsBetweenEveryPairOfDtypes(CpuPath path, int threads) {
        int n = 70_001;                                          // three threads split it
        double[] v = HostData.uniform(2, n, -5e9, 5e9);
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 2.5, -2.5,
                2.9999999, -0.9, 1e-45, 3e9, -3e9, 2147483647.0, 2147483648.0, -2147483648.0, -2147483649.0,
                16777217, 1e300, -1e300, 0x1.fffffefffffffp127, Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (int k = 0; k < special.length; k++) {
            v[k * 997] = special[k];                             // spread over every chunk
            v[n - 1 - k] = special[k];                           // and in the last one
        }
        try (CpuBackend cpu = new CpuBackend(path, threads)) {
            for (DType from : ALL) {
                DeviceBuffer cs = put(cpu, from, v), rs = put(ref, from, v);
                for (DType to : ALL) {
                    DeviceBuffer cd = cpu.allocate(to, n), rd = ref.allocate(to, n);
                    cpu.cast(cs, cd, n);
                    ref.cast(rs, rd, n);
                    assertSameValues(get(ref, rd), get(cpu, cd), "cast " + from + " → " + to);
                }
            }
        }
    }

    // ---- gatherRows, scatterAddRows, oneHot, argmaxRows --------------------------------------------------------------

    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void gatherRowsIsTheReferencesBitsForEveryDtype(CpuPath path, int threads) {
        int srcRows = 500, cols = 37, n = 3000;
        double[] idx = HostData.uniform(3, n, 0, srcRows);       // repeats included: 3000 draws of 500 rows
        idx[0] = 0;
        idx[n - 1] = srcRows - 1;
        try (CpuBackend cpu = new CpuBackend(path, threads)) {
            DeviceBuffer ci = put(cpu, DType.INT32, idx), ri = put(ref, DType.INT32, idx);
            for (DType dtype : ALL) {
                double[] src = data(4, srcRows * cols, dtype);
                DeviceBuffer cs = put(cpu, dtype, src), rs = put(ref, dtype, src);
                for (int rows : new int[] {n, 1, 0}) {
                    DeviceBuffer cd = cpu.allocate(dtype, (long) rows * cols), rd = ref.allocate(dtype, (long) rows * cols);
                    cpu.gatherRows(cs, srcRows, cols, ci, rows, cd);
                    ref.gatherRows(rs, srcRows, cols, ri, rows, rd);
                    assertSameValues(get(ref, rd), get(cpu, cd), "gatherRows " + dtype + " of " + rows + " rows");
                }
            }
        }
    }

    /**
     * Within (k + 1)·u·(|dst₀| + Σ|src|) of the reference for an element receiving k additions (recursive summation),
     * and the same bits on one thread as on three (each element's additions run in increasing source row).
     */
    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void scatterAddRowsAddsInOrderWithinRounding(CpuPath path, int threads) {
        int n = 2000, cols = 300, dstRows = 97;
        double[] idx = HostData.uniform(5, n, 0, dstRows);
        double[] src = HostData.uniform(6, n * cols, -1, 1);
        double[] dst0 = HostData.uniform(7, dstRows * cols, -1, 1);
        try (CpuBackend cpu = new CpuBackend(path, threads); CpuBackend one = new CpuBackend(path, 1)) {
            for (DType dtype : FLOATING) {
                double u = dtype == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
                DeviceBuffer cd = put(cpu, dtype, dst0), rd = put(ref, dtype, dst0), od = put(one, dtype, dst0);
                cpu.scatterAddRows(put(cpu, dtype, src), put(cpu, DType.INT32, idx), n, cols, cd, dstRows);
                ref.scatterAddRows(put(ref, dtype, src), put(ref, DType.INT32, idx), n, cols, rd, dstRows);
                one.scatterAddRows(put(one, dtype, src), put(one, DType.INT32, idx), n, cols, od, dstRows);
                double[] got = get(cpu, cd), want = get(ref, rd);
                assertSameValues(get(one, od), got, "scatterAddRows " + dtype + ": 1 thread against " + threads);
                double[] stored = get(ref, put(ref, dtype, dst0));
                int[] count = new int[dstRows];
                double[] abs = new double[dstRows * cols];
                for (int i = 0; i < n; i++) {
                    int row = (int) idx[i];
                    count[row]++;
                    for (int j = 0; j < cols; j++) {
                        abs[row * cols + j] += Math.abs(dtype == DType.FLOAT32 ? (float) src[i * cols + j]
                                : src[i * cols + j]);
                    }
                }
                for (int e = 0; e < want.length; e++) {
                    double tol = (count[e / cols] + 1) * u * (Math.abs(stored[e]) + abs[e]);
                    assertEquals(want[e], got[e], tol, "scatterAddRows " + dtype + " at " + e + " (row " + e / cols
                            + ", " + count[e / cols] + " additions), tolerance " + tol);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void oneHotIsTheReferencesBits(CpuPath path, int threads) {
        int n = 3000, classes = 37;
        double[] labels = HostData.uniform(8, n, 0, classes);
        labels[1] = classes - 1;
        try (CpuBackend cpu = new CpuBackend(path, threads)) {
            for (DType dtype : FLOATING) {
                DeviceBuffer co = cpu.allocate(dtype, (long) n * classes), ro = ref.allocate(dtype, (long) n * classes);
                cpu.fill(co, (long) n * classes, Double.NaN);      // every element must be written
                cpu.oneHot(put(cpu, DType.INT32, labels), n, classes, co);
                ref.oneHot(put(ref, DType.INT32, labels), n, classes, ro);
                assertSameValues(get(ref, ro), get(cpu, co), "oneHot " + dtype);
            }
        }
    }

    /** Small integers make ties; NaN, ±0 and ±∞ are sprinkled in; single-column and all-NaN rows too. */
    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void argmaxRowsTakesTheFirstMaxAndTheFirstNaN(CpuPath path, int threads) {
        try (CpuBackend cpu = new CpuBackend(path, threads)) {
            for (int cols : new int[] {1, 2, 10, 37}) {
                int rows = 300_000 / cols;
                double[] x = HostData.uniform(9, rows * cols, 0, 4);
                Random r = new Random(cols);
                double[] special = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.floor(x[i]);
                    if (r.nextInt(8) == 0) {
                        x[i] = special[r.nextInt(special.length)];
                    }
                }
                for (int j = 0; j < cols; j++) {
                    x[j] = Double.NaN;                               // row 0 all NaN
                    x[cols + j] = -0.0;                              // row 1: −0 everywhere but the last column
                }
                x[2 * cols - 1] = 0.0;
                for (DType dtype : FLOATING) {
                    DeviceBuffer co = cpu.allocate(DType.INT32, rows), ro = ref.allocate(DType.INT32, rows);
                    cpu.argmaxRows(put(cpu, dtype, x), rows, cols, co);
                    ref.argmaxRows(put(ref, dtype, x), rows, cols, ro);
                    assertSameValues(get(ref, ro), get(cpu, co), "argmaxRows " + dtype + " " + rows + "×" + cols);
                }
            }
        }
    }

    // ---- compare, where ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void compareIsTheReferencesMaskForEveryOpBroadcastAndDtype(CpuPath path, int threads) {
        int rows = 2100, cols = 33;
        try (CpuBackend cpu = new CpuBackend(path, threads)) {
            for (DType dtype : ALL) {
                double[] a = data(10, rows * cols, dtype);
                for (int i = 0; i < a.length; i += 3) {
                    a[i] = Math.floor(a[i] / 40);                      // small integers: many equal pairs
                }
                if (dtype != DType.INT32) {
                    a[0] = 0.0;                                        // against b's −0: equal
                }
                DeviceBuffer ca = put(cpu, dtype, a), ra = put(ref, dtype, a);
                for (Broadcast bc : Broadcast.values()) {
                    int bLen = switch (bc) {
                        case NONE -> rows * cols;
                        case ROW -> cols;
                        case COLUMN -> rows;
                    };
                    double[] b = data(11, bLen, dtype);
                    for (int i = 0; i < b.length; i += 2) {
                        b[i] = Math.floor(b[i] / 40);
                    }
                    if (dtype != DType.INT32) {
                        b[0] = -0.0;
                    }
                    DeviceBuffer cb = put(cpu, dtype, b), rb = put(ref, dtype, b);
                    for (CompareOp op : CompareOp.values()) {
                        DeviceBuffer co = cpu.allocate(DType.INT32, (long) rows * cols);
                        DeviceBuffer ro = ref.allocate(DType.INT32, (long) rows * cols);
                        cpu.compare(op, ca, cb, bc, co, rows, cols);
                        ref.compare(op, ra, rb, bc, ro, rows, cols);
                        assertSameValues(get(ref, ro), get(cpu, co), "compare " + op + " " + bc + " " + dtype);
                    }
                }
                DeviceBuffer co = cpu.allocate(DType.INT32, (long) rows * cols);
                DeviceBuffer ro = ref.allocate(DType.INT32, (long) rows * cols);
                cpu.compare(CompareOp.EQ, ca, ca, Broadcast.NONE, co, rows, cols);   // a may be b
                ref.compare(CompareOp.EQ, ra, ra, Broadcast.NONE, ro, rows, cols);
                assertSameValues(get(ref, ro), get(cpu, co), "compare EQ of a with itself " + dtype);
            }
        }
    }

    /** NaN and ∞ in the operand not chosen never reach out; out may be a or b. */
    @ParameterizedTest(name = "{0} on {1} threads")
    @MethodSource("backends")
    void whereSelectsWithoutArithmetic(CpuPath path, int threads) {
        int n = 99_999;
        double[] mask = HostData.uniform(12, n, -2, 3);          // −2..2 after the cast: nonzero picks a
        try (CpuBackend cpu = new CpuBackend(path, threads)) {
            for (DType dtype : FLOATING) {
                double[] a = data(13, n, dtype), b = data(14, n, dtype);
                for (String into : new String[] {"out", "a", "b"}) {
                    DeviceBuffer cm = put(cpu, DType.INT32, mask), rm = put(ref, DType.INT32, mask);
                    DeviceBuffer ca = put(cpu, dtype, a), cb = put(cpu, dtype, b);
                    DeviceBuffer ra = put(ref, dtype, a), rb = put(ref, dtype, b);
                    DeviceBuffer co = into.equals("a") ? ca : into.equals("b") ? cb : cpu.allocate(dtype, n);
                    DeviceBuffer ro = into.equals("a") ? ra : into.equals("b") ? rb : ref.allocate(dtype, n);
                    cpu.where(cm, ca, cb, co, n);
                    ref.where(rm, ra, rb, ro, n);
                    assertSameValues(get(ref, ro), get(cpu, co), "where " + dtype + " into " + into);
                }
            }
        }
    }

    // ---- RowReduction.MIN and the new unary ops: the reference, and the same bits on both paths ----------------------

    @Test
    void minRowsAndTheNewUnaryOpsAgreeWithTheReferenceAndAcrossPaths() {
        try (CpuBackend vector = new CpuBackend(CpuPath.VECTOR, 3); CpuBackend scalar = new CpuBackend(CpuPath.SCALAR, 3)) {
            for (DType dtype : FLOATING) {
                for (int cols : new int[] {0, 1, 7, 16, 37}) {
                    int rows = 2000;
                    double[] x = data(15, rows * cols + 1, dtype);
                    DeviceBuffer vx = put(vector, dtype, x), sx = put(scalar, dtype, x), rx = put(ref, dtype, x);
                    DeviceBuffer vo = vector.allocate(dtype, rows), so = scalar.allocate(dtype, rows);
                    DeviceBuffer ro = ref.allocate(dtype, rows);
                    vector.reduceRows(RowReduction.MIN, vx, rows, cols, vo);
                    scalar.reduceRows(RowReduction.MIN, sx, rows, cols, so);
                    ref.reduceRows(RowReduction.MIN, rx, rows, cols, ro);
                    assertSameValues(get(ref, ro), get(vector, vo), "MIN rows " + dtype + " ×" + cols + " vector");
                    assertSameValues(get(ref, ro), get(scalar, so), "MIN rows " + dtype + " ×" + cols + " scalar");
                }
                int n = 70_003;
                double[] x = data(16, n, dtype);
                double[] pos = HostData.uniform(17, n, 0.01, 10);
                for (UnaryOp op : new UnaryOp[] {UnaryOp.ABS, UnaryOp.POW, UnaryOp.MAX_SCALAR, UnaryOp.MIN_SCALAR}) {
                    for (double p : new double[] {-1.5, 0.0, 2.5, Double.NaN}) {
                        double[] in = op == UnaryOp.POW && p == 2.5 ? pos : x;
                        DeviceBuffer vx = put(vector, dtype, in), sx = put(scalar, dtype, in);
                        vector.unary(op, p, vx, vx, n);
                        scalar.unary(op, p, sx, sx, n);
                        double[] got = get(vector, vx);
                        assertSameValues(get(scalar, sx), got, op + "(x, " + p + ") " + dtype + ": vector against plain");
                        double[] stored = get(ref, put(ref, dtype, in));
                        double pp = dtype == DType.FLOAT32 ? (float) p : p;
                        for (int i = 0; i < n; i++) {
                            double want = op.apply(stored[i], pp);
                            double rounded = dtype == DType.FLOAT32 ? (float) want : want;
                            if (op == UnaryOp.POW) {
                                double tol = Double.isFinite(rounded) ? Math.ulp(rounded) : 0;
                                assertEquals(rounded, got[i], tol, "POW(" + stored[i] + ", " + pp + ") " + dtype);
                            } else {
                                assertEquals(rounded, got[i], op + "(" + stored[i] + ", " + pp + ") " + dtype);
                            }
                        }
                    }
                }
            }
        }
    }
}
