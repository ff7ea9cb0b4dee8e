package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The {@link EdgeCases} of non-finite values and float overflow: sums, means, column and row sums, products and losses
 * whose inputs hold ±∞ or NaN, or whose partial sums pass the float range although the exact result does not. Every
 * backend must give what IEEE arithmetic gives on the exact values: the float64 {@link ReferenceBackend} (whose
 * compensated sums keep ±∞), compared under {@link Tolerance} (infinities and NaN must match exactly). gemm with α = 0
 * must not read A or B (BLAS): an ∞ or NaN there leaves β·C.
 */
final class NonFiniteCases {
    private static final float INF = Float.POSITIVE_INFINITY;
    private static final float BIG = 3e38f;

    private NonFiniteCases() {
    }

    /**
     * A named vector to reduce. Where the exact sum is beyond the float range ({@code sumOverflows}) the mean is not
     * checked: a FLOAT32 mean is Σx/n with Σx rounded to float first (±∞ there, docs/reliability.md).
     */
    private record Values(String name, float[] v, boolean sumOverflows) {
        Values(String name, float[] v) {
            this(name, v, false);
        }
    }

    /** n zeros with {@code BIG} at {@code plus} and −{@code BIG} at {@code minus}: an exact sum of ±BIG·k. */
    private static Values spread(String name, int n, int[] plus, int[] minus) {
        float[] v = new float[n];
        for (int i : plus) {
            v[i] = BIG;
        }
        for (int i : minus) {
            v[i] = -BIG;
        }
        return new Values(name, v);
    }

    private static List<Values> vectors() {
        List<Values> all = new ArrayList<>();
        all.add(new Values("[3e38, 3e38, −3e38] (exact 3e38)", new float[]{BIG, BIG, -BIG}));
        all.add(new Values("[3e38 ×4, −3e38 ×3] (exact 3e38)", new float[]{BIG, BIG, BIG, BIG, -BIG, -BIG, -BIG}));
        all.add(new Values("[3e38, 3e38] (exact 6e38: ∞)", new float[]{BIG, BIG}, true));
        all.add(new Values("[∞, 1, 2]", new float[]{INF, 1, 2}));
        all.add(new Values("[1, −∞, 2, 3]", new float[]{1, -INF, 2, 3}));
        all.add(new Values("[∞, −∞] (NaN)", new float[]{INF, -INF}));
        all.add(new Values("[NaN, 1]", new float[]{Float.NaN, 1}));
        all.add(new Values("[∞, 3e38, 3e38]", new float[]{INF, BIG, BIG}));
        all.add(spread("3e38 at 0, 1 and −3e38 at the end of 20000", 20000, new int[]{0, 1}, new int[]{19999}));
        for (int stride : new int[]{256, 1024, 4096, 16384}) {
            all.add(spread("3e38 ×3 then −3e38 ×2 at stride " + stride, 4 * stride + 1,
                    new int[]{0, stride, 2 * stride}, new int[]{3 * stride, 4 * stride}));
        }
        return all;
    }

    /** Runs {@code op} on the reference and on {@code be} and compares their FLOAT32 results. */
    private static void assertLikeReference(Backend be, String what, Function<Backend, Tensor> op) {
        double[] expected;
        try (Backend ref = Backend.wrap(new ReferenceBackend())) {
            expected = widen(op.apply(ref).toFloatArray());            // the reference's float64, rounded to float
        }
        double[] actual = widen(op.apply(be).toFloatArray());
        Tolerance.of(DType.FLOAT32, 1).assertClose(what + " [" + be.name() + "]", expected, actual, 0);
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** The column of v repeated in the odd columns of an n × 19 matrix (even columns are 1). */
    private static float[] columns(float[] v) {
        int cols = 19;
        float[] m = new float[v.length * cols];
        for (int r = 0; r < v.length; r++) {
            for (int j = 0; j < cols; j++) {
                m[r * cols + j] = j % 2 == 1 ? v[r] : 1;
            }
        }
        return m;
    }

    /** The transpose of {@link #columns}: v in the odd rows of a 19 × n matrix. */
    private static float[] rows(float[] v) {
        int rows = 19;
        float[] m = new float[rows * v.length];
        for (int j = 0; j < rows; j++) {
            for (int c = 0; c < v.length; c++) {
                m[j * v.length + c] = j % 2 == 1 ? v[c] : 1;
            }
        }
        return m;
    }

    static void addTo(BiConsumer<String, java.util.function.Consumer<Backend>> add) {
        for (Values x : vectors()) {
            int n = x.v().length;
            add.accept("sum and mean of " + x.name() + " as IEEE on the exact sum", be -> {
                assertLikeReference(be, "sum of " + x.name(), b -> b.fromArray(x.v(), 1, n).sum());
                if (!x.sumOverflows()) {
                    assertLikeReference(be, "mean of " + x.name(), b -> b.fromArray(x.v(), n, 1).mean());
                }
            });
            add.accept("sumColumns and reduceRows(SUM) of " + x.name() + " as IEEE on the exact sum", be -> {
                assertLikeReference(be, "sumColumns of " + x.name(), b -> b.fromArray(columns(x.v()), n, 19).sumColumns());
                assertLikeReference(be, "reduceRows(SUM) of " + x.name(), b -> {
                    Tensor out = b.zeros(19, 1);
                    b.ops().reduceRows(RowReduction.SUM, b.fromArray(rows(x.v()), 19, n), out);
                    return out;
                });
            });
        }
        products(add);
        alphaZero(add);
        losses(add);
    }

    /** Small integers (exact in float) with ±∞ and NaN at a few places, and zeros in B (∞·0 is NaN). */
    private static float[] withNonFinite(long seed, int n) {
        double[] u = HostData.uniform(seed, n, -4, 4);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.rint(u[i]);
        }
        v[n / 3] = INF;
        v[n / 2] = -INF;
        if (n > 40) {
            v[n - 7] = Float.NaN;
        }
        return v;
    }

    private static void products(BiConsumer<String, java.util.function.Consumer<Backend>> add) {
        for (int[] mnk : new int[][]{{3, 5, 4}, {37, 41, 70}}) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    String name = "gemm " + (ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B") + " " + m + "×" + n + "×" + k
                            + " with ±∞ and NaN in A and B";
                    add.accept(name + " as IEEE", be -> assertLikeReference(be, name, b -> {
                        Tensor a = b.fromArray(withNonFinite(m * 3L + k, m * k), ta ? k : m, ta ? m : k);
                        Tensor bb = b.fromArray(withNonFinite(n * 5L + k, k * n), tb ? n : k, tb ? k : n);
                        Tensor c = b.fromArray(HostData.uniform(9, m * n, -1, 1), m, n, DType.FLOAT32);
                        b.ops().gemm(ta, tb, 1.0, a, bb, 0.5, c);
                        return c;
                    }));
                }
            }
        }
    }

    /** α = 0: C = β·C without reading A or B, for an ∞ or NaN in either. */
    private static void alphaZero(BiConsumer<String, java.util.function.Consumer<Backend>> add) {
        for (int[] mnk : new int[][]{{3, 5, 4}, {37, 41, 70}}) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            for (double beta : new double[]{0, 2}) {
                for (float bad : new float[]{INF, -INF, Float.NaN}) {
                    String name = "gemm α = 0, β = " + beta + " " + m + "×" + n + "×" + k + " with " + bad
                            + " in A and in B is β·C (A and B not read)";
                    add.accept(name, be -> {
                        float[] c0 = new float[m * n];
                        for (int i = 0; i < c0.length; i++) {
                            c0[i] = i % 7 - 3;
                        }
                        float[] expected = new float[m * n];
                        for (int i = 0; i < c0.length; i++) {
                            expected[i] = beta == 0 ? 0 : (float) beta * c0[i];
                        }
                        for (boolean ta : new boolean[]{false, true}) {
                            for (boolean inB : new boolean[]{false, true}) {
                                float[] av = new float[m * k];
                                float[] bv = new float[k * n];
                                java.util.Arrays.fill(av, 1);
                                java.util.Arrays.fill(bv, 1);
                                (inB ? bv : av)[1] = bad;
                                Tensor c = be.fromArray(c0, m, n);
                                be.ops().gemm(ta, false, 0.0, be.fromArray(av, ta ? k : m, ta ? m : k),
                                        be.fromArray(bv, k, n), beta, c);
                                assertArrayEquals(expected, c.toFloatArray(), name + (ta ? ", Aᵀ" : "")
                                        + (inB ? ", in B" : ", in A") + " [" + be.name() + "]");
                            }
                        }
                    });
                }
            }
        }
    }

    private static void losses(BiConsumer<String, java.util.function.Consumer<Backend>> add) {
        float[][] outputs = {{INF, 1, 2, 0.5f}, {-INF, 1, 2, 0.5f}, {Float.NaN, 1, 2, 0.5f},
                {2e19f, -2e19f, 0, 0}};   // the last: terms of 2e38, Σ 4e38 is beyond float, the mean 1e38 is not
        for (float[] f : outputs) {
            String fs = java.util.Arrays.toString(f);
            add.accept("MSE loss and δ of output " + fs + " as IEEE", be -> {
                for (UnaryOp grad : new UnaryOp[]{UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, UnaryOp.TANH_GRAD_FROM_OUTPUT}) {
                    for (boolean wantDelta : new boolean[]{false, true}) {
                        assertLikeReference(be, "MSE(" + grad + ") " + (wantDelta ? "δ" : "loss") + " of " + fs, b -> {
                            Tensor d = b.zeros(4, 1), loss = b.zeros(1, 1);
                            b.ops().lossAndDelta(BinaryOp.HALF_SQUARED_ERROR, grad, b.fromArray(f, 4, 1),
                                    b.fromArray(new float[]{0, 1, 1, 0}, 4, 1), d, loss);
                            return wantDelta ? d : loss;
                        });
                    }
                }
            });
        }
        float[][] logits = {{INF, 1, -2, 0.5f}, {-INF, 1, -2, 0.5f}, {Float.NaN, 1, -2, 0.5f}, {INF, -INF, 0, 1}};
        for (float[] z : logits) {
            String zs = java.util.Arrays.toString(z);
            for (BinaryOp term : new BinaryOp[]{BinaryOp.CROSS_ENTROPY, BinaryOp.BINARY_CROSS_ENTROPY}) {
                add.accept(term + " loss from logits " + zs + " as IEEE", be -> {
                    for (float[] t : new float[][]{{1, 0, 0, 0}, {0, 1, 0, 0}}) {
                        assertLikeReference(be, term + " from logits " + zs + ", targets " + java.util.Arrays.toString(t),
                                b -> {
                                    Tensor zt = b.fromArray(z, 2, 2);
                                    Tensor d = b.zeros(2, 2), loss = b.zeros(1, 1);
                                    b.ops().logitLossAndDelta(term, zt, b.fromArray(new float[]{0.5f, 0.5f, 0.5f, 0.5f},
                                            2, 2), b.fromArray(t, 2, 2), d, loss);
                                    return loss;
                                });
                    }
                });
            }
        }
    }
}
