package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Both {@link HalfInputGemm}s called directly (C = α·op(A)·op(B) + β·C on BFLOAT16/FLOAT16 A and B) against a
 * float64 reference on the values {@link HalfFloats} decodes, element by element and bit for bit. The operands are
 * multiples of ¼ in [−8, 8] (exact in both 16-bit formats), α and β are ±1.5, ¼ or 0, C multiples of ½: every
 * product, every partial sum (under 2¹⁸ with 5 fractional bits) and α·A are exact in float32, so any order of
 * summation gives the float64 result exactly and a wrong index, a lost α or β, a skipped panel or a stale padding
 * shows as a wrong bit. The shapes cross the Vector gemm's blocks (MC rows, KC depth, NR columns) with remainders,
 * in all four transpositions. Written for issue 18's PIT part {@code cpu-halves}.
 */
class HalfGemmMutationTest {

    private static HalfInputGemm gemm(String path) {
        if (path.equals("VECTOR")) {
            assumeTrue(CpuPath.vectorModulePresent(), "VectorHalfGemm needs --add-modules jdk.incubator.vector");
            return new VectorHalfGemm(new Parallel(1));
        }
        return new ScalarHalfGemm(new ScalarFloatKernels(new Parallel(1)));
    }

    /**
     * The Vector gemm's blocking {MC, MR, KC, NR, NC}; without the Vector module (FloatGemm cannot load) typical
     * values, which the plain path, having no blocks, does not mind.
     */
    private static int[] blocks() {
        if (!CpuPath.vectorModulePresent()) {
            return new int[] {72, 6, 256, 16, 1024};
        }
        return new int[] {FloatGemm.MC, FloatGemm.MR, FloatGemm.KC, FloatGemm.NR, FloatGemm.NC};
    }

    /** {@code len} patterns of multiples of ¼ in [−8, 8]. */
    private static short[] quarters(DType dtype, int len, Random r) {
        short[] x = new short[len];
        for (int i = 0; i < len; i++) {
            x[i] = HalfFloats.fromFloat(dtype, (r.nextInt(65) - 32) / 4f);
        }
        return x;
    }

    /** The float64 reference: α·Σ_q op(A)[i][q]·op(B)[q][j] + β·C[i][j], on HalfFloats' decoded values. */
    private static double[] reference(DType dtype, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                      short[] a, short[] b, float beta, float[] c) {
        double[] want = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    double av = HalfFloats.toFloat(dtype, a[transA ? q * m + i : i * k + q]);
                    double bv = HalfFloats.toFloat(dtype, b[transB ? j * k + q : q * n + j]);
                    s += av * bv;
                }
                double betaC = beta == 0 ? 0 : (double) beta * c[i * n + j];
                // α = 0 or k = 0: C = β·C alone (BLAS), so β·(+0) keeps its sign −0 rather than becoming 0 + (−0)
                want[i * n + j] = alpha == 0 || k == 0 ? betaC : (double) alpha * s + betaC;
            }
        }
        return want;
    }

    private static void assertExact(String what, double[] want, float[] got) {
        assertEquals(want.length, got.length, what + ": lengths");
        for (int i = 0; i < want.length; i++) {
            float w = (float) want[i];
            assertEquals(w, (double) want[i], 0.0, what + ": the reference at " + i + " is not exact in float");
            if (Float.floatToRawIntBits(w) != Float.floatToRawIntBits(got[i])) {
                assertEquals(w, got[i], what + ": element " + i);
            }
        }
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> s = Stream.builder();
        int[] bl = blocks();
        int mc = bl[0];
        int mr = bl[1];
        int kc = bl[2];
        int nr = bl[3];
        int nc = bl[4];
        // the last three fill the panel buffers to their last element (a full MC × KC block of A, a last A panel
        // that ends at MC rows, a last B panel that ends at NC columns): a write past a panel's end throws there
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {13, 37, 9}, {mc + 5, 2 * nr + 3, 11}, {9, 19, kc + 37},
            {mc + 1, nr + 1, kc + 1}, {mc + 5, 5, kc}, {mc - mr + 1, 3, kc}, {3, nc - nr + 1, kc}};
        for (String path : new String[] {"SCALAR", "VECTOR"}) {
            for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
                for (int[] mnk : shapes) {
                    for (int t = 0; t < 4; t++) {
                        s.add(Arguments.of(path, dtype, (t & 1) != 0, (t & 2) != 0, mnk[0], mnk[1], mnk[2]));
                    }
                }
            }
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0} {1} transA={2} transB={3} {4}×{5}×{6}")
    @MethodSource("cases")
    void matchesTheFloat64ProductBitForBit(String path, DType dtype, boolean transA, boolean transB, int m, int n,
                                           int k) {
        HalfInputGemm g = gemm(path);
        Random r = new Random(31L * m + 7L * n + k + (transA ? 1000 : 0) + (transB ? 2000 : 0));
        short[] a = quarters(dtype, m * k, r);
        short[] b = quarters(dtype, k * n, r);
        float[] c0 = new float[m * n];
        for (int i = 0; i < c0.length; i++) {
            c0[i] = (r.nextInt(41) - 20) / 2f;
        }
        for (float[] ab : new float[][] {{1.5f, 0.25f}, {-1.5f, 0f}, {0.25f, 1f}, {0f, -1.5f}}) {
            float alpha = ab[0];
            float beta = ab[1];
            float[] c = c0.clone();
            if (beta == 0) {
                java.util.Arrays.fill(c, Float.NaN);        // β = 0: C is not read (BLAS), its NaNs gone
            }
            double[] want = reference(dtype, transA, transB, m, n, k, alpha, a, b, beta, c);
            g.gemm(dtype, transA, transB, m, n, k, alpha, a, b, beta, c);
            assertExact(path + " " + dtype + " α=" + alpha + " β=" + beta, want, c);
        }
    }

    /**
     * A large call, then a small one on the same thread: the plain path's kept float copies are longer than the small
     * call's operands, and the Vector path's panels hold the large call's values; neither may leak into the result.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void aSmallCallAfterALargeOneSeesOnlyItsOwnOperands(String path) {
        HalfInputGemm g = gemm(path);
        DType dtype = DType.BFLOAT16;
        Random r = new Random(11);
        int big = blocks()[0] + 3;
        short[] a = quarters(dtype, big * big, r);
        short[] b = quarters(dtype, big * big, r);
        float[] c = new float[big * big];
        g.gemm(dtype, false, false, big, big, big, 1f, a, b, 0f, c);
        assertExact(path + " large", reference(dtype, false, false, big, big, big, 1f, a, b, 0f, c), c);
        for (int[] mnk : new int[][] {{2, 3, 5}, {5, 2, 3}, {3, 5, 2}}) {
            short[] as = quarters(dtype, mnk[0] * mnk[2], r);
            short[] bs = quarters(dtype, mnk[2] * mnk[1], r);
            float[] cs = new float[mnk[0] * mnk[1]];
            double[] want = reference(dtype, true, true, mnk[0], mnk[1], mnk[2], 1f, as, bs, 0f, cs);
            g.gemm(dtype, true, true, mnk[0], mnk[1], mnk[2], 1f, as, bs, 0f, cs);
            assertExact(path + " small after large", want, cs);
        }
    }

    static Stream<String> paths() {
        return Stream.of("SCALAR", "VECTOR");
    }

    /** k = 0 or α = 0: C = β·C and A and B are not read (they may be empty or shorter than m·k). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void withoutDepthOrAlphaOnlyScalesC(String path) {
        HalfInputGemm g = gemm(path);
        float[] c = {1f, -2f, 3f, 4f, 5f, -6f};
        g.gemm(DType.FLOAT16, false, false, 2, 3, 0, 1f, new short[0], new short[0], 0.5f, c);
        assertExact(path + " k = 0", new double[] {0.5, -1, 1.5, 2, 2.5, -3}, c);
        g.gemm(DType.FLOAT16, false, false, 2, 3, 4, 0f, new short[0], new short[0], -2f, c);
        assertExact(path + " α = 0", new double[] {-1, 2, -3, -4, -5, 6}, c);
        float[] empty = new float[0];
        g.gemm(DType.BFLOAT16, false, false, 0, 3, 4, 1f, new short[0], new short[0], 1f, empty);
        g.gemm(DType.BFLOAT16, false, false, 3, 0, 4, 1f, new short[0], new short[0], 1f, empty);
    }

    /**
     * Operands longer than {@link FloatScratch#KEEP_MAX} floats (A 1025 × 1024, then B 1024 × 1025): the plain path
     * decodes them into fresh arrays of their full length, never into a kept shorter one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void operandsLongerThanTheKeptScratch(String path) {
        HalfInputGemm g = gemm(path);
        DType dtype = DType.FLOAT16;
        Random r = new Random(13);
        int big = FloatScratch.KEEP_MAX / 1024 + 1;
        for (int[] mnk : new int[][] {{big, 1, 1024}, {1, big, 1024}}) {
            short[] a = quarters(dtype, mnk[0] * mnk[2], r);
            short[] b = quarters(dtype, mnk[2] * mnk[1], r);
            float[] c = new float[mnk[0] * mnk[1]];
            double[] want = reference(dtype, false, false, mnk[0], mnk[1], mnk[2], 0.25f, a, b, 0f, c);
            g.gemm(dtype, false, false, mnk[0], mnk[1], mnk[2], 0.25f, a, b, 0f, c);
            assertExact(path + " " + mnk[0] + "×" + mnk[1] + "×" + mnk[2], want, c);
        }
    }

    /**
     * {@link FloatScratch}: an array at least as long as asked; the same one again for any length up to the longest
     * kept; a longer one when asked for more, kept up to {@link FloatScratch#KEEP_MAX} floats and not above; one per
     * thread.
     */
    @Test
    void floatScratchGrowsKeepsAndStopsKeepingAboveTheLimit() throws Exception {
        FloatScratch s = new FloatScratch();
        float[] first = s.atLeast(10);
        assertEquals(10, first.length, "a fresh scratch is exactly as long as asked");
        assertSame(first, s.atLeast(10), "the same length again: the kept array");
        assertSame(first, s.atLeast(3), "shorter: the kept array");
        assertSame(first, s.atLeast(0), "no length: the kept array");
        float[] grown = s.atLeast(11);
        assertEquals(11, grown.length, "longer than kept: a new array of that length");
        assertSame(grown, s.atLeast(10), "the longer array is kept");
        float[] limit = s.atLeast(FloatScratch.KEEP_MAX);
        assertEquals(FloatScratch.KEEP_MAX, limit.length);
        assertSame(limit, s.atLeast(FloatScratch.KEEP_MAX), "an array of exactly KEEP_MAX floats is kept");
        float[] huge = s.atLeast(FloatScratch.KEEP_MAX + 1);
        assertEquals(FloatScratch.KEEP_MAX + 1, huge.length);
        assertNotSame(huge, s.atLeast(FloatScratch.KEEP_MAX + 1), "above KEEP_MAX: fresh every call");
        assertSame(limit, s.atLeast(5), "above KEEP_MAX: the kept array stays the one kept before");

        float[][] other = new float[1][];
        Thread t = new Thread(() -> other[0] = s.atLeast(4));
        t.start();
        t.join();
        assertEquals(4, other[0].length, "another thread starts with its own array");
        assertNotSame(limit, other[0]);
        assertTrue(s.atLeast(1) == limit, "this thread's array is untouched by the other's");

        FloatScratch fresh = new FloatScratch();
        float[] big = fresh.atLeast(FloatScratch.KEEP_MAX + 1);
        assertNotSame(big, fresh.atLeast(1), "nothing was kept: a call above KEEP_MAX on a new scratch");
        assertEquals(1, fresh.atLeast(1).length);
    }
}
