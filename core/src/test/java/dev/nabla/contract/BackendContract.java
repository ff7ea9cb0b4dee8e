package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.FusedDefaults;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backend contract: every primitive and fused op of {@link ComputeBackend}, run on the backend under test and
 * on the float64 {@link ReferenceBackend}, compared element by element under the one {@link Tolerance} rule, over
 * shapes that include 0, 1, 3, 17, 127, 257, non-square products and sizes that are no multiple of any vector width
 * or tile. Fused ops are also compared with their default composition ({@link FusedDefaults}) on the same backend.
 *
 * <p>A backend module extends this class and returns a fresh backend it owns from {@link #createBackend()}.
 * A dtype the backend does not support is skipped with the backend's reason (and fails on CI, see {@link NoSkipOnCi}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class BackendContract {

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

    protected Backend backend() {
        return backend;
    }

    protected Stream<DType> dtypes() {
        return Stream.of(DType.FLOAT32, DType.FLOAT64);
    }

    private void require(DType dtype) {
        assumeTrue(backend.supports(dtype), backend.name() + " does not support " + dtype + " here: "
                + backend.description());
    }

    private String label(String op, DType dtype) {
        return op + " [" + backend.name() + ", " + dtype + "]";
    }

    private static final int[] LENGTHS = {0, 1, 3, 4, 17, 127, 257, 1031, 4096, 70001, 70004};
    private static final int[][] MATRICES = {{0, 3}, {3, 0}, {1, 1}, {3, 17}, {17, 3}, {127, 257}, {257, 127},
            {300, 301}, {33, 64}, {5, 1024}};

    // ---- identity, memory ----------------------------------------------------------------------------------------------

    @Test
    @Covers({"name", "description", "supports", "maxElements", "counters"})
    void describesItself() {
        ComputeBackend be = backend.compute();
        assertFalse(be.name().isBlank());
        assertFalse(be.description().isBlank());
        assertTrue(be.supports(DType.FLOAT32), "every backend computes in FLOAT32");
        assertTrue(be.maxElements(DType.FLOAT32) >= 1 << 24, "a backend must hold at least 16M elements per buffer");
        assertTrue(be.counters() != null);
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers({"allocate", "write", "read", "release"})
    void roundTripsEveryValueExactly(DType dtype) {
        require(dtype);
        for (int n : LENGTHS) {
            double[] data = HostData.uniform(n, n, -1e3, 1e3);
            if (n > 2) {
                data[0] = Double.NaN;
                data[1] = Double.POSITIVE_INFINITY;
                data[2] = -0.0;
            }
            try (Tensor t = backend.fromArray(data, 1, n, dtype)) {
                double[] back = t.toDoubleArray();
                for (int i = 0; i < n; i++) {
                    assertEquals(Double.doubleToLongBits(data[i]), Double.doubleToLongBits(back[i]),
                            label("round trip", dtype) + " element " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers({"copy", "fill", "synchronize"})
    void copiesAndFills(DType dtype) {
        require(dtype);
        for (int n : LENGTHS) {
            double[] data = HostData.uniform(7 + n, n, -2, 2);
            try (Scope s = backend.scope()) {
                Tensor src = backend.fromArray(data, 1, n, dtype);
                Tensor dst = backend.full(1, n, 3.5, dtype);
                Tensor filled = backend.full(1, n, -0.25, dtype);
                backend.ops().copy(src, dst);
                backend.synchronize();
                assertEquals(List.of(toList(data)), List.of(toList(dst.toDoubleArray())), label("copy", dtype));
                for (double v : filled.toDoubleArray()) {
                    assertEquals(-0.25, v, label("fill", dtype));
                }
            }
        }
    }

    @Test
    @Covers("close")
    void closingTheBackendClosesItsTensors() {
        Backend other = createBackend();
        Tensor t = other.zeros(3, 4);
        Tensor u = t.relu();
        other.close();
        assertTrue(t.isClosed() && u.isClosed());
        assertThrows(TensorClosedException.class, u::toFloatArray);
        assertEquals(0, other.stats().liveTensors());
        other.close(); // idempotent
    }

    // ---- gemm ----------------------------------------------------------------------------------------------------------

    /** (m, n, k): the full cube over {0, 1, 3, 17}, then products that cross tile, vector and cache-block edges. */
    static List<int[]> gemmShapes() {
        List<int[]> shapes = new ArrayList<>();
        int[] small = {0, 1, 3, 17};
        for (int m : small) {
            for (int n : small) {
                for (int k : small) {
                    shapes.add(new int[]{m, n, k});
                }
            }
        }
        int[][] large = {{127, 257, 17}, {257, 127, 257}, {1, 257, 127}, {257, 1, 3}, {127, 127, 127},
                {3, 257, 257}, {73, 1025, 5}, {300, 40, 600}, {17, 129, 1}, {64, 64, 64}, {65, 33, 129}};
        shapes.addAll(List.of(large));
        return shapes;
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("gemm")
    void gemmMatchesTheReferenceForEveryShapeAndTranspose(DType dtype) {
        require(dtype);
        for (int[] s : gemmShapes()) {
            for (int t = 0; t < 4; t++) {
                checkGemm(dtype, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 1.0, 0.0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("gemm")
    void gemmAppliesAlphaAndBeta(DType dtype) {
        require(dtype);
        int[][] shapes = {{1, 1, 1}, {17, 3, 127}, {127, 257, 17}, {300, 40, 600}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                checkGemm(dtype, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, -0.75, 1.5);
                checkGemm(dtype, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 2.0, 1.0);
            }
        }
        // k = 0 leaves β·C
        checkGemm(dtype, 5, 7, 0, false, false, 1.0, 0.5);
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("gemm")
    void gemmWithBetaZeroNeverReadsTheOutput(DType dtype) {
        require(dtype);
        // C = α·op(A)·op(B) whatever C held: NaN, ±Inf and huge garbage must not leak in through β·C (BLAS: β = 0
        // overwrites C without reading it); k = 0 makes C exactly 0
        double[] garbage = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3e38};
        for (int[] s : new int[][]{{1, 1, 1}, {3, 17, 5}, {127, 33, 65}, {5, 7, 0}}) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                for (double alpha : new double[]{1.0, -0.75}) {
                    int aRows = ta ? k : m, aCols = ta ? m : k;
                    int bRows = tb ? n : k, bCols = tb ? k : n;
                    double[] a = HostData.uniform(11L * m + k + t, aRows * aCols, -1, 1);
                    double[] b = HostData.uniform(13L * n + k + t, bRows * bCols, -1, 1);
                    double[] c = new double[m * n];
                    double[] expected = new double[m * n];
                    double[] absTerms = new double[m * n];            // |α|·Σ_p |a_ip·b_pj|: C is not a term
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            c[i * n + j] = garbage[(i + j) % garbage.length];
                            CompensatedSum dot = new CompensatedSum();
                            CompensatedSum absDot = new CompensatedSum();
                            for (int p = 0; p < k; p++) {
                                double term = (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                                dot.add(term);
                                absDot.add(Math.abs(term));
                            }
                            expected[i * n + j] = alpha * dot.value();
                            absTerms[i * n + j] = Math.abs(alpha) * absDot.value();
                        }
                    }
                    try (Scope scope = backend.scope()) {
                        Tensor at = backend.fromArray(a, aRows, aCols, dtype);
                        Tensor bt = backend.fromArray(b, bRows, bCols, dtype);
                        Tensor ct = backend.fromArray(c, m, n, dtype);
                        backend.ops().gemm(ta, tb, alpha, at, bt, 0.0, ct);
                        Tolerance.of(dtype, k).assertReduction(label("gemm β=0 over NaN/±Inf/3e38 garbage, "
                                + (ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B") + " m=" + m + " n=" + n + " k=" + k
                                + " α=" + alpha, dtype), expected, ct.toDoubleArray(), absTerms, n);
                    }
                }
            }
        }
    }

    /**
     * α and β judged against the backend's own composition, not against the reference: C ← α·op(A)·op(B) + β·C must
     * equal {@code op(A).matmul(op(B)).scale(α).add(C.scale(β))}, whose product is gemm's β = 0 case and whose
     * scaling and sum are the elementwise kernels. A gemm that drops or misapplies β (adds C, or β·C twice) fails here
     * independently of {@link #gemmAppliesAlphaAndBeta}. Each side is within u·(c + λ·√K)·Σ|terms| of the exact value,
     * so they are judged within twice that of each other.
     */
    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("gemm")
    void gemmEqualsItsCompositionOfProductScaleAndAdd(DType dtype) {
        require(dtype);
        int[][] shapes = {{1, 1, 1}, {3, 17, 5}, {17, 3, 127}, {65, 129, 33}};
        double[][] alphaBeta = {{1.0, 1.5}, {-0.75, -0.5}, {2.0, 0.25}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int aRows = ta ? k : m, aCols = ta ? m : k;
                int bRows = tb ? n : k, bCols = tb ? k : n;
                for (double[] ab : alphaBeta) {
                    double alpha = ab[0], beta = ab[1];
                    long seed = 7L * m + 5L * n + 3L * k + t;
                    double[] a = HostData.uniform(seed, aRows * aCols, -1, 1);
                    double[] b = HostData.uniform(seed + 1, bRows * bCols, -1, 1);
                    double[] c = HostData.uniform(seed + 2, m * n, -2, 2);
                    double[] twiceAbsTerms = new double[m * n];      // 2·(|α|·Σ_p |a_ip·b_pj| + |β|·|c_ij|)
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            CompensatedSum absDot = new CompensatedSum();
                            for (int p = 0; p < k; p++) {
                                absDot.add(Math.abs((ta ? a[p * m + i] : a[i * k + p])
                                        * (tb ? b[j * k + p] : b[p * n + j])));
                            }
                            twiceAbsTerms[i * n + j] = 2 * (Math.abs(alpha) * absDot.value()
                                    + Math.abs(beta) * Math.abs(c[i * n + j]));
                        }
                    }
                    try (Scope scope = backend.scope()) {
                        Tensor at = backend.fromArray(a, aRows, aCols, dtype);
                        Tensor bt = backend.fromArray(b, bRows, bCols, dtype);
                        Tensor ct = backend.fromArray(c, m, n, dtype);
                        double[] composed = (ta ? at.transpose() : at).matmul(tb ? bt.transpose() : bt).scale(alpha)
                                .add(ct.scale(beta)).toDoubleArray();
                        backend.ops().gemm(ta, tb, alpha, at, bt, beta, ct);
                        Tolerance.of(dtype, k + 1).assertReduction(label("gemm against matmul·α + β·C on the same"
                                + " backend, " + (ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B") + " m=" + m + " n=" + n
                                + " k=" + k + " α=" + alpha + " β=" + beta, dtype), composed, ct.toDoubleArray(),
                                twiceAbsTerms, n);
                    }
                }
            }
        }
    }

    private void checkGemm(DType dtype, int m, int n, int k, boolean ta, boolean tb, double alpha, double beta) {
        int aRows = ta ? k : m, aCols = ta ? m : k;
        int bRows = tb ? n : k, bCols = tb ? k : n;
        long seed = 31L * m + 17L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0);
        double[] a = HostData.uniform(seed, aRows * aCols, -1, 1);
        double[] b = HostData.uniform(seed + 1, bRows * bCols, -1, 1);
        double[] c = HostData.uniform(seed + 2, m * n, -1, 1);
        double[] expected;
        double[] absTerms;                              // |α|·|op(A)|·|op(B)| + |β|·|C|: the same gemm on |x|
        try (Scope s = reference.scope()) {
            Tensor ra = reference.fromArray(a, aRows, aCols), rb = reference.fromArray(b, bRows, bCols);
            Tensor rc = reference.fromArray(c, m, n);
            reference.ops().gemm(ta, tb, alpha, ra, rb, beta, rc);
            expected = rc.toDoubleArray();
            Tensor sc = reference.fromArray(abs(c), m, n);
            reference.ops().gemm(ta, tb, Math.abs(alpha), reference.fromArray(abs(a), aRows, aCols),
                    reference.fromArray(abs(b), bRows, bCols), Math.abs(beta), sc);
            absTerms = sc.toDoubleArray();
        }
        try (Scope s = backend.scope()) {
            Tensor ta_ = backend.fromArray(a, aRows, aCols, dtype), tb_ = backend.fromArray(b, bRows, bCols, dtype);
            Tensor tc = backend.fromArray(c, m, n, dtype);
            backend.ops().gemm(ta, tb, alpha, ta_, tb_, beta, tc);
            Tolerance.of(dtype, k + 1).assertReduction(label("gemm " + (ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B")
                    + " m=" + m + " n=" + n + " k=" + k + " α=" + alpha + " β=" + beta, dtype), expected,
                    tc.toDoubleArray(), absTerms, n);
        }
    }

    // ---- elementwise ---------------------------------------------------------------------------------------------------

    static Stream<Arguments> unaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (DType d : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                cases.add(Arguments.of(op, d));
            }
        }
        return cases.stream();
    }

    /** Inputs from each op's domain; SIGMOID gets magnitudes that overflow a naive e^−x. */
    private static double[] unaryInput(UnaryOp op, int n) {
        return switch (op) {
            case LOG, SQRT, POW -> HostData.uniform(n, n, 0.01, 10);
            case EXP -> HostData.uniform(n, n, -20, 20);
            case SIGMOID -> HostData.uniform(n, n, -120, 120);
            case TANH -> HostData.uniform(n, n, -8, 8);
            case SIGMOID_GRAD_FROM_OUTPUT -> HostData.uniform(n, n, 0, 1);
            case RELU, RELU_GRAD_FROM_OUTPUT -> {
                double[] v = HostData.uniform(n, n, -1, 1);
                for (int i = 0; i < n; i += 7) {
                    v[i] = 0;
                }
                yield v;
            }
            default -> HostData.uniform(n, n, -3, 3);
        };
    }

    @ParameterizedTest
    @MethodSource("unaryCases")
    @Covers("unary")
    void unaryMatchesTheReference(UnaryOp op, DType dtype) {
        require(dtype);
        double param = switch (op) {
            case SCALE -> -1.75;
            case ADD_SCALAR -> 0.5;
            case POW -> 2.5;
            case MAX_SCALAR -> -0.5;
            case MIN_SCALAR -> 1.25;
            default -> 0;
        };
        for (int n : LENGTHS) {
            double[] x = unaryInput(op, n);
            double[] expected;
            try (Scope s = reference.scope()) {
                Tensor rx = reference.fromArray(x, 1, n), ry = reference.zeros(1, n, DType.FLOAT64);
                reference.ops().unary(op, param, rx, ry);
                expected = ry.toDoubleArray();
            }
            try (Scope s = backend.scope()) {
                Tensor tx = backend.fromArray(x, 1, n, dtype), ty = backend.zeros(1, n, dtype);
                backend.ops().unary(op, param, tx, ty);
                Tolerance.of(dtype, 1).assertClose(label(op + " n=" + n, dtype), expected, ty.toDoubleArray(), 0);
                backend.ops().unary(op, param, tx, tx); // in place
                Tolerance.of(dtype, 1).assertClose(label(op + " in place n=" + n, dtype), expected, tx.toDoubleArray(), 0);
            }
        }
    }

    static Stream<Arguments> binaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            for (Broadcast bc : Broadcast.values()) {
                for (DType d : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                    cases.add(Arguments.of(op, bc, d));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("binaryCases")
    @Covers("binary")
    void binaryMatchesTheReference(BinaryOp op, Broadcast broadcast, DType dtype) {
        require(dtype);
        for (int[] rc : MATRICES) {
            int rows = rc[0], cols = rc[1];
            int bRows = broadcast == Broadcast.ROW ? 1 : rows;
            int bCols = broadcast == Broadcast.COLUMN ? 1 : cols;
            long seed = rows * 1000L + cols;
            double[] a;
            double[] b;
            if (op.isLossTerm()) {
                a = HostData.uniform(seed, rows * cols, 0, 1);       // outputs f in [0, 1]: the clamp is exercised at 0
                for (int i = 0; i < a.length; i += 11) {
                    a[i] = i % 2 == 0 ? 0 : 1;
                }
                b = op == BinaryOp.HALF_SQUARED_ERROR ? HostData.uniform(seed + 1, bRows * bCols, -1, 1)
                        : HostData.bits(seed + 1, bRows * bCols);
            } else {
                a = HostData.uniform(seed, rows * cols, -2, 2);
                b = op == BinaryOp.DIV ? HostData.uniform(seed + 1, bRows * bCols, 0.5, 2)
                        : HostData.uniform(seed + 1, bRows * bCols, -2, 2);
            }
            double[] expected;
            try (Scope s = reference.scope()) {
                Tensor ra = reference.fromArray(a, rows, cols), rb = reference.fromArray(b, bRows, bCols);
                Tensor ro = reference.zeros(rows, cols, DType.FLOAT64);
                reference.ops().binary(op, ra, rb, broadcast, ro);
                expected = ro.toDoubleArray();
            }
            try (Scope s = backend.scope()) {
                Tensor ta = backend.fromArray(a, rows, cols, dtype), tb = backend.fromArray(b, bRows, bCols, dtype);
                Tensor to = backend.zeros(rows, cols, dtype);
                backend.ops().binary(op, ta, tb, broadcast, to);
                String what = op + " " + broadcast + " " + rows + "×" + cols;
                Tolerance.of(dtype, 1).assertClose(label(what, dtype), expected, to.toDoubleArray(), cols);
                backend.ops().binary(op, ta, tb, broadcast, ta); // in place
                Tolerance.of(dtype, 1).assertClose(label(what + " in place", dtype), expected, ta.toDoubleArray(), cols);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("axpy")
    void axpyMatchesTheReference(DType dtype) {
        require(dtype);
        for (int n : LENGTHS) {
            double[] x = HostData.uniform(n + 5, n, -1, 1);
            double[] y = HostData.uniform(n + 6, n, -1, 1);
            double[] expected = y.clone();
            for (int i = 0; i < n; i++) {
                expected[i] += -0.3125 * x[i];     // exact in float and double
            }
            try (Scope s = backend.scope()) {
                Tensor tx = backend.fromArray(x, 1, n, dtype), ty = backend.fromArray(y, 1, n, dtype);
                backend.ops().axpy(-0.3125, tx, ty);
                Tolerance.of(dtype, 1).assertClose(label("axpy n=" + n, dtype), expected, ty.toDoubleArray(), 0);
            }
        }
    }

    // ---- reductions ----------------------------------------------------------------------------------------------------

    /**
     * Each reduction against the reference, judged per output element by Σ|x| of its terms (the same reduction of
     * |x| on the reference). Two data sets: signs mixed (uniform in [−1, 1]) and all positive (uniform in [0, 1], as
     * the terms of a loss are), where every dropped or doubled term shows in full. The shapes cross the cpu's
     * 32,768-element sum chunks (32,769 is one chunk and one element).
     */
    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers({"sumColumns", "reduceRows", "sumAll"})
    void reductionsMatchTheReference(DType dtype) {
        require(dtype);
        int[][] shapes = {{0, 3}, {3, 0}, {1, 1}, {1, 257}, {257, 1}, {17, 3}, {127, 257}, {300, 301}, {1031, 17},
                {3, 70001}, {1, 32769}, {32769, 1}};
        for (double lo : new double[]{-1, 0}) {
            for (int[] rc : shapes) {
                int rows = rc[0], cols = rc[1];
                double[] x = HostData.uniform(rows * 7L + cols + (lo == 0 ? 1 : 0), rows * cols, lo, 1);
                double[][] expected = reduce(reference, x, rows, cols);
                double[][] absTerms = reduce(reference, abs(x), rows, cols);
                double[][] got;
                try (Scope s = backend.scope()) {
                    Tensor tx = backend.fromArray(x, rows, cols, dtype);
                    Tensor cs = backend.zeros(1, cols, dtype), mx = backend.zeros(rows, 1, dtype);
                    Tensor rs = backend.zeros(rows, 1, dtype), all = backend.zeros(1, 1, dtype);
                    backend.ops().sumColumns(tx, cs);
                    backend.ops().reduceRows(RowReduction.MAX, tx, mx);
                    backend.ops().reduceRows(RowReduction.SUM, tx, rs);
                    backend.ops().sumAll(tx, all);
                    got = new double[][]{cs.toDoubleArray(), mx.toDoubleArray(), rs.toDoubleArray(), all.toDoubleArray()};
                }
                String shape = " " + rows + "×" + cols + " in [" + lo + ", 1]";
                Tolerance.of(dtype, rows).assertReduction(label("sumColumns" + shape, dtype), expected[0], got[0],
                        absTerms[0], 0);
                Tolerance.of(dtype, 1).assertClose(label("reduceRows(MAX)" + shape, dtype), expected[1], got[1], 1);
                Tolerance.of(dtype, cols).assertReduction(label("reduceRows(SUM)" + shape, dtype), expected[2], got[2],
                        absTerms[2], 0);
                Tolerance.of(dtype, rows * cols).assertReduction(label("sumAll" + shape, dtype), expected[3], got[3],
                        absTerms[3], 0);
                double[] minExpected;
                try (Scope s = reference.scope()) {
                    Tensor mn = reference.zeros(rows, 1, DType.FLOAT64);
                    reference.ops().reduceRows(RowReduction.MIN, reference.fromArray(x, rows, cols), mn);
                    minExpected = mn.toDoubleArray();
                }
                try (Scope s = backend.scope()) {
                    Tensor mn = backend.zeros(rows, 1, dtype);
                    backend.ops().reduceRows(RowReduction.MIN, backend.fromArray(x, rows, cols, dtype), mn);
                    Tolerance.of(dtype, 1).assertClose(label("reduceRows(MIN)" + shape, dtype), minExpected,
                            mn.toDoubleArray(), 1);
                }
            }
        }
    }

    /** sumColumns, reduceRows(MAX), reduceRows(SUM) and sumAll of x on {@code on}. */
    private static double[][] reduce(Backend on, double[] x, int rows, int cols) {
        try (Scope s = on.scope()) {
            Tensor rx = on.fromArray(x, rows, cols);
            Tensor cs = on.zeros(1, cols, DType.FLOAT64), mx = on.zeros(rows, 1, DType.FLOAT64);
            Tensor rs = on.zeros(rows, 1, DType.FLOAT64), all = on.zeros(1, 1, DType.FLOAT64);
            on.ops().sumColumns(rx, cs);
            on.ops().reduceRows(RowReduction.MAX, rx, mx);
            on.ops().reduceRows(RowReduction.SUM, rx, rs);
            on.ops().sumAll(rx, all);
            return new double[][]{cs.toDoubleArray(), mx.toDoubleArray(), rs.toDoubleArray(), all.toDoubleArray()};
        }
    }

    /** |x| element by element: the terms whose sum sizes a reduction's rounding. */
    static double[] abs(double[] x) {
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = Math.abs(x[i]);
        }
        return a;
    }

    /**
     * The size of the terms of g'(a) as a backend computes it from the output a: 1 − a² has the terms 1 and a² (near
     * |a| = 1 it cancels, and the rounding of a² stays), a·(1 − a) the terms a and a². 1 for IDENTITY, 0 or 1 for RELU.
     */
    static double gradTerms(UnaryOp grad, double a) {
        return switch (grad) {
            case TANH_GRAD_FROM_OUTPUT -> 1 + a * a;
            case SIGMOID_GRAD_FROM_OUTPUT -> Math.abs(a) + a * a;
            case RELU_GRAD_FROM_OUTPUT -> a > 0 ? 1 : 0;
            default -> 1;
        };
    }

    /** x rounded to float element by element. */
    static double[] floats(double[] x) {
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = (float) x[i];
        }
        return a;
    }

    /** x·factor element by element. */
    static double[] times(double[] x, double factor) {
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = x[i] * factor;
        }
        return a;
    }

    // ---- fused ops: against the reference AND against their default composition on this backend ----------------------

    private static final UnaryOp[] ACTIVATIONS = {UnaryOp.IDENTITY, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU};
    private static final UnaryOp[] GRADS = {UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, UnaryOp.SIGMOID_GRAD_FROM_OUTPUT,
            UnaryOp.TANH_GRAD_FROM_OUTPUT, UnaryOp.RELU_GRAD_FROM_OUTPUT};
    private static final int[][] LAYERS = {{0, 5}, {1, 1}, {3, 17}, {17, 3}, {127, 257}, {257, 127}, {300, 301},
            {33, 64}, {5, 1024}, {2, 4}};

    /** Activation values from g's range, as the backward pass sees them. */
    private static double[] activationValues(UnaryOp grad, long seed, int n) {
        return switch (grad) {
            case SIGMOID_GRAD_FROM_OUTPUT -> HostData.uniform(seed, n, 0, 1);
            case TANH_GRAD_FROM_OUTPUT -> HostData.uniform(seed, n, -1, 1);
            case RELU_GRAD_FROM_OUTPUT -> {
                double[] v = HostData.uniform(seed, n, -1, 1);
                for (int i = 0; i < n; i++) {
                    v[i] = Math.max(0, v[i]);
                }
                yield v;
            }
            default -> HostData.uniform(seed, n, -2, 2);
        };
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("biasActivation")
    void biasActivationMatchesReferenceAndComposition(DType dtype) {
        require(dtype);
        for (UnaryOp act : ACTIVATIONS) {
            for (int[] rc : LAYERS) {
                int rows = rc[0], cols = rc[1];
                double[] z = HostData.uniform(rows + cols, rows * cols, -30, 30);
                double[] b = HostData.uniform(cols, cols, -1, 1);
                double[] expected;
                try (Scope s = reference.scope()) {
                    Tensor rz = reference.fromArray(z, rows, cols), rb = reference.fromArray(b, 1, cols);
                    Tensor ro = reference.zeros(rows, cols, DType.FLOAT64);
                    reference.ops().biasActivation(act, rz, rb, ro);
                    expected = ro.toDoubleArray();
                }
                try (Scope s = backend.scope()) {
                    Tensor tz = backend.fromArray(z, rows, cols, dtype), tb = backend.fromArray(b, 1, cols, dtype);
                    Tensor fused = backend.zeros(rows, cols, dtype), composed = backend.zeros(rows, cols, dtype);
                    backend.ops().biasActivation(act, tz, tb, fused);
                    FusedDefaults.biasActivation(backend.compute(), act, tz.buffer(), tb.buffer(), composed.buffer(),
                            rows, cols);
                    String what = "biasActivation(" + act + ") " + rows + "×" + cols;
                    Tolerance t = Tolerance.of(dtype, 1);
                    t.assertClose(label(what, dtype), expected, fused.toDoubleArray(), cols);
                    t.assertClose(label(what + " vs composition", dtype), composed.toDoubleArray(), fused.toDoubleArray(), cols);
                    backend.ops().biasActivation(act, tz, tb, tz); // in place
                    t.assertClose(label(what + " in place", dtype), expected, tz.toDoubleArray(), cols);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("softmaxRows")
    void softmaxMatchesReferenceAndComposition(DType dtype) {
        require(dtype);
        for (int[] rc : LAYERS) {
            int rows = rc[0], cols = rc[1];
            double[] x = HostData.uniform(rows * 3L + cols, rows * cols, -5, 5);
            for (int r = 0; r < rows; r += 3) {                   // large logits: must not overflow
                for (int j = 0; j < cols; j++) {
                    x[r * cols + j] *= 200;
                }
            }
            double[] expected;
            try (Scope s = reference.scope()) {
                Tensor rx = reference.fromArray(x, rows, cols), ro = reference.zeros(rows, cols, DType.FLOAT64);
                reference.ops().softmaxRows(rx, ro);
                expected = ro.toDoubleArray();
            }
            try (Scope s = backend.scope()) {
                Tensor tx = backend.fromArray(x, rows, cols, dtype);
                Tensor fused = backend.zeros(rows, cols, dtype), composed = backend.zeros(rows, cols, dtype);
                backend.ops().softmaxRows(tx, fused);
                FusedDefaults.softmaxRows(backend.compute(), tx.buffer(), composed.buffer(), rows, cols);
                String what = "softmaxRows " + rows + "×" + cols;
                Tolerance t = Tolerance.of(dtype, cols);
                t.assertClose(label(what, dtype), expected, fused.toDoubleArray(), cols);
                t.assertClose(label(what + " vs composition", dtype), composed.toDoubleArray(), fused.toDoubleArray(), cols);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("activationBackward")
    void activationBackwardMatchesReferenceAndComposition(DType dtype) {
        require(dtype);
        for (UnaryOp grad : GRADS) {
            for (int[] rc : LAYERS) {
                int rows = rc[0], cols = rc[1];
                double[] a = activationValues(grad, rows + 5L * cols, rows * cols);
                double[] d = HostData.uniform(rows + 9L * cols, rows * cols, -1, 1);
                double[] expected;
                try (Scope s = reference.scope()) {
                    Tensor ra = reference.fromArray(a, rows, cols), rd = reference.fromArray(d, rows, cols);
                    Tensor ro = reference.zeros(rows, cols, DType.FLOAT64);
                    reference.ops().activationBackward(grad, ra, rd, ro);
                    expected = ro.toDoubleArray();
                }
                try (Scope s = backend.scope()) {
                    Tensor ta = backend.fromArray(a, rows, cols, dtype), td = backend.fromArray(d, rows, cols, dtype);
                    Tensor fused = backend.zeros(rows, cols, dtype), composed = backend.zeros(rows, cols, dtype);
                    backend.ops().activationBackward(grad, ta, td, fused);
                    FusedDefaults.activationBackward(backend.compute(), grad, ta.buffer(), td.buffer(),
                            composed.buffer(), rows, cols);
                    String what = "activationBackward(" + grad + ") " + rows + "×" + cols;
                    Tolerance t = Tolerance.of(dtype, 1);
                    t.assertClose(label(what, dtype), expected, fused.toDoubleArray(), cols);
                    t.assertClose(label(what + " vs composition", dtype), composed.toDoubleArray(), fused.toDoubleArray(), cols);
                    backend.ops().activationBackward(grad, ta, td, td); // in place on the error
                    t.assertClose(label(what + " in place", dtype), expected, td.toDoubleArray(), cols);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("backpropDelta")
    void backpropDeltaMatchesReferenceAndComposition(DType dtype) {
        require(dtype);
        int[][] shapes = {{0, 3, 4}, {1, 1, 1}, {3, 17, 5}, {17, 3, 127}, {127, 10, 257}, {257, 127, 17},
                {64, 300, 301}};
        for (UnaryOp grad : GRADS) {
            for (int[] s3 : shapes) {
                int rows = s3[0], nOut = s3[1], nIn = s3[2];
                double[] delta = HostData.uniform(rows + nOut, rows * nOut, -1, 1);
                double[] w = HostData.uniform(nIn + nOut, nIn * nOut, -1, 1);
                double[] aPrev = activationValues(grad, rows + nIn, rows * nIn);
                double[] expected;
                double[] absTerms;             // (Σ_j |δ_j|·|W_ij|)·ĝ(a_i), ĝ the terms of g' (see gradTerms)
                try (Scope s = reference.scope()) {
                    Tensor rd = reference.fromArray(delta, rows, nOut), rw = reference.fromArray(w, nIn, nOut);
                    Tensor ra = reference.fromArray(aPrev, rows, nIn), ro = reference.zeros(rows, nIn, DType.FLOAT64);
                    reference.ops().backpropDelta(grad, rd, rw, ra, ro);
                    expected = ro.toDoubleArray();
                    Tensor so = reference.zeros(rows, nIn, DType.FLOAT64);
                    reference.ops().backpropDelta(UnaryOp.IDENTITY_GRAD_FROM_OUTPUT,
                            reference.fromArray(abs(delta), rows, nOut), reference.fromArray(abs(w), nIn, nOut), ra, so);
                    absTerms = so.toDoubleArray();
                    for (int i = 0; i < absTerms.length; i++) {
                        absTerms[i] *= gradTerms(grad, aPrev[i]);
                    }
                }
                try (Scope s = backend.scope()) {
                    Tensor td = backend.fromArray(delta, rows, nOut, dtype), tw = backend.fromArray(w, nIn, nOut, dtype);
                    Tensor ta = backend.fromArray(aPrev, rows, nIn, dtype);
                    Tensor fused = backend.zeros(rows, nIn, dtype), composed = backend.zeros(rows, nIn, dtype);
                    backend.ops().backpropDelta(grad, td, tw, ta, fused);
                    FusedDefaults.backpropDelta(backend.compute(), grad, td.buffer(), tw.buffer(), ta.buffer(),
                            composed.buffer(), rows, nOut, nIn);
                    String what = "backpropDelta(" + grad + ") N=" + rows + " out=" + nOut + " in=" + nIn;
                    Tolerance t = Tolerance.of(dtype, nOut);
                    t.assertReduction(label(what, dtype), expected, fused.toDoubleArray(), absTerms, nIn);
                    t.assertReduction(label(what + " vs composition", dtype), composed.toDoubleArray(),
                            fused.toDoubleArray(), times(absTerms, 2), nIn);   // each within the bound: 2× apart
                }
            }
        }
    }

    static Stream<Arguments> lossCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType d : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (UnaryOp g : GRADS) {
                cases.add(Arguments.of(BinaryOp.HALF_SQUARED_ERROR, g, d));
            }
            cases.add(Arguments.of(BinaryOp.BINARY_CROSS_ENTROPY, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, d));
            cases.add(Arguments.of(BinaryOp.CROSS_ENTROPY, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, d));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("lossCases")
    @Covers("lossAndDelta")
    void lossAndDeltaMatchReferenceAndComposition(BinaryOp term, UnaryOp outputGrad, DType dtype) {
        require(dtype);
        for (int[] rc : LAYERS) {
            int rows = rc[0], cols = rc[1];
            double[] f = term == BinaryOp.HALF_SQUARED_ERROR ? activationValues(outputGrad, rows + cols, rows * cols)
                    : HostData.uniform(rows + cols, rows * cols, 0, 1);
            double[] t = term == BinaryOp.CROSS_ENTROPY ? HostData.oneHot(rows, rows, cols)
                    : term == BinaryOp.BINARY_CROSS_ENTROPY ? HostData.bits(rows, rows * cols)
                    : HostData.uniform(rows * 3L, rows * cols, -1, 1);
            double[] expDelta;
            double[] expLoss;
            try (Scope s = reference.scope()) {
                Tensor rf = reference.fromArray(f, rows, cols), rt = reference.fromArray(t, rows, cols);
                Tensor rd = reference.zeros(rows, cols, DType.FLOAT64), rl = reference.zeros(1, 1, DType.FLOAT64);
                reference.ops().lossAndDelta(term, outputGrad, rf, rt, rd, rl);
                expDelta = rd.toDoubleArray();
                expLoss = rl.toDoubleArray();
            }
            try (Scope s = backend.scope()) {
                Tensor tf = backend.fromArray(f, rows, cols, dtype), tt = backend.fromArray(t, rows, cols, dtype);
                Tensor d1 = backend.zeros(rows, cols, dtype), l1 = backend.zeros(1, 1, dtype);
                Tensor d2 = backend.zeros(rows, cols, dtype), l2 = backend.zeros(1, 1, dtype);
                backend.ops().lossAndDelta(term, outputGrad, tf, tt, d1, l1);
                FusedDefaults.lossAndDelta(backend.compute(), term, outputGrad, tf.buffer(), tt.buffer(), d2.buffer(),
                        l2.buffer(), rows, cols);
                String what = "lossAndDelta(" + term + ", " + outputGrad + ") " + rows + "×" + cols;
                Tolerance tl = Tolerance.of(dtype, rows * cols);
                Tolerance td = Tolerance.of(dtype, 1);
                // every loss term is ≥ 0 (½(f − t)², −t·log f, −t·log f − (1 − t)·log(1 − f)): Σ|terms| is the loss
                tl.assertReduction(label(what + " loss", dtype), expLoss[0], l1.item(), expLoss[0]);
                td.assertClose(label(what + " δ", dtype), expDelta, d1.toDoubleArray(), cols);
                tl.assertReduction(label(what + " loss vs composition", dtype), l2.item(), l1.item(), 2 * expLoss[0]);
                td.assertClose(label(what + " δ vs composition", dtype), d2.toDoubleArray(), d1.toDoubleArray(), cols);
                backend.ops().lossAndDelta(term, outputGrad, tf, tt, tf, l1); // δ written over f
                td.assertClose(label(what + " δ in place", dtype), expDelta, tf.toDoubleArray(), cols);
            }
        }
    }

    static Stream<Arguments> logitLossCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType d : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (BinaryOp term : new BinaryOp[]{BinaryOp.CROSS_ENTROPY, BinaryOp.BINARY_CROSS_ENTROPY}) {
                for (double scale : new double[]{4, 60, 1e4}) {
                    cases.add(Arguments.of(term, scale, d));
                }
            }
        }
        return cases.stream();
    }

    /**
     * The loss from logits up to ±scale (saturated outputs from 60 on) against float64 values computed here from z,
     * the reference backend and the composition; δ = (f − t)/N against the reference.
     */
    @ParameterizedTest
    @MethodSource("logitLossCases")
    @Covers("logitLossAndDelta")
    void logitLossAndDeltaMatchFloat64LogitsReferenceAndComposition(BinaryOp term, double scale, DType dtype) {
        require(dtype);
        for (int[] rc : LAYERS) {
            int rows = rc[0], cols = rc[1];
            double[] z = LogitLosses.logits(rows * 7L + cols, rows * cols, scale);
            boolean ce = term == BinaryOp.CROSS_ENTROPY;
            double[] t = ce ? HostData.oneHot(rows, rows, cols) : HostData.bits(rows, rows * cols);
            // f rounded to float, as HostData's inputs are: FLOAT32 stores exactly what the reference computes on
            double[] f = floats(ce ? LogitLosses.softmaxRows(z, rows, cols) : LogitLosses.sigmoid(z));
            double[] expLoss = {ce ? LogitLosses.crossEntropy(z, t, rows, cols)
                    : LogitLosses.binaryCrossEntropy(z, t, rows)};
            double[] refLoss;
            double[] expDelta;
            try (Scope s = reference.scope()) {
                Tensor rz = reference.fromArray(z, rows, cols), rf = reference.fromArray(f, rows, cols);
                Tensor rt = reference.fromArray(t, rows, cols);
                Tensor rd = reference.zeros(rows, cols, DType.FLOAT64), rl = reference.zeros(1, 1, DType.FLOAT64);
                reference.ops().logitLossAndDelta(term, rz, rf, rt, rd, rl);
                refLoss = rl.toDoubleArray();
                expDelta = rd.toDoubleArray();
            }
            String what = "logitLossAndDelta(" + term + ") |z| ≤ " + scale + " " + rows + "×" + cols;
            Tolerance.of(DType.FLOAT64, rows * cols).assertClose(what + " [reference] vs float64 from the logits",
                    expLoss, refLoss, 0);
            try (Scope s = backend.scope()) {
                Tensor tz = backend.fromArray(z, rows, cols, dtype), tf = backend.fromArray(f, rows, cols, dtype);
                Tensor tt = backend.fromArray(t, rows, cols, dtype);
                Tensor d1 = backend.zeros(rows, cols, dtype), l1 = backend.zeros(1, 1, dtype);
                Tensor d2 = backend.zeros(rows, cols, dtype), l2 = backend.zeros(1, 1, dtype);
                backend.ops().logitLossAndDelta(term, tz, tf, tt, d1, l1);
                FusedDefaults.logitLossAndDelta(backend.compute(), term, tz.buffer(), tf.buffer(), tt.buffer(),
                        d2.buffer(), l2.buffer(), rows, cols);
                Tolerance tl = Tolerance.of(dtype, rows * cols);
                Tolerance td = Tolerance.of(dtype, 1);
                double absTerms = LogitLosses.absTerms(term, z, t, rows, cols);
                tl.assertReduction(label(what + " loss vs float64 from the logits", dtype), expLoss[0], l1.item(),
                        absTerms);
                tl.assertReduction(label(what + " loss vs composition", dtype), l2.item(), l1.item(), 2 * absTerms);
                td.assertClose(label(what + " δ", dtype), expDelta, d1.toDoubleArray(), cols);
                td.assertClose(label(what + " δ vs composition", dtype), d2.toDoubleArray(), d1.toDoubleArray(), cols);
                backend.ops().logitLossAndDelta(term, tz, tf, tt, tf, l1);    // δ written over f
                td.assertClose(label(what + " δ in place", dtype), expDelta, tf.toDoubleArray(), cols);
                tl.assertReduction(label(what + " loss, δ in place", dtype), expLoss[0], l1.item(), absTerms);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("sgdStep")
    void sgdStepMatchesReferenceAndComposition(DType dtype) {
        require(dtype);
        for (int[] rc : LAYERS) {
            int rows = rc[0], cols = rc[1];
            for (double momentum : new double[]{0, 0.9}) {
                for (double decay : new double[]{0, 0.01}) {
                    double[] w = HostData.uniform(rows + cols, rows * cols, -1, 1);
                    double[] g = HostData.uniform(rows * 2L + cols, rows * cols, -1, 1);
                    double[] v = HostData.uniform(rows * 5L + cols, rows * cols, -1, 1);
                    double[][] expected = new double[2][];
                    try (Scope s = reference.scope()) {
                        Tensor rw = reference.fromArray(w, rows, cols), rg = reference.fromArray(g, rows, cols);
                        Tensor rv = momentum == 0 ? null : reference.fromArray(v, rows, cols);
                        reference.ops().sgdStep(rw, rg, rv, 0.05, momentum, decay);
                        expected[0] = rw.toDoubleArray();
                        expected[1] = rv == null ? null : rv.toDoubleArray();
                    }
                    try (Scope s = backend.scope()) {
                        Tensor w1 = backend.fromArray(w, rows, cols, dtype), gt = backend.fromArray(g, rows, cols, dtype);
                        Tensor v1 = momentum == 0 ? null : backend.fromArray(v, rows, cols, dtype);
                        Tensor w2 = backend.fromArray(w, rows, cols, dtype);
                        Tensor v2 = momentum == 0 ? null : backend.fromArray(v, rows, cols, dtype);
                        backend.ops().sgdStep(w1, gt, v1, 0.05, momentum, decay);
                        FusedDefaults.sgdStep(backend.compute(), w2.buffer(), gt.buffer(), v2 == null ? null : v2.buffer(),
                                rows, cols, 0.05, momentum, decay);
                        String what = "sgdStep μ=" + momentum + " λ=" + decay + " " + rows + "×" + cols;
                        Tolerance t = Tolerance.of(dtype, 1);
                        t.assertClose(label(what + " W", dtype), expected[0], w1.toDoubleArray(), cols);
                        t.assertClose(label(what + " W vs composition", dtype), w2.toDoubleArray(), w1.toDoubleArray(), cols);
                        if (v1 != null) {
                            t.assertClose(label(what + " velocity", dtype), expected[1], v1.toDoubleArray(), cols);
                            t.assertClose(label(what + " velocity vs composition", dtype), v2.toDoubleArray(),
                                    v1.toDoubleArray(), cols);
                        }
                    }
                }
            }
        }
    }

    /**
     * Adam where every |g| is below ε, so √v̂ + ε is dominated by ε: a kernel that subtracts ε (or drops it) divides by
     * about −ε or |g| instead and moves W by a different amount (a mutant PIT found the other tests miss).
     */
    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("adamStep")
    void adamStepWithGradientsBelowEpsilonMatchesTheReference(DType dtype) {
        require(dtype);
        int rows = 17, cols = 33;
        double[] w = HostData.uniform(7, rows * cols, -1, 1);
        double[] g = HostData.uniform(8, rows * cols, -4e-9, 4e-9);
        double[] expected;
        try (Scope s = reference.scope()) {
            Tensor rw = reference.fromArray(w, rows, cols);
            Tensor rm = reference.zeros(rows, cols, DType.FLOAT64), rv = reference.zeros(rows, cols, DType.FLOAT64);
            reference.ops().adamStep(rw, reference.fromArray(g, rows, cols), rm, rv, 0.01, 0.9, 0.999, 1e-8, 0, 1);
            expected = rw.toDoubleArray();
        }
        try (Scope s = backend.scope()) {
            Tensor bw = backend.fromArray(w, rows, cols, dtype);
            Tensor bm = backend.zeros(rows, cols, dtype), bv = backend.zeros(rows, cols, dtype);
            backend.ops().adamStep(bw, backend.fromArray(g, rows, cols, dtype), bm, bv, 0.01, 0.9, 0.999, 1e-8, 0, 1);
            double[] got = bw.toDoubleArray();
            double[] moved = new double[got.length], wanted = new double[got.length];
            for (int i = 0; i < got.length; i++) {      // compare the update itself, not W (|update| ≤ 0.004 ≪ |W|)
                double w0 = dtype == DType.FLOAT32 ? (float) w[i] : w[i];
                moved[i] = got[i] - w0;
                wanted[i] = expected[i] - w[i];
            }
            Tolerance.of(dtype, 1).assertCloseNormwise(label("adamStep with |g| < ε, the update", dtype), wanted,
                    moved, cols);
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    @Covers("adamStep")
    void adamStepMatchesReferenceAndComposition(DType dtype) {
        require(dtype);
        for (int[] rc : LAYERS) {
            int rows = rc[0], cols = rc[1];
            double[] w = HostData.uniform(rows + cols, rows * cols, -1, 1);
            double[][] grads = {HostData.uniform(1, rows * cols, -1, 1), HostData.uniform(2, rows * cols, -1, 1),
                    HostData.uniform(3, rows * cols, -1, 1)};
            double[][] expected = new double[3][];
            try (Scope s = reference.scope()) {
                Tensor rw = reference.fromArray(w, rows, cols);
                Tensor rm = reference.zeros(rows, cols, DType.FLOAT64), rv = reference.zeros(rows, cols, DType.FLOAT64);
                for (int step = 1; step <= 3; step++) {
                    Tensor rg = reference.fromArray(grads[step - 1], rows, cols);
                    reference.ops().adamStep(rw, rg, rm, rv, 0.01, 0.9, 0.999, 1e-8, 0.001, step);
                }
                expected = new double[][]{rw.toDoubleArray(), rm.toDoubleArray(), rv.toDoubleArray()};
            }
            try (Scope s = backend.scope()) {
                Tensor w1 = backend.fromArray(w, rows, cols, dtype), w2 = backend.fromArray(w, rows, cols, dtype);
                Tensor m1 = backend.zeros(rows, cols, dtype), v1 = backend.zeros(rows, cols, dtype);
                Tensor m2 = backend.zeros(rows, cols, dtype), v2 = backend.zeros(rows, cols, dtype);
                for (int step = 1; step <= 3; step++) {
                    Tensor g = backend.fromArray(grads[step - 1], rows, cols, dtype);
                    backend.ops().adamStep(w1, g, m1, v1, 0.01, 0.9, 0.999, 1e-8, 0.001, step);
                    FusedDefaults.adamStep(backend.compute(), w2.buffer(), g.buffer(), m2.buffer(), v2.buffer(), rows,
                            cols, 0.01, 0.9, 0.999, 1e-8, 0.001, step);
                }
                String what = "adamStep×3 " + rows + "×" + cols;
                Tolerance t = Tolerance.of(dtype, 1);
                t.assertClose(label(what + " W", dtype), expected[0], w1.toDoubleArray(), cols);
                t.assertClose(label(what + " m", dtype), expected[1], m1.toDoubleArray(), cols);
                t.assertClose(label(what + " v", dtype), expected[2], v1.toDoubleArray(), cols);
                t.assertClose(label(what + " W vs composition", dtype), w2.toDoubleArray(), w1.toDoubleArray(), cols);
            }
        }
    }

    // ---- the guard -----------------------------------------------------------------------------------------------------

    @Test
    void everySpiMethodIsCoveredByAContractTest() {
        Set<String> spi = new TreeSet<>();
        for (Method m : ComputeBackend.class.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == ComputeBackend.class) {
                spi.add(m.getName());
            }
        }
        spi.add("close");
        Set<String> covered = new TreeSet<>();
        for (Class<?> contract : List.of(BackendContract.class, IndexingContract.class)) {
            for (Method m : contract.getDeclaredMethods()) {
                Covers c = m.getAnnotation(Covers.class);
                if (c != null) {
                    covered.addAll(List.of(c.value()));
                }
            }
        }
        Set<String> missing = new TreeSet<>(spi);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "SPI methods without a contract test: " + missing);
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(spi);
        assertTrue(unknown.isEmpty(), "@Covers names that are not SPI methods: " + unknown);
    }

    private static List<Double> toList(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) {
            l.add(d);
        }
        return l;
    }
}
