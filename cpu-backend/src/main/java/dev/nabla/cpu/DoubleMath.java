package dev.nabla.cpu;

/**
 * eˣ, ln x, tanh x and σ(x) on doubles: {@link FloatMath}'s algorithms with float64 constants and polynomials, from
 * operations Java specifies exactly, so that they give the same bits in the interpreter, C1 and C2, on every JDK.
 * {@link VectorDoubleMath} is the lane-wise twin (same operations in the same order). The derived double kernels
 * call these where the float kernels call FloatMath.
 *
 * <p>Accuracy, as the largest difference in ulps from StrictMath (fdlibm, itself within 1 ulp of the exact value)
 * over 2·10⁷ random doubles per function and range ({@code FloatMathSweep}: exp on [−746, 710] and [−1, 1], log on
 * random positive bit patterns and [0.5, 2], tanh on [−25, 25], [−1, 1] and |x| &lt; 2^−10): exp 1 ulp, log 1 ulp,
 * tanh 4 ulp; σ 3 ulp from UnaryOp.sigmoid on [−40, 40]. FloatMathTest asserts these bounds on 3·10⁵ of them at each
 * build. Special values as FloatMath; tanh is exactly ±1 for |x| ≥ {@link #TANH_ONE}.
 */
final class DoubleMath {
    private DoubleMath() {
    }

    // ---- eˣ = 2ᵏ·(1 + p(r)), x = k·ln2 + r, |r| ≤ ln2/2 --------------------------------------------------------------

    /** Below this eˣ rounds to 0 (e^−746 &lt; 2^−1075); above ln(Double.MAX_VALUE) ≈ 709.78 it overflows. */
    static final double EXP_X_MIN = -746, EXP_X_MAX = 710;
    static final double LOG2E = 1.4426950408889634;
    /** fma(x, log2e, 1.5·2⁵²) rounds x·log2e to an integer k (ties to even), held in the low bits of the result. */
    static final double ROUND = 0x1.8p52;
    static final long ROUND_BITS = 0x4338000000000000L;     // Double.doubleToRawLongBits(ROUND)
    /** ln2 = LN2_HI + LN2_LO (fdlibm's split): LN2_HI has 32 significant bits, so k·LN2_HI is exact. */
    static final double LN2_HI = 0x1.62e42feep-1, LN2_LO = 0x1.a39ef35793c76p-33;
    /** Taylor coefficients of (eʳ − 1 − r)/r² = 1/2! + r/3! + … + r¹¹/13!; the first left out, r¹⁴/14!, is 0.02 ulp. */
    static final double[] E = {1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
            1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};
    static final double E2 = E[0], E3 = E[1], E4 = E[2], E5 = E[3], E6 = E[4], E7 = E[5], E8 = E[6], E9 = E[7],
            E10 = E[8], E11 = E[9], E12 = E[10], E13 = E[11];

    /** eˣ (error measured: see the class comment). */
    static double exp(double x) {
        double xc = Math.min(Math.max(x, EXP_X_MIN), EXP_X_MAX);    // NaN stays NaN
        double t = Math.fma(xc, LOG2E, ROUND);
        double k = t - ROUND;
        long ki = Double.doubleToRawLongBits(t) - ROUND_BITS;
        double r = Math.fma(k, -LN2_HI, xc);
        r = Math.fma(k, -LN2_LO, r);
        double e = 1 + expm1Reduced(r);
        long k1 = Double.doubleToRawLongBits(Math.fma(k, 0.5, ROUND)) - ROUND_BITS;   // 2ᵏ = 2^k1 · 2^(k − k1)
        return e * pow2(k1) * pow2(ki - k1);
    }

    /** eʳ − 1 = r + r²·(1/2! + r/3! + … + r¹¹/13!) for |r| ≤ ln2/2, by Horner's rule with fma. */
    static double expm1Reduced(double r) {
        double q = Math.fma(E13, r, E12);
        q = Math.fma(q, r, E11);
        q = Math.fma(q, r, E10);
        q = Math.fma(q, r, E9);
        q = Math.fma(q, r, E8);
        q = Math.fma(q, r, E7);
        q = Math.fma(q, r, E6);
        q = Math.fma(q, r, E5);
        q = Math.fma(q, r, E4);
        q = Math.fma(q, r, E3);
        q = Math.fma(q, r, E2);
        return Math.fma(r * r, q, r);
    }

    /** 2ʲ for −1022 ≤ j ≤ 1023, from its bits. */
    static double pow2(long j) {
        return Double.longBitsToDouble((j + 1023) << 52);
    }

    // ---- ln x (fdlibm's e_log) ----------------------------------------------------------------------------------------

    static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;  // Double.doubleToRawLongBits(√2/2)
    static final double LOG_LN2_HI = 6.93147180369123816490e-01, LOG_LN2_LO = 1.90821492927058770002e-10;
    /** fdlibm's minimax coefficients: |(ln(1+s) − ln(1−s))/s − (2 + s²·Lg(s²))| &lt; 2^−58.45 for |s| ≤ 0.1716. */
    static final double LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01,
            LG3 = 2.857142874366239149e-01, LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01,
            LG6 = 1.531383769920937332e-01, LG7 = 1.479819860511658591e-01;
    static final double SUBNORMAL_SCALE = 0x1p54;

    /** ln x (error measured: see the class comment). */
    static double log(double x) {
        if (x == Double.POSITIVE_INFINITY || x != x) {
            return x;
        }
        if (x < 0) {
            return Double.NaN;
        }
        if (x == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        boolean subnormal = x < Double.MIN_NORMAL;
        double xs = subnormal ? x * SUBNORMAL_SCALE : x;
        long ix = Double.doubleToRawLongBits(xs) - SQRT_HALF_BITS;
        double k = (ix >> 52) + (subnormal ? -54 : 0);              // exact
        double f = Double.longBitsToDouble((ix & 0x000fffffffffffffL) + SQRT_HALF_BITS) - 1;   // m − 1, exact
        double s = f / (2 + f);
        double z = s * s;
        double w = z * z;
        double t1 = w * Math.fma(w, Math.fma(w, LG6, LG4), LG2);
        double t2 = z * Math.fma(w, Math.fma(w, Math.fma(w, LG7, LG5), LG3), LG1);
        double big = t2 + t1;
        double hfsq = 0.5 * f * f;
        // ln x = k·ln2 + f − f²/2 + s·(f²/2 + R)
        double y = Math.fma(s, hfsq + big, k * LOG_LN2_LO) - hfsq + f;
        return Math.fma(k, LOG_LN2_HI, y);
    }

    // ---- tanh x = (e^2|x| − 1)/(e^2|x| + 1) -----------------------------------------------------------------------------

    /** tanh rounds to 1 for |x| ≥ 19.06 (27.5·ln2); from here on it is exactly ±1 (fdlibm's threshold). */
    static final double TANH_ONE = 22;

    /** tanh x (error measured: see the class comment). */
    static double tanh(double x) {
        double a = Math.min(Math.abs(x), TANH_ONE);                 // NaN stays NaN
        double em1 = expm1NonNegative(2 * a);
        double t = a == TANH_ONE ? 1 : em1 / (em1 + 2);
        return Double.longBitsToDouble(Double.doubleToRawLongBits(t) | (Double.doubleToRawLongBits(x) & Long.MIN_VALUE));
    }

    /** eʸ − 1 for 0 ≤ y ≤ 2·TANH_ONE: fma(2ᵏ, p, 2ᵏ − 1), one rounding; exactly p when k = 0. */
    static double expm1NonNegative(double y) {
        double t = Math.fma(y, LOG2E, ROUND);
        double k = t - ROUND;
        long ki = Double.doubleToRawLongBits(t) - ROUND_BITS;
        double r = Math.fma(k, -LN2_HI, y);
        r = Math.fma(k, -LN2_LO, r);
        double p = expm1Reduced(r);
        double twoK = pow2(ki);
        return Math.fma(twoK, p, twoK - 1);
    }

    /** σ(x): with e = e^−|x| and r = 1/(1+e), r for x ≥ 0 and e·r for x &lt; 0, so that nothing overflows. */
    static double sigmoid(double x) {
        double e = exp(-Math.abs(x));
        double r = 1 / (e + 1);
        return x < 0 ? e * r : r;
    }
}
