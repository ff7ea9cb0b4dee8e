package dev.nabla.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link FloatGemm} and {@link DoubleGemm} (the VECTOR path's gemm) on 1 to 8 threads. The thread grid only cuts C
 * into tiles; every tile runs the same blocked loops over the same depth panels, so each element of C is summed in
 * the same order whatever the grid. So every thread count must give the one-thread result bit for bit, and that
 * result must lie within γ·Σ|terms| of the exact value, computed here in float64 (γ = 2·(k + 3)·u: k fused
 * multiply-adds, α's rounding in the packing, β·C and the final add).
 *
 * <p>The contract tests run on the machine's core count only. These products are large enough (m·n·k ≥ 2¹⁸) to be
 * split; their shapes make the grid split columns only, rows only, or both, put partial register tiles on thread
 * boundaries, cross a depth panel (k &gt; KC) and a column block (n &gt; NC).
 */
class GemmThreadGridTest {
    /**
     * m, n, k: grids of every kind, then products whose blocks (MC rows, NC columns, KC depth) are exactly full, full
     * but for their last register tile, or two panels deep with the full MC rows: a loop bound off by one there, or
     * depth panels deeper than KC, run past the packing buffers.
     */
    private static int[][] shapes(int mc, int nc, int kc) {
        return new int[][]{{70, 40, 100}, {13, 200, 101}, {100, 100, 30}, {37, 1100, 7}, {300, 17, 60},
                {20, 50, 300}, {mc, nc, kc}, {mc - 2, nc - 2, kc}, {mc, 40, 2 * kc}};
    }
    private static final double[][] ALPHA_BETA = {{1.0, 0.0}, {-0.75, 1.5}, {1.25, 1.0}};

    @Test
    void floatGemmGivesTheSameBitsOnEveryThreadCountAndStaysWithinItsErrorBound() {
        for (int[] s : shapes(FloatGemm.MC, FloatGemm.NC, FloatGemm.KC)) {
            for (int t = 0; t < 4; t++) {
                for (double[] ab : ALPHA_BETA) {
                    checkFloat(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, (float) ab[0], (float) ab[1]);
                }
            }
        }
    }

    @Test
    void doubleGemmGivesTheSameBitsOnEveryThreadCountAndStaysWithinItsErrorBound() {
        for (int[] s : shapes(DoubleGemm.MC, DoubleGemm.NC, DoubleGemm.KC)) {
            for (int t = 0; t < 4; t++) {
                for (double[] ab : ALPHA_BETA) {
                    checkDouble(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, ab[0], ab[1]);
                }
            }
        }
    }

    private static void checkFloat(int m, int n, int k, boolean ta, boolean tb, float alpha, float beta) {
        Random rnd = new Random(31L * m + 7L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        float[] a = new float[m * k], b = new float[k * n], c0 = new float[m * n];
        fill(rnd, a);
        fill(rnd, b);
        fill(rnd, c0);
        if (beta == 0) {                                 // β = 0 must not read C: garbage that would show
            java.util.Arrays.fill(c0, Float.NaN);
        }
        float[] single = null;
        for (int threads = 1; threads <= 8; threads++) {
            float[] c = c0.clone();
            try (Parallel p = new Parallel(threads)) {
                new FloatGemm(p).gemm(ta, tb, m, n, k, alpha, a, b, beta, c);
            }
            if (single == null) {
                single = c;
                double[] ad = new double[a.length], bd = new double[b.length], cd = new double[c0.length];
                for (int i = 0; i < a.length; i++) {
                    ad[i] = a[i];
                }
                for (int i = 0; i < b.length; i++) {
                    bd[i] = b[i];
                }
                for (int i = 0; i < cd.length; i++) {
                    cd[i] = c0[i];
                }
                double[] got = new double[c.length];
                for (int i = 0; i < c.length; i++) {
                    got[i] = c[i];
                }
                assertWithinBound(label("float", m, n, k, ta, tb, alpha, beta, 1), m, n, k, ta, tb, alpha, ad, bd,
                        beta, cd, got, Math.ulp(1.0f) / 2);
            } else {
                for (int i = 0; i < c.length; i++) {
                    if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(single[i])) {
                        fail(label("float", m, n, k, ta, tb, alpha, beta, threads) + ": C[" + i / n + "," + i % n
                                + "] = " + c[i] + ", on one thread " + single[i]);
                    }
                }
            }
        }
    }

    private static void checkDouble(int m, int n, int k, boolean ta, boolean tb, double alpha, double beta) {
        Random rnd = new Random(37L * m + 11L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        double[] a = new double[m * k], b = new double[k * n], c0 = new double[m * n];
        fill(rnd, a);
        fill(rnd, b);
        fill(rnd, c0);
        if (beta == 0) {
            java.util.Arrays.fill(c0, Double.NaN);
        }
        double[] single = null;
        for (int threads = 1; threads <= 8; threads++) {
            double[] c = c0.clone();
            try (Parallel p = new Parallel(threads)) {
                new DoubleGemm(p).gemm(ta, tb, m, n, k, alpha, a, b, beta, c);
            }
            if (single == null) {
                single = c;
                assertWithinBound(label("double", m, n, k, ta, tb, alpha, beta, 1), m, n, k, ta, tb, alpha, a, b,
                        beta, c0, c, Math.ulp(1.0) / 2);
            } else {
                for (int i = 0; i < c.length; i++) {
                    if (Double.doubleToRawLongBits(c[i]) != Double.doubleToRawLongBits(single[i])) {
                        fail(label("double", m, n, k, ta, tb, alpha, beta, threads) + ": C[" + i / n + "," + i % n
                                + "] = " + c[i] + ", on one thread " + single[i]);
                    }
                }
            }
        }
    }

    /**
     * Each C[i,j] within 2·(k + 3)·u·(|α|·Σ_p |a_ip·b_pj| + |β·c_ij|) of α·Σ_p a_ip·b_pj + β·c_ij, the sum taken
     * in float64 (exact enough for float; for double its own error, k·2⁻⁵³·Σ|terms|, is inside the bound).
     */
    private static void assertWithinBound(String label, int m, int n, int k, boolean ta, boolean tb, double alpha,
                                          double[] a, double[] b, double beta, double[] c0, double[] got, double u) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double term = (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                    dot += term;
                    abs += Math.abs(term);
                }
                double exact = alpha * dot + (beta == 0 ? 0 : beta * c0[i * n + j]);
                double terms = Math.abs(alpha) * abs + (beta == 0 ? 0 : Math.abs(beta * c0[i * n + j]));
                double tol = 2 * (k + 3) * u * terms;
                double g = got[i * n + j];
                if (!(Math.abs(g - exact) <= tol)) {
                    fail(label + ": C[" + i + "," + j + "] = " + g + ", exact " + exact + ", allowed ±" + tol);
                }
            }
        }
        assertEquals(m * n, got.length, label);
    }

    private static String label(String type, int m, int n, int k, boolean ta, boolean tb, double alpha, double beta,
                                int threads) {
        return type + " gemm " + (ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B") + " m=" + m + " n=" + n + " k=" + k
                + " α=" + alpha + " β=" + beta + " on " + threads + " thread(s)";
    }

    private static void fill(Random rnd, float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
    }

    private static void fill(Random rnd, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * rnd.nextDouble() - 1;
        }
    }
}
