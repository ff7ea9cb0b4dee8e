package dev.nabla.contract;

import dev.nabla.DType;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reference's fused ops proved against the math itself. {@link BackendContract} compares every backend with the
 * {@link ReferenceBackend}, whose fused ops are the SPI's default compositions ({@code FusedDefaults}); run on the
 * reference, that contract compares those compositions with themselves, so a wrong formula in them (a momentum
 * sign, a missing bias correction) would pass it and then be the yardstick of every backend. Here each fused op is
 * written a second time as plain double loops straight from {@link ComputeBackend}'s javadoc and backprop.md, with
 * the activations and their derivatives inline (no {@link UnaryOp#apply}, no {@link BinaryOp#apply}, no
 * FusedDefaults), and the reference's results are compared element by element: within 1e-12 relative plus 1e-14
 * absolute for FLOAT64 (the two differ only in the order of float64 roundings), and additionally one float ulp of
 * the expected value for FLOAT32 (the reference computes in float64 and rounds once when read back).
 */
class ReferenceFusedFormulasTest {

    private static final double REL = 1e-12;
    private static final double ABS = 1e-14;
    /** ε of the cross-entropies' clamped logarithms: ln max(f, ε), ln max(1 − f, ε) (ComputeBackend.lossAndDelta). */
    private static final double EPS = 1e-7;

    /** rows × cols, with 0, 1 and primes in both places. */
    private static final int[][] SHAPES = {{0, 3}, {3, 0}, {0, 0}, {1, 1}, {1, 7}, {7, 1}, {3, 17}, {17, 3},
            {31, 13}, {127, 257}};

    private final ComputeBackend be = new ReferenceBackend();

    // ---- the math, written out -----------------------------------------------------------------------------------

    /** σ(z) = 1/(1 + e^−z), as e^z/(1 + e^z) for z &lt; 0 so that it never overflows (backprop.md). */
    private static double sigmoid(double z) {
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }

    /** g(z) for the four elementwise activations. */
    private static double activate(UnaryOp g, double z) {
        return switch (g) {
            case IDENTITY -> z;
            case SIGMOID -> sigmoid(z);
            case TANH -> Math.tanh(z);
            case RELU -> z > 0 ? z : 0.0;
            default -> throw new AssertionError(g + " is no activation");
        };
    }

    /** g'(z) from the stored output a = g(z): a(1 − a), 1 − a², [a &gt; 0], 1 (backprop.md's table). */
    private static double derivativeFromOutput(UnaryOp gradFromOutput, double a) {
        return switch (gradFromOutput) {
            case IDENTITY_GRAD_FROM_OUTPUT -> 1.0;
            case SIGMOID_GRAD_FROM_OUTPUT -> a * (1.0 - a);
            case TANH_GRAD_FROM_OUTPUT -> 1.0 - a * a;
            case RELU_GRAD_FROM_OUTPUT -> a > 0 ? 1.0 : 0.0;
            default -> throw new AssertionError(gradFromOutput + " is no derivative");
        };
    }

    /** The activation whose derivative {@code gradFromOutput} is, to make valid stored outputs a = g(z). */
    private static UnaryOp activationOf(UnaryOp gradFromOutput) {
        return switch (gradFromOutput) {
            case IDENTITY_GRAD_FROM_OUTPUT -> UnaryOp.IDENTITY;
            case SIGMOID_GRAD_FROM_OUTPUT -> UnaryOp.SIGMOID;
            case TANH_GRAD_FROM_OUTPUT -> UnaryOp.TANH;
            case RELU_GRAD_FROM_OUTPUT -> UnaryOp.RELU;
            default -> throw new AssertionError(gradFromOutput + " is no derivative");
        };
    }

    /** The per-element loss terms: ½(f − t)², −[t ln max(f, ε) + (1 − t) ln max(1 − f, ε)], −t ln max(f, ε). */
    private static double lossTerm(BinaryOp loss, double f, double t) {
        return switch (loss) {
            case HALF_SQUARED_ERROR -> 0.5 * (f - t) * (f - t);
            case BINARY_CROSS_ENTROPY -> -(t * Math.log(Math.max(f, EPS)) + (1 - t) * Math.log(Math.max(1 - f, EPS)));
            case CROSS_ENTROPY -> -t * Math.log(Math.max(f, EPS));
            default -> throw new AssertionError(loss + " is no loss term");
        };
    }

    /** Σ x with Neumaier's compensation, so that the expected sums carry no error of their own worth mentioning. */
    private static final class Sum {
        private double sum;
        private double c;

        void add(double x) {
            double t = sum + x;
            c += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
            sum = t;
        }

        double value() {
            return sum + c;
        }
    }

    /** Row-wise softmax: e^(x_ij − m_i) / Σ_j e^(x_ij − m_i), m_i = max_j x_ij. */
    private static double[] softmax(double[] x, int rows, int cols) {
        double[] out = new double[x.length];
        for (int i = 0; i < rows; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                m = Math.max(m, x[i * cols + j]);
            }
            Sum s = new Sum();
            for (int j = 0; j < cols; j++) {
                s.add(Math.exp(x[i * cols + j] - m));
            }
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = Math.exp(x[i * cols + j] - m) / s.value();
            }
        }
        return out;
    }

    // ---- buffers and the comparison ------------------------------------------------------------------------------

    private DeviceBuffer upload(DType dtype, double[] host) {
        DeviceBuffer b = be.allocate(dtype, host.length);
        if (dtype == DType.FLOAT32) {
            float[] f = new float[host.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) host[i];
            }
            be.write(b, f);
        } else {
            be.write(b, host);
        }
        return b;
    }

    /** An output buffer full of NaN: every element the op fails to write shows. */
    private DeviceBuffer garbage(DType dtype, int n) {
        DeviceBuffer b = be.allocate(dtype, n);
        be.fill(b, n, Double.NaN);
        return b;
    }

    private double[] download(DeviceBuffer b) {
        int n = (int) b.length();
        double[] out = new double[n];
        if (b.dtype() == DType.FLOAT32) {
            float[] f = new float[n];
            be.read(b, f);
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        } else {
            be.read(b, out);
        }
        return out;
    }

    private static void assertFormula(String what, DType dtype, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + " [reference, " + dtype + "]: length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (!Double.isFinite(e)) {
                fail(what + " [reference, " + dtype + "]: the formula itself gave " + e + " at element " + i);
            }
            double tol = REL * Math.abs(e) + ABS + (dtype == DType.FLOAT32 ? Math.ulp((float) e) : 0.0);
            if (!(Math.abs(a - e) <= tol)) {
                fail(what + " [reference, " + dtype + "]: element " + i + " is " + a + ", the formula gives " + e
                        + " (|Δ| = " + Math.abs(a - e) + " > " + tol + ")");
            }
        }
    }

    private void release(DeviceBuffer... buffers) {
        for (DeviceBuffer b : buffers) {
            if (b != null) {
                be.release(b);
            }
        }
    }

    private static String shape(int rows, int cols) {
        return rows + "×" + cols;
    }

    // ---- the fused ops -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void biasActivationIsTheActivationOfZPlusTheBiasRow(DType dtype) {
        for (UnaryOp g : new UnaryOp[]{UnaryOp.IDENTITY, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU}) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1];
                double[] z = HostData.uniform(rows * 1000L + cols, rows * cols, -4, 4);
                double[] b = HostData.uniform(rows * 1000L + cols + 1, cols, -2, 2);
                double[] expected = new double[rows * cols];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        expected[i * cols + j] = activate(g, z[i * cols + j] + b[j]);
                    }
                }
                DeviceBuffer zb = upload(dtype, z), bb = upload(dtype, b), out = garbage(dtype, rows * cols);
                try {
                    be.biasActivation(g, zb, bb, out, rows, cols);
                    assertFormula("biasActivation " + g + " " + shape(rows, cols), dtype, expected, download(out));
                } finally {
                    release(zb, bb, out);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void softmaxRowsIsExpOverTheRowSumEvenForLargeInputs(DType dtype) {
        // ±4: the ordinary range; ±1000: e^x overflows float64 (past 709.78) unless the row max is subtracted first
        for (double range : new double[]{4, 1000}) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1];
                double[] x = HostData.uniform(rows * 7919L + cols, rows * cols, -range, range);
                double[] expected = softmax(x, rows, cols);
                DeviceBuffer xb = upload(dtype, x), out = garbage(dtype, rows * cols);
                try {
                    be.softmaxRows(xb, out, rows, cols);
                    assertFormula("softmaxRows x∈±" + range + " " + shape(rows, cols), dtype, expected,
                            download(out));
                    be.softmaxRows(xb, xb, rows, cols);
                    assertFormula("softmaxRows in place x∈±" + range + " " + shape(rows, cols), dtype, expected,
                            download(xb));
                } finally {
                    release(xb, out);
                }
            }
        }
    }

    /** One-hot rows (none when there are no columns). */
    private static double[] oneHot(long seed, int rows, int cols) {
        return cols == 0 ? new double[0] : HostData.oneHot(seed, rows, cols);
    }

    /** A stored activation a = g(z) for random z, so that a lies in g's range (relu's with exact zeros). */
    private static double[] storedActivation(UnaryOp gradFromOutput, long seed, int n) {
        double[] z = HostData.uniform(seed, n, -3, 3);
        UnaryOp g = activationOf(gradFromOutput);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) activate(g, z[i]);
        }
        return a;
    }

    private static final UnaryOp[] GRADS = {UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, UnaryOp.SIGMOID_GRAD_FROM_OUTPUT,
            UnaryOp.TANH_GRAD_FROM_OUTPUT, UnaryOp.RELU_GRAD_FROM_OUTPUT};

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void activationBackwardIsTheIncomingGradientTimesTheDerivative(DType dtype) {
        for (UnaryOp grad : GRADS) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1];
                double[] a = storedActivation(grad, rows * 31L + cols, rows * cols);
                double[] d = HostData.uniform(rows * 37L + cols, rows * cols, -1, 1);
                double[] expected = new double[rows * cols];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = d[i] * derivativeFromOutput(grad, a[i]);
                }
                DeviceBuffer ab = upload(dtype, a), db = upload(dtype, d), out = garbage(dtype, rows * cols);
                try {
                    be.activationBackward(grad, ab, db, out, rows, cols);
                    assertFormula("activationBackward " + grad + " " + shape(rows, cols), dtype, expected,
                            download(out));
                } finally {
                    release(ab, db, out);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void backpropDeltaIsDeltaTimesWTransposedTimesTheDerivative(DType dtype) {
        int[][] shapes = {{0, 3, 5}, {3, 0, 5}, {3, 5, 0}, {1, 1, 1}, {1, 7, 3}, {5, 1, 13}, {17, 13, 11},
                {31, 64, 29}};
        for (UnaryOp grad : GRADS) {
            for (int[] s : shapes) {
                int rows = s[0], nOut = s[1], nIn = s[2];
                long seed = rows * 10007L + nOut * 101L + nIn;
                double[] delta = HostData.uniform(seed, rows * nOut, -1, 1);
                double[] w = HostData.uniform(seed + 1, nIn * nOut, -1, 1);
                double[] aPrev = storedActivation(grad, seed + 2, rows * nIn);
                // out_ik = (Σ_j δ_ij W_kj) · g'(aPrev_ik): δ·Wᵀ with W stored nIn × nOut
                double[] expected = new double[rows * nIn];
                for (int i = 0; i < rows; i++) {
                    for (int k = 0; k < nIn; k++) {
                        Sum dot = new Sum();
                        for (int j = 0; j < nOut; j++) {
                            dot.add(delta[i * nOut + j] * w[k * nOut + j]);
                        }
                        expected[i * nIn + k] = dot.value() * derivativeFromOutput(grad, aPrev[i * nIn + k]);
                    }
                }
                DeviceBuffer db = upload(dtype, delta), wb = upload(dtype, w), ab = upload(dtype, aPrev);
                DeviceBuffer out = garbage(dtype, rows * nIn);
                try {
                    be.backpropDelta(grad, db, wb, ab, out, rows, nOut, nIn);
                    assertFormula("backpropDelta " + grad + " N=" + rows + " nOut=" + nOut + " nIn=" + nIn, dtype,
                            expected, download(out));
                } finally {
                    release(db, wb, ab, out);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void lossAndDeltaIsTheMeanTermAndTheScaledError(DType dtype) {
        for (BinaryOp loss : new BinaryOp[]{BinaryOp.HALF_SQUARED_ERROR, BinaryOp.BINARY_CROSS_ENTROPY,
                BinaryOp.CROSS_ENTROPY}) {
            for (UnaryOp grad : GRADS) {
                for (int[] s : SHAPES) {
                    int rows = s[0], cols = s[1], n = rows * cols;
                    long seed = rows * 131L + cols + loss.ordinal() * 7L + grad.ordinal();
                    double[] f = storedActivation(grad, seed, n);
                    double[] t;
                    if (loss == BinaryOp.HALF_SQUARED_ERROR) {
                        t = HostData.uniform(seed + 1, n, -1, 1);
                    } else {
                        // probabilities, some saturated at exactly 0 and 1 so that the ε clamps are exercised
                        f = HostData.uniform(seed, n, 0, 1);
                        for (int i = 0; i < n; i += 5) {
                            f[i] = (i / 5) % 2 == 0 ? 0.0 : 1.0;
                        }
                        t = loss == BinaryOp.CROSS_ENTROPY ? oneHot(seed + 1, rows, cols)
                                : HostData.uniform(seed + 1, n, 0, 1);
                    }
                    // loss = (1/N) Σ term(f, t); δ = (1/N)(f − t) ⊙ g'(f); loss = 0 when N = 0
                    Sum sum = new Sum();
                    double[] expectedDelta = new double[n];
                    for (int i = 0; i < n; i++) {
                        sum.add(lossTerm(loss, f[i], t[i]));
                        expectedDelta[i] = (f[i] - t[i]) * derivativeFromOutput(grad, f[i]) / rows;
                    }
                    double expectedLoss = rows == 0 ? 0.0 : sum.value() / rows;
                    DeviceBuffer fb = upload(dtype, f), tb = upload(dtype, t), delta = garbage(dtype, n);
                    DeviceBuffer lb = garbage(dtype, 1);
                    try {
                        be.lossAndDelta(loss, grad, fb, tb, delta, lb, rows, cols);
                        String what = "lossAndDelta " + loss + " " + grad + " " + shape(rows, cols);
                        assertFormula(what + " loss", dtype, new double[]{expectedLoss}, download(lb));
                        assertFormula(what + " δ", dtype, expectedDelta, download(delta));
                    } finally {
                        release(fb, tb, delta, lb);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void logitLossAndDeltaIsTheCrossEntropyOfTheLogits(DType dtype) {
        // ±4: ordinary logits; ±60: σ and softmax saturate, where only the logit form stays exact
        for (BinaryOp loss : new BinaryOp[]{BinaryOp.CROSS_ENTROPY, BinaryOp.BINARY_CROSS_ENTROPY}) {
            for (double range : new double[]{4, 60}) {
                for (int[] s : SHAPES) {
                    int rows = s[0], cols = s[1], n = rows * cols;
                    long seed = rows * 313L + cols + loss.ordinal();
                    double[] z = HostData.uniform(seed, n, -range, range);
                    double[] t;
                    double[] f;
                    Sum sum = new Sum();
                    if (loss == BinaryOp.CROSS_ENTROPY) {
                        t = oneHot(seed + 1, rows, cols);
                        f = softmax(z, rows, cols);
                        // −Σ_j t_ij (z_ij − lse_i), lse_i = m_i + ln Σ_j e^(z_ij − m_i), as −t·((z − m) − ln Σ)
                        for (int i = 0; i < rows; i++) {
                            double m = Double.NEGATIVE_INFINITY;
                            for (int j = 0; j < cols; j++) {
                                m = Math.max(m, z[i * cols + j]);
                            }
                            Sum e = new Sum();
                            for (int j = 0; j < cols; j++) {
                                e.add(Math.exp(z[i * cols + j] - m));
                            }
                            double lnSum = Math.log(e.value());
                            for (int j = 0; j < cols; j++) {
                                sum.add(-t[i * cols + j] * ((z[i * cols + j] - m) - lnSum));
                            }
                        }
                    } else {
                        t = HostData.uniform(seed + 1, n, 0, 1);
                        f = new double[n];
                        // max(z, 0) − t·z + ln(1 + e^−|z|)
                        for (int i = 0; i < n; i++) {
                            f[i] = sigmoid(z[i]);
                            sum.add(Math.max(z[i], 0) - t[i] * z[i] + Math.log1p(Math.exp(-Math.abs(z[i]))));
                        }
                    }
                    if (dtype == DType.FLOAT32) {
                        for (int i = 0; i < n; i++) {
                            f[i] = (float) f[i];       // f as a FLOAT32 tensor holds it
                        }
                    }
                    double expectedLoss = rows == 0 ? 0.0 : sum.value() / rows;
                    double[] expectedDelta = new double[n];
                    for (int i = 0; i < n; i++) {
                        expectedDelta[i] = (f[i] - t[i]) / rows;
                    }
                    DeviceBuffer zb = upload(dtype, z), fb = upload(dtype, f), tb = upload(dtype, t);
                    DeviceBuffer delta = garbage(dtype, n), lb = garbage(dtype, 1);
                    try {
                        be.logitLossAndDelta(loss, zb, fb, tb, delta, lb, rows, cols);
                        String what = "logitLossAndDelta " + loss + " z∈±" + range + " " + shape(rows, cols);
                        assertFormula(what + " loss", dtype, new double[]{expectedLoss}, download(lb));
                        assertFormula(what + " δ", dtype, expectedDelta, download(delta));
                    } finally {
                        release(zb, fb, tb, delta, lb);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void sgdStepFollowsTheVelocityDownhill(DType dtype) {
        double lr = 0.05;
        for (boolean withVelocity : new boolean[]{false, true}) {
            for (double momentum : new double[]{0.0, 0.9}) {
                for (double decay : new double[]{0.0, 0.01}) {
                    for (int[] s : SHAPES) {
                        int rows = s[0], cols = s[1], n = rows * cols;
                        long seed = rows * 17L + cols;
                        double[] w = HostData.uniform(seed, n, -1, 1);
                        double[] g = HostData.uniform(seed + 1, n, -1, 1);
                        double[] v = HostData.uniform(seed + 2, n, -1, 1);
                        DeviceBuffer wb = upload(dtype, w), gb = upload(dtype, g);
                        DeviceBuffer vb = withVelocity ? upload(dtype, v) : null;
                        try {
                            String what = "sgdStep " + (withVelocity ? "μ=" + momentum : "no velocity") + " λ="
                                    + decay + " lr=" + lr + " " + shape(rows, cols);
                            // three steps, the formula's state carried on the host alongside
                            for (int step = 1; step <= 3; step++) {
                                be.sgdStep(wb, gb, vb, rows, cols, lr, momentum, decay);
                                for (int i = 0; i < n; i++) {
                                    double gd = g[i] + decay * w[i];        // g' = g + λw
                                    if (withVelocity) {
                                        v[i] = momentum * v[i] + gd;        // v ← μv + g'
                                        w[i] = w[i] - lr * v[i];            // w ← w − lr·v
                                    } else {
                                        w[i] = w[i] - lr * gd;              // w ← w − lr·g'
                                    }
                                }
                                // compare, then carry on from what the backend holds (FLOAT32 rounds each step)
                                double[] gotW = download(wb);
                                assertFormula(what + " step " + step + " w", dtype, w, gotW);
                                w = gotW;
                                if (withVelocity) {
                                    double[] gotV = download(vb);
                                    assertFormula(what + " step " + step + " v", dtype, v, gotV);
                                    v = gotV;
                                }
                                assertFormula(what + " step " + step + " g (read only)", dtype, g, download(gb));
                                if (dtype == DType.FLOAT32) {
                                    release(wb);
                                    wb = upload(dtype, w);
                                    if (withVelocity) {
                                        release(vb);
                                        vb = upload(dtype, v);
                                    }
                                }
                            }
                        } finally {
                            release(wb, gb, vb);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void adamStepIsTheBiasCorrectedMomentRatio(DType dtype) {
        double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        for (double decay : new double[]{0.0, 0.01}) {
            for (boolean freshMoments : new boolean[]{true, false}) {
                for (int[] s : SHAPES) {
                    int rows = s[0], cols = s[1], n = rows * cols;
                    long seed = rows * 19L + cols;
                    double[] w = HostData.uniform(seed, n, -1, 1);
                    double[] g = HostData.uniform(seed + 1, n, -1, 1);
                    double[] m = freshMoments ? new double[n] : HostData.uniform(seed + 2, n, -0.1, 0.1);
                    double[] v = freshMoments ? new double[n] : HostData.uniform(seed + 3, n, 0, 0.01);
                    DeviceBuffer wb = upload(dtype, w), gb = upload(dtype, g);
                    DeviceBuffer mb = upload(dtype, m), vb = upload(dtype, v);
                    try {
                        String what = "adamStep λ=" + decay + (freshMoments ? " m=v=0" : " random m, v") + " "
                                + shape(rows, cols);
                        for (long step = 1; step <= 4; step++) {
                            be.adamStep(wb, gb, mb, vb, rows, cols, lr, beta1, beta2, eps, decay, step);
                            double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
                            for (int i = 0; i < n; i++) {
                                double gd = g[i] + decay * w[i];                 // g' = g + λw
                                m[i] = beta1 * m[i] + (1 - beta1) * gd;          // m ← β₁m + (1−β₁)g'
                                v[i] = beta2 * v[i] + (1 - beta2) * gd * gd;     // v ← β₂v + (1−β₂)g'²
                                double mHat = m[i] / c1, vHat = v[i] / c2;       // bias correction
                                w[i] = w[i] - lr * mHat / (Math.sqrt(vHat) + eps);
                            }
                            double[] gotW = download(wb), gotM = download(mb), gotV = download(vb);
                            assertFormula(what + " step " + step + " m", dtype, m, gotM);
                            assertFormula(what + " step " + step + " v", dtype, v, gotV);
                            assertFormula(what + " step " + step + " w", dtype, w, gotW);
                            w = gotW;
                            m = gotM;
                            v = gotV;
                            if (dtype == DType.FLOAT32) {
                                release(wb, mb, vb);
                                wb = upload(dtype, w);
                                mb = upload(dtype, m);
                                vb = upload(dtype, v);
                            }
                        }
                    } finally {
                        release(wb, gb, mb, vb);
                    }
                }
            }
        }
    }
}
