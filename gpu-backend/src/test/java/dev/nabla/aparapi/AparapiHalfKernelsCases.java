package dev.nabla.aparapi;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 16-bit kernels of the aparapi backend (issue 16) at the SPI, against {@link HalfFloats}, the bit-exact host
 * reference: FloatKernel decodes and encodes without bit casts (Aparapi has none), by integer bit fields, exact
 * multiplications by powers of two and rint, so every one of the 65,536 patterns of each type and a dense sweep of
 * floats (every 16-bit upper half with the lower halves where the roundings tie or nearly tie) are checked bit for
 * bit. The ops that should not move data through the host (casts on the device, gemm, the fused activations) are
 * checked on the backend's transfer counters. Subclasses give the backend: OpenCL, and Aparapi's Java thread pool
 * (the kernels' Java bytecode).
 */
abstract class AparapiHalfKernelsCases {
    /** The aparapi backend under test (open for the whole class). */
    abstract ComputeBackend aparapi();

    private final List<DeviceBuffer> live = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        for (DeviceBuffer b : live) {
            aparapi().release(b);
        }
        live.clear();
        assertEquals(0L, aparapi().counters().get("liveArenaElements"), "every arena range was given back");
    }

    private DeviceBuffer alloc(DType dtype, int n) {
        DeviceBuffer b = aparapi().allocate(dtype, n);
        live.add(b);
        return b;
    }

    private DeviceBuffer halves(DType dtype, short[] bits) {
        DeviceBuffer b = alloc(dtype, bits.length);
        aparapi().write(b, bits);
        return b;
    }

    private DeviceBuffer floats(float[] v) {
        DeviceBuffer b = alloc(DType.FLOAT32, v.length);
        aparapi().write(b, v);
        return b;
    }

    private short[] readHalves(DeviceBuffer b, int n) {
        short[] out = new short[n];
        aparapi().read(b, out);
        return out;
    }

    private static short[] everyPattern() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        return all;
    }

    private static boolean isNaN(DType dtype, short bits) {
        return Float.isNaN(HalfFloats.toFloat(dtype, bits));
    }

    /** Host↔device bytes moved so far. */
    private long moved() {
        Map<String, Long> c = aparapi().counters();
        return c.get("hostToDeviceBytes") + c.get("deviceToHostBytes");
    }

    /** The same pattern, or two NaN where {@code nanSignFree} (the kernel writes FLOAT16 NaN positive). */
    private static void assertPatterns(String what, DType dtype, short[] expected, short[] actual, boolean nanSignFree) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i] && !(nanSignFree && isNaN(dtype, expected[i]) && isNaN(dtype, actual[i]))) {
                assertEquals(String.format("0x%04X", expected[i] & 0xffff), String.format("0x%04X", actual[i] & 0xffff),
                        what + ": element " + i + " [" + "aparapi" + "]");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void everyPatternDecodesExactlyOnTheDevice(DType dtype) {
        short[] all = everyPattern();
        DeviceBuffer h = halves(dtype, all);
        DeviceBuffer f = alloc(DType.FLOAT32, all.length);
        DeviceBuffer ints = alloc(DType.INT32, all.length);
        DType other = dtype == DType.BFLOAT16 ? DType.FLOAT16 : DType.BFLOAT16;
        DeviceBuffer o = alloc(other, all.length);
        long before = moved();
        aparapi().cast(h, f, all.length);
        aparapi().cast(h, ints, all.length);
        aparapi().cast(h, o, all.length);
        assertEquals(before, moved(), "casts from " + dtype + " to FLOAT32, INT32 and " + other + " run on the device");
        float[] got = new float[all.length];
        aparapi().read(f, got);
        int[] gotInts = new int[all.length];
        aparapi().read(ints, gotInts);
        short[] gotOther = readHalves(o, all.length);
        short[] wantOther = new short[all.length];
        for (int i = 0; i < all.length; i++) {
            float want = HalfFloats.toFloat(dtype, all[i]);
            if (Float.isNaN(want)) {
                assertTrue(Float.isNaN(got[i]), dtype + " NaN pattern " + i + " decodes to NaN, got " + got[i]);
            } else {
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]),
                        dtype + " pattern " + i + " decodes to " + want + ", got " + got[i]);
            }
            assertEquals((int) want, gotInts[i], dtype + " pattern " + i + " to INT32");
            wantOther[i] = HalfFloats.fromFloat(other, want);
        }
        assertPatterns(dtype + " → " + other + ", every pattern (NaN keeps its sign)", other, wantOther, gotOther,
                false);
    }

    /**
     * Floats around every rounding boundary: each 16-bit upper half (so every exponent and the top fraction bits)
     * with lower halves at the FLOAT16 and BFLOAT16 ties, one below and above them, and the extremes; then random
     * bits. NaN left out (see {@link #aFloat16CastOfANaNKeepsItsSignThroughTheHost}).
     */
    private static float[] sweep() {
        int[] lows = {0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x2fff, 0x3000, 0x3001, 0x7fff, 0x8000, 0x8001, 0xa000,
                0xffff};
        List<Float> v = new ArrayList<>();
        for (int hi = 0; hi < 65536; hi++) {
            for (int lo : lows) {
                float x = Float.intBitsToFloat(hi << 16 | lo);
                if (!Float.isNaN(x)) {
                    v.add(x);
                }
            }
        }
        Random r = new Random(16);
        while (v.size() < 1_200_000) {
            float x = Float.intBitsToFloat(r.nextInt());
            if (!Float.isNaN(x)) {
                v.add(x);
            }
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void floatsRoundOnceToNearestEvenOnTheDeviceBitForBit(DType dtype) {
        float[] x = sweep();
        DeviceBuffer f = floats(x);
        DeviceBuffer h = alloc(dtype, x.length);
        long before = moved();
        aparapi().cast(f, h, x.length);
        long after = moved();
        assertTrue(after - before <= 2L * 256 * Float.BYTES, "FLOAT32 → " + dtype + " without NaN runs on the device "
                + "(at most the NaN flag is read back), moved " + (after - before) + " bytes");
        short[] want = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            want[i] = HalfFloats.fromFloat(dtype, x[i]);
        }
        assertPatterns("FLOAT32 → " + dtype + " of " + x.length + " floats", dtype, want, readHalves(h, x.length),
                false);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void aFloat16CastOfANaNKeepsItsSignThroughTheHost(DType dtype) {
        float[] x = {1f, Float.intBitsToFloat(0xffc00000), Float.NaN, Float.intBitsToFloat(0x7f800001), -2.5f,
                Float.intBitsToFloat(0xff800123), 65520f, -0f};
        DeviceBuffer h = alloc(dtype, x.length);
        aparapi().cast(floats(x), h, x.length);
        short[] want = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            want[i] = HalfFloats.fromFloat(dtype, x[i]);
        }
        assertPatterns("FLOAT32 with NaN of both signs → " + dtype, dtype, want, readHalves(h, x.length), false);
    }

    /**
     * The fused activations on every pattern, against the same float arithmetic on the host: IDENTITY and RELU with
     * a bias of random patterns (z + b is one float addition, exact or rounded alike on both), their derivatives from
     * every stored output times random patterns of δ. Bit for bit but for NaN's sign in FLOAT16.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void fusedActivationsOnEveryPatternMatchFloatArithmeticRoundedOnce(DType dtype) {
        short[] all = everyPattern();
        int rows = 256;
        int cols = 256;
        Random r = new Random(7);
        short[] bias = new short[cols];
        short[] delta = new short[all.length];
        for (int i = 0; i < cols; i++) {
            bias[i] = (short) r.nextInt(65536);
        }
        for (int i = 0; i < delta.length; i++) {
            delta[i] = (short) r.nextInt(65536);
        }
        DeviceBuffer z = halves(dtype, all);
        DeviceBuffer b = halves(dtype, bias);
        DeviceBuffer d = halves(dtype, delta);
        DeviceBuffer out = alloc(dtype, all.length);
        for (UnaryOp act : new UnaryOp[]{UnaryOp.IDENTITY, UnaryOp.RELU}) {
            long before = moved();
            aparapi().biasActivation(act, z, b, out, rows, cols);
            assertEquals(before, moved(), "biasActivation(" + act + ") on " + dtype + " moves nothing through the host");
            short[] want = new short[all.length];
            for (int i = 0; i < all.length; i++) {
                float v = HalfFloats.toFloat(dtype, all[i]) + HalfFloats.toFloat(dtype, bias[i % cols]);
                want[i] = HalfFloats.fromFloat(dtype, act == UnaryOp.RELU ? (v > 0 || Float.isNaN(v) ? v : 0f) : v);
            }
            assertPatterns("biasActivation(" + act + ") on every " + dtype + " pattern", dtype, want,
                    readHalves(out, all.length), true);
        }
        for (UnaryOp grad : new UnaryOp[]{UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, UnaryOp.RELU_GRAD_FROM_OUTPUT}) {
            long before = moved();
            aparapi().activationBackward(grad, z, d, out, rows, cols);
            assertEquals(before, moved(), "activationBackward(" + grad + ") on " + dtype + " moves nothing through the "
                    + "host");
            short[] want = new short[all.length];
            for (int i = 0; i < all.length; i++) {
                float a = HalfFloats.toFloat(dtype, all[i]);
                float g = grad == UnaryOp.RELU_GRAD_FROM_OUTPUT ? (a > 0 ? 1f : 0f) : 1f;
                want[i] = HalfFloats.fromFloat(dtype, HalfFloats.toFloat(dtype, delta[i]) * g);
            }
            assertPatterns("activationBackward(" + grad + ") on every " + dtype + " pattern", dtype, want,
                    readHalves(out, all.length), true);
        }
    }

    /**
     * gemm on 16-bit integers whose products and sums are exact in float (|values| ≤ 8, k = 37: every partial sum
     * below 2²⁴), so the float32 accumulation is exact in any order and the result is known bit for bit: a FLOAT32 C
     * holds the exact α·Σ + β·C, a 16-bit C that value rounded once (sums past 256 have more bits than BFLOAT16
     * keeps: the ties go to even). Every transpose pair, β = 0 and β = −2 with C read, α = 0 (A and B unread, even
     * when they hold ∞).
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void gemmOnExactIntegersIsBitForBitInFloatAndRoundedOnceInto16Bits(DType dtype) {
        int m = 35;
        int n = 33;
        int k = 37;
        Random r = new Random(11);
        double[] av = new double[m * k];
        double[] bv = new double[k * n];
        double[] cv = new double[m * n];
        for (double[] v : new double[][]{av, bv, cv}) {
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(17) - 8;
            }
        }
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            DeviceBuffer a = halves(dtype, bits(dtype, stored(av, m, k, transA)));
            DeviceBuffer b = halves(dtype, bits(dtype, stored(bv, k, n, transB)));
            for (double[] ab : new double[][]{{1, 0}, {0.5, -2}, {0, -2}}) {
                double alpha = ab[0];
                double beta = ab[1];
                double[] exact = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) {
                            s += av[i * k + p] * bv[p * n + j];
                        }
                        // α = 0: C = β·C, A and B unread (BLAS), so β·0 keeps its sign (−0 for β < 0)
                        exact[i * n + j] = alpha == 0 ? beta * cv[i * n + j] : alpha * s + beta * cv[i * n + j];
                    }
                }
                String what = "gemm" + (transA ? "ᵀ" : "") + (transB ? "ᵀ" : "") + " " + m + "×" + n + "×" + k + " α "
                        + alpha + " β " + beta + " on " + dtype;
                float[] c0 = new float[m * n];
                for (int i = 0; i < c0.length; i++) {
                    c0[i] = (float) cv[i];
                }
                DeviceBuffer cf = floats(c0);
                long before = moved();
                aparapi().gemm(transA, transB, m, n, k, alpha, a, b, beta, cf);
                assertEquals(before, moved(), what + " into FLOAT32 moves nothing through the host");
                float[] got = new float[m * n];
                aparapi().read(cf, got);
                for (int i = 0; i < got.length; i++) {
                    assertEquals((float) exact[i], got[i], 0f, what + " into FLOAT32, element " + i);
                }
                DeviceBuffer ch = halves(dtype, bits(dtype, cv));
                aparapi().gemm(transA, transB, m, n, k, alpha, a, b, beta, ch);
                short[] want = bits(dtype, exact);
                assertPatterns(what + " into " + dtype, dtype, want, readHalves(ch, m * n), false);
            }
        }
        short[] inf = new short[m * k];
        java.util.Arrays.fill(inf, HalfFloats.fromFloat(dtype, Float.POSITIVE_INFINITY));
        DeviceBuffer c = floats(new float[m * n]);
        aparapi().fill(c, m * n, 3);
        aparapi().gemm(false, false, m, n, k, 0, halves(dtype, inf), halves(dtype, inf), -2, c);
        float[] got = new float[m * n];
        aparapi().read(c, got);
        for (int i = 0; i < got.length; i++) {
            assertEquals(-6f, got[i], 0f, "gemm with α = 0 does not read A or B (∞ there), element " + i);
        }
    }

    /** Equal patterns, or adjacent ones of one sign (one rounding apart). */
    private static void assertAdjacent(String what, short[] expected, short[] actual) {
        for (int i = 0; i < actual.length; i++) {
            boolean adjacent = ((expected[i] ^ actual[i]) & 0x8000) == 0
                    && Math.abs((expected[i] & 0x7fff) - (actual[i] & 0x7fff)) <= 1;
            assertTrue(adjacent, what + ", element " + i + ": " + String.format("0x%04X", actual[i] & 0xffff)
                    + " against " + String.format("0x%04X", expected[i] & 0xffff));
        }
    }

    /**
     * The fused activations on 16-bit storage against the backend's own composition: cast the operands to FLOAT32
     * (exact), run the FLOAT32 kernel, cast the result back (one rounding). Both compute g(z + b) and δ·g'(a) with the
     * same float code, so the patterns are equal, or adjacent where a compiler contracts differently in the two
     * branches. Every activation, a row longer than a work-group, random values.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void fusedActivationsEqualTheirFloatCompositionRoundedOnce(DType dtype) {
        int rows = 37;
        int cols = 301;
        int n = rows * cols;
        Random r = new Random(3);
        double[] z = new double[n];
        double[] d = new double[n];
        double[] bias = new double[cols];
        for (double[] v : new double[][]{z, d, bias}) {
            for (int i = 0; i < v.length; i++) {
                v[i] = 3 * r.nextGaussian();
            }
        }
        DeviceBuffer zh = halves(dtype, bits(dtype, z));
        DeviceBuffer dh = halves(dtype, bits(dtype, d));
        DeviceBuffer bh = halves(dtype, bits(dtype, bias));
        DeviceBuffer zf = alloc(DType.FLOAT32, n);
        DeviceBuffer df = alloc(DType.FLOAT32, n);
        DeviceBuffer bf = alloc(DType.FLOAT32, cols);
        aparapi().cast(zh, zf, n);
        aparapi().cast(dh, df, n);
        aparapi().cast(bh, bf, cols);
        DeviceBuffer outF = alloc(DType.FLOAT32, n);
        DeviceBuffer want = alloc(dtype, n);
        DeviceBuffer got = alloc(dtype, n);
        UnaryOp[] acts = {UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU, UnaryOp.IDENTITY};
        UnaryOp[] grads = {UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, UnaryOp.TANH_GRAD_FROM_OUTPUT,
                UnaryOp.RELU_GRAD_FROM_OUTPUT, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT};
        for (int k = 0; k < acts.length; k++) {
            aparapi().biasActivation(acts[k], zf, bf, outF, rows, cols);
            aparapi().cast(outF, want, n);
            aparapi().biasActivation(acts[k], zh, bh, got, rows, cols);
            assertAdjacent("biasActivation(" + acts[k] + ") on " + dtype + " against FLOAT32 cast once",
                    readHalves(want, n), readHalves(got, n));
            aparapi().activationBackward(grads[k], zf, df, outF, rows, cols);
            aparapi().cast(outF, want, n);
            aparapi().activationBackward(grads[k], zh, dh, got, rows, cols);
            assertAdjacent("activationBackward(" + grads[k] + ") on " + dtype + " against FLOAT32 cast once",
                    readHalves(want, n), readHalves(got, n));
        }
    }

    /**
     * gemm on 16-bit inputs with β ≠ 0 against the backend's own composition: the kernel forms α·Σ + β·C in float from
     * the same Σ as a β = 0 gemm, so gemm(β = 0) into T, S ← β·C (SCALE), T + S (ADD) is the same float, up to the
     * one rounding an OpenCL compiler may save by contracting α·Σ + β·C into an fma (allowed: 2⁻²²·(|T| + |S|)); into
     * a 16-bit C the composition runs on C cast to FLOAT32 and is cast back (one rounding, as the kernel's), so the
     * patterns are equal or, after such a contraction, adjacent. Random 16-bit values, every transpose pair, sizes
     * across the 32 × 32 tiles.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void gemmWithBetaEqualsItsComposition(DType dtype) {
        Random r = new Random(5);
        for (int[] mnk : new int[][]{{1, 1, 1}, {33, 65, 17}, {70, 3, 129}}) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            double[] av = new double[m * k];
            double[] bv = new double[k * n];
            double[] cv = new double[m * n];
            for (double[] v : new double[][]{av, bv, cv}) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextGaussian();
                }
            }
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0;
                boolean transB = (t & 2) != 0;
                double alpha = 0.75;
                double beta = -1.5;
                String what = "gemm" + (transA ? "ᵀ" : "") + (transB ? "ᵀ" : "") + " " + m + "×" + n + "×" + k + " α "
                        + alpha + " β " + beta + " on " + dtype;
                DeviceBuffer a = halves(dtype, bits(dtype, stored(av, m, k, transA)));
                DeviceBuffer b = halves(dtype, bits(dtype, stored(bv, k, n, transB)));
                DeviceBuffer ch = halves(dtype, bits(dtype, cv));
                DeviceBuffer cf = alloc(DType.FLOAT32, m * n);
                aparapi().cast(ch, cf, m * n);
                DeviceBuffer product = alloc(DType.FLOAT32, m * n);
                DeviceBuffer scaled = alloc(DType.FLOAT32, m * n);
                DeviceBuffer composed = alloc(DType.FLOAT32, m * n);
                aparapi().gemm(transA, transB, m, n, k, alpha, a, b, 0, product);
                aparapi().unary(UnaryOp.SCALE, beta, cf, scaled, m * n);
                aparapi().binary(dev.nabla.spi.BinaryOp.ADD, product, scaled, dev.nabla.spi.Broadcast.NONE, composed,
                        m, n);
                float[] p = new float[m * n];
                float[] sc = new float[m * n];
                float[] want = new float[m * n];
                aparapi().read(product, p);
                aparapi().read(scaled, sc);
                aparapi().read(composed, want);
                aparapi().gemm(transA, transB, m, n, k, alpha, a, b, beta, cf);
                float[] got = new float[m * n];
                aparapi().read(cf, got);
                for (int i = 0; i < got.length; i++) {
                    double allowed = 0x1p-22 * (Math.abs(p[i]) + Math.abs(sc[i]));
                    assertTrue(Math.abs(got[i] - want[i]) <= allowed, what + " into FLOAT32, element " + i + ": "
                            + got[i] + " against the composition's " + want[i] + ", allowed |diff| " + allowed);
                }
                DeviceBuffer wantH = alloc(dtype, m * n);
                aparapi().cast(composed, wantH, m * n);
                aparapi().gemm(transA, transB, m, n, k, alpha, a, b, beta, ch);
                assertAdjacent(what + " into " + dtype + " against the composition cast once", readHalves(wantH, m * n),
                        readHalves(ch, m * n));
            }
        }
    }

    /** v (rows × cols) as stored for a gemm operand: itself, or its transpose when {@code trans}. */
    private static double[] stored(double[] v, int rows, int cols, boolean trans) {
        if (!trans) {
            return v;
        }
        double[] t = new double[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = v[i * cols + j];
            }
        }
        return t;
    }

    private static short[] bits(DType dtype, double[] v) {
        short[] out = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = HalfFloats.fromDouble(dtype, v[i]);
        }
        return out;
    }

    /** Copies, fills, strided copies and gathers move 16-bit patterns untouched, on the device. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void patternsMoveUntouchedThroughCopiesAndGathers(DType dtype) {
        short[] all = everyPattern();
        DeviceBuffer h = halves(dtype, all);
        DeviceBuffer copy = alloc(dtype, all.length);
        DeviceBuffer t = alloc(dtype, all.length);
        DeviceBuffer idx = alloc(DType.INT32, 256);
        int[] rowsWanted = new int[256];
        for (int i = 0; i < rowsWanted.length; i++) {
            rowsWanted[i] = (i * 97) % 256;
        }
        aparapi().write(idx, rowsWanted);
        DeviceBuffer g = alloc(dtype, all.length);
        long before = moved();
        aparapi().copy(h, copy, all.length);
        aparapi().copyStrided(h, 0, 1, 256, t, 0, 256, 256, 256);            // the transpose
        aparapi().gatherRows(h, 256, 256, idx, 256, g);
        assertEquals(before, moved(), "copy, copyStrided and gatherRows of " + dtype + " run on the device");
        assertPatterns("copy", dtype, all, readHalves(copy, all.length), false);
        short[] wantT = new short[all.length];
        short[] wantG = new short[all.length];
        for (int i = 0; i < 256; i++) {
            for (int j = 0; j < 256; j++) {
                wantT[i * 256 + j] = all[j * 256 + i];
                wantG[i * 256 + j] = all[rowsWanted[i] * 256 + j];
            }
        }
        assertPatterns("copyStrided (transpose)", dtype, wantT, readHalves(t, all.length), false);
        assertPatterns("gatherRows", dtype, wantG, readHalves(g, all.length), false);
        aparapi().fill(copy, 3, -0.0);
        short[] head = readHalves(copy, 4);
        assertEquals((short) 0x8000, head[0], "fill(−0) keeps the sign");
        assertEquals(all[3], head[3], "fill stops at n");
    }
}
