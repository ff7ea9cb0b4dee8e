package dev.nabla.cpu;

/**
 * eˣ, ln x, tanh x and σ(x) on floats from operations whose results Java specifies exactly (+ − × ÷, Math.fma,
 * min/max, comparisons, bit moves), so that they give the same bits in the interpreter, C1 and C2, on every JDK.
 * (The Vector API's lanewise EXP/LOG/TANH do not: their Java fallback and the compiled SVML stubs differ in the
 * last bit, so results changed once C2 compiled a kernel.) {@link VectorFloatMath} is the lane-wise twin: the same
 * operations in the same order, hence the same bits as these, lane for lane.
 *
 * <p>Accuracy: the largest error in ulps of the exact value (Math.exp/log/tanh in float64 as the exact value),
 * measured over ALL 2³² floats by {@code FloatMathSweep} (the one-off command is in its javadoc; the results are the
 * same bits on every JDK, so on JDK 17 and Temurin 25 alike): exp 1.06 ulp, log 0.84 ulp, tanh 2.42 ulp, and σ
 * 2.83 ulp (against UnaryOp.sigmoid in float64). FloatMathTest asserts these bounds on every 4099th float at each
 * build. Special values:
 * NaN → NaN; exp(+∞) = +∞, exp(−∞) = 0, overflow to +∞ above ln(Float.MAX_VALUE), gradual underflow to subnormals
 * and 0; ln(+∞) = +∞, ln(±0) = −∞, ln(x &lt; 0) = NaN, subnormals handled; tanh(±∞) = ±1, tanh(−0) = −0, and tanh is
 * exactly ±1 for |x| ≥ {@link #TANH_ONE}.
 */
final class FloatMath {
    private FloatMath() {
    }

    // ---- eˣ: x = k·ln2 + r with k an integer and |r| ≤ ln2/2, then eˣ = 2ᵏ·(1 + p(r)) -----------------------------

    /** Below this eˣ rounds to 0 (e^−104 &lt; 2^−150, half the smallest subnormal); inputs are clamped to it. */
    static final float EXP_X_MIN = -104f;
    /** Above ln(Float.MAX_VALUE) ≈ 88.72 eˣ overflows; inputs are clamped to this, which still gives +∞. */
    static final float EXP_X_MAX = 89f;
    static final float LOG2E = 1.44269504088896341f;
    /** fma(x, log2e, 1.5·2²³) rounds x·log2e to an integer k (ties to even), held in the low bits of the result. */
    static final float ROUND = 0x1.8p23f;
    static final int ROUND_BITS = 0x4b400000;                // Float.floatToRawIntBits(ROUND)
    /** ln2 = LN2_HI + LN2_LO; LN2_HI has 15 significant bits, so k·LN2_HI is exact for |k| ≤ 2⁹ (fdlibm's split). */
    static final float LN2_HI = 0x1.62e4p-1f;               // 0.693145751953125
    static final float LN2_LO = 0x1.7f7d1cp-20f;            // 1.4286068e-6
    /** Taylor coefficients of (eʳ − 1 − r)/r² = 1/2! + r/3! + … + r⁵/7!; the first term left out, r⁸/8!, is below 0.1 ulp. */
    static final float E2 = 1f / 2, E3 = 1f / 6, E4 = 1f / 24, E5 = 1f / 120, E6 = 1f / 720, E7 = 1f / 5040;

    /** eˣ, within 1.06 ulp over all floats (1 + p(r) rounded, then scaled exactly unless the result is subnormal). */
    static float exp(float x) {
        float xc = Math.min(Math.max(x, EXP_X_MIN), EXP_X_MAX);      // NaN stays NaN
        float t = Math.fma(xc, LOG2E, ROUND);
        float k = t - ROUND;                                        // k = round(x/ln2), exact
        int ki = Float.floatToRawIntBits(t) - ROUND_BITS;
        float r = Math.fma(k, -LN2_HI, xc);                        // exact
        r = Math.fma(k, -LN2_LO, r);
        float e = 1 + expm1Reduced(r);                              // eʳ
        int k1 = ki >> 1;                                           // 2ᵏ = 2^k1 · 2^k2, each a normal float
        return e * pow2(k1) * pow2(ki - k1);                        // the first product is exact: one rounding
    }

    /** eʳ − 1 = r + r²·(1/2! + r/3! + … + r⁵/7!) for |r| ≤ ln2/2, by Horner's rule with fma. */
    static float expm1Reduced(float r) {
        float q = Math.fma(E7, r, E6);
        q = Math.fma(q, r, E5);
        q = Math.fma(q, r, E4);
        q = Math.fma(q, r, E3);
        q = Math.fma(q, r, E2);
        return Math.fma(r * r, q, r);
    }

    /** 2ʲ for −126 ≤ j ≤ 127, from its bits. */
    static float pow2(int j) {
        return Float.intBitsToFloat((j + 127) << 23);
    }

    // ---- ln x: x = 2ᵏ·m with √2/2 ≤ m &lt; √2, ln m = 2·atanh(s), s = (m−1)/(m+1) (fdlibm's e_logf) -------------------

    /** floatToRawIntBits(√2/2): subtracting it makes the exponent field k and puts the mantissa m in [√2/2, √2). */
    static final int SQRT_HALF_BITS = 0x3f3504f3;
    /** ln2 = LOG_LN2_HI + LOG_LN2_LO (fdlibm's split for logf). */
    static final float LOG_LN2_HI = 6.9313812256e-01f, LOG_LN2_LO = 9.0580006145e-06f;
    /** fdlibm's minimax coefficients: |(ln(1+s) − ln(1−s))/s − (2 + s²·Lg(s²))| &lt; 2^−34.24 for |s| ≤ 0.1716. */
    static final float LG1 = 0xaaaaaa.0p-24f, LG2 = 0xccce13.0p-25f, LG3 = 0x91e9ee.0p-25f, LG4 = 0xf89e26.0p-26f;
    /** Subnormals are scaled by 2²⁵ first. */
    static final float SUBNORMAL_SCALE = 0x1p25f;

    /** ln x, within 0.84 ulp over all floats. */
    static float log(float x) {
        if (x == Float.POSITIVE_INFINITY || x != x) {
            return x;
        }
        if (x < 0) {
            return Float.NaN;
        }
        if (x == 0) {
            return Float.NEGATIVE_INFINITY;
        }
        boolean subnormal = x < Float.MIN_NORMAL;
        float xs = subnormal ? x * SUBNORMAL_SCALE : x;
        int ix = Float.floatToRawIntBits(xs) - SQRT_HALF_BITS;
        float k = (ix >> 23) + (subnormal ? -25 : 0);               // exact
        float f = Float.intBitsToFloat((ix & 0x007fffff) + SQRT_HALF_BITS) - 1;   // m − 1, exact
        float s = f / (2 + f);
        float z = s * s;
        float w = z * z;
        float big = z * Math.fma(w, LG3, LG1) + w * Math.fma(w, LG4, LG2);        // R(z) = z·Lg1 + z²·Lg2 + …
        float hfsq = 0.5f * f * f;
        // ln x = k·ln2 + f − f²/2 + s·(f²/2 + R)
        float y = Math.fma(s, hfsq + big, k * LOG_LN2_LO) - hfsq + f;
        return Math.fma(k, LOG_LN2_HI, y);
    }

    // ---- tanh x = (e^2|x| − 1)/(e^2|x| + 1), with e^2|x| − 1 kept to full relative precision ---------------------

    /** tanh rounds to 1 for |x| ≥ 9.011 (13·ln2); from here on it is exactly ±1 (a contract of the op). */
    static final float TANH_ONE = 9.1f;

    /** tanh x, within 2.42 ulp over all floats: the error of eʸ − 1, of em1 + 2 and of the division add up. */
    static float tanh(float x) {
        float a = Math.min(Math.abs(x), TANH_ONE);                  // NaN stays NaN
        float em1 = expm1NonNegative(2 * a);
        float t = a == TANH_ONE ? 1 : em1 / (em1 + 2);
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & 0x80000000));
    }

    /** eʸ − 1 for 0 ≤ y ≤ 2·TANH_ONE: 2ᵏ·(1 + p) − 1 = fma(2ᵏ, p, 2ᵏ − 1), one rounding; exactly p when k = 0. */
    static float expm1NonNegative(float y) {
        float t = Math.fma(y, LOG2E, ROUND);
        float k = t - ROUND;
        int ki = Float.floatToRawIntBits(t) - ROUND_BITS;
        float r = Math.fma(k, -LN2_HI, y);
        r = Math.fma(k, -LN2_LO, r);
        float p = expm1Reduced(r);
        float twoK = pow2(ki);
        return Math.fma(twoK, p, twoK - 1);
    }

    // ---- σ(x) ---------------------------------------------------------------------------------------------------

    /** σ(x): with e = e^−|x| and r = 1/(1+e), r for x ≥ 0 and e·r for x &lt; 0, so that nothing overflows. */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float r = 1 / (e + 1);
        return x < 0 ? e * r : r;
    }
}
