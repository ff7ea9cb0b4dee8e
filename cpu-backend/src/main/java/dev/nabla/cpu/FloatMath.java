package dev.nabla.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log and tanh on float vectors, and ordered lane sums, built only from IEEE-exact operations (+, ×, fma, ÷,
 * comparisons, bit moves). The Vector API's own EXP/LOG/TANH and reduceLanes(ADD) round one way before C2 compiles
 * them (Java fallbacks) and another way after (SVML stubs, tree reductions), so a run's results would depend on JIT
 * timing; these give the same bits in every tier and on every x86 machine.
 *
 * <p>Range reductions and polynomials after Cephes (S. Moshier): exp by x = n·ln2 + r, |r| ≤ ln2/2, a degree-6
 * polynomial in r and 2ⁿ from the exponent bits; log by x = m·2ᵉ, √½ ≤ m &lt; √2 and a degree-9 polynomial in m − 1;
 * tanh by a polynomial in x² below 0.625 and 1 − 2/(e^{2|x|} + 1) above. Measured against Math.* over 10⁶
 * arguments: see FloatMathTest. The double twin is {@link DoubleMath} (hand-written: its constants differ).
 */
final class FloatMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Above this e^x overflows; below MIN it is 0 (smaller than the least subnormal). */
    private static final float MAX_ARG = 88.72283905206835f;
    private static final float MIN_ARG = -103.972077083991796f;
    /** 1.5·2²³: adding it rounds a float of magnitude &lt; 2²² to an integer held in the low mantissa bits. */
    private static final float SHIFTER = 12582912f;
    private static final int SHIFTER_BITS = Float.floatToRawIntBits(SHIFTER);
    private static final float SQRT_HALF = 0.707106781186547524f;

    private FloatMath() {
    }

    private static FloatVector c(float v) {
        return FloatVector.broadcast(S, v);
    }

    /** e^x. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(MIN_ARG).min(MAX_ARG);
        FloatVector t = xc.fma(c(LOG2E), c(SHIFTER));                 // SHIFTER + round(x·log2 e)
        FloatVector n = t.sub(SHIFTER);                               // the integer n, as a float (exact)
        IntVector ni = t.reinterpretAsInts().sub(SHIFTER_BITS);       // the same n, as an int
        FloatVector r = n.fma(c(-LN2_HI), xc);                        // r = x − n·ln2 in two exact steps
        r = n.fma(c(-LN2_LO), r);
        FloatVector z = r.mul(r);
        FloatVector p = c(1.9875691500E-4f).fma(r, c(1.3981999507E-3f)).fma(r, c(8.3334519073E-3f))
                .fma(r, c(4.1665795894E-2f)).fma(r, c(1.6666665459E-1f)).fma(r, c(5.0000001201E-1f));
        FloatVector y = p.fma(z, r).add(1);                           // e^r = 1 + r + r²·p(r)
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);          // 2ⁿ as 2^(n/2)·2^(n − n/2): no overflow
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        y = y.mul(s1).mul(s2);
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, MAX_ARG));
        y = y.blend(0, x.compare(VectorOperators.LT, MIN_ARG));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** ln x (NaN for x &lt; 0, −∞ at 0, +∞ at +∞). */
    static FloatVector log(FloatVector x) {
        FloatVector zero = FloatVector.zero(S);
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(33554432f), subnormal);       // ×2²⁵ lifts subnormals into the normal range
        IntVector bits = xs.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).and(0xff).sub(126);
        FloatVector fe = ((FloatVector) e.convert(VectorOperators.I2F, 0)).sub(zero.blend(25, subnormal));
        FloatVector m = bits.and(0x807fffff).or(0x3f000000).reinterpretAsFloats();   // x = m·2ᵉ, m in [½, 1)
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        fe = fe.sub(zero.blend(1, low));                              // m < √½: use 2m and e − 1
        FloatVector f = m.add(zero.blend(m, low)).sub(1);             // f in [√½ − 1, √2 − 1)
        FloatVector z = f.mul(f);
        FloatVector p = c(7.0376836292E-2f).fma(f, c(-1.1514610310E-1f)).fma(f, c(1.1676998740E-1f))
                .fma(f, c(-1.2420140846E-1f)).fma(f, c(1.4249322787E-1f)).fma(f, c(-1.6668057665E-1f))
                .fma(f, c(2.0000714765E-1f)).fma(f, c(-2.4999993993E-1f)).fma(f, c(3.3333331174E-1f));
        FloatVector y = p.mul(f).mul(z);                               // ln(1+f) = f − f²/2 + f³·p(f)
        y = fe.fma(c(LN2_LO), y);
        y = z.fma(c(-0.5f), y);
        FloatVector result = fe.fma(c(LN2_HI), f.add(y));              // + e·ln2, in two parts
        result = result.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0));
        result = result.blend(Float.NaN, x.compare(VectorOperators.LT, 0));
        result = result.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return result.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh x. */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);                                      // |x| < 0.625: x + x·z·p(z)
        FloatVector p = c(-5.70498872745E-3f).fma(z, c(2.06390887954E-2f)).fma(z, c(-5.37397155531E-2f))
                .fma(z, c(1.33314422036E-1f)).fma(z, c(-3.33332819422E-1f));
        FloatVector small = p.mul(z).fma(x, x);
        FloatVector e = exp(ax.add(ax));                               // |x| ≥ 0.625: 1 − 2/(e^{2|x|} + 1)
        FloatVector big = c(1).sub(c(2).div(e.add(1)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0));
        return big.blend(small, ax.compare(VectorOperators.LT, 0.625f));
    }

    /** Σ of the lanes in lane order (the same rounding in every JIT tier). */
    static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    /** max of the lanes (NaN if any lane is NaN, as Math.max). */
    static float maxLanes(FloatVector v) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < L; i++) {
            m = Math.max(m, v.lane(i));
        }
        return m;
    }
}
