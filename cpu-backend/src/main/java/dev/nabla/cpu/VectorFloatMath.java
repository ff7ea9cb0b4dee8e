package dev.nabla.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.nabla.cpu.FloatMath.E2;
import static dev.nabla.cpu.FloatMath.E3;
import static dev.nabla.cpu.FloatMath.E4;
import static dev.nabla.cpu.FloatMath.E5;
import static dev.nabla.cpu.FloatMath.E6;
import static dev.nabla.cpu.FloatMath.E7;
import static dev.nabla.cpu.FloatMath.EXP_X_MAX;
import static dev.nabla.cpu.FloatMath.EXP_X_MIN;
import static dev.nabla.cpu.FloatMath.LG1;
import static dev.nabla.cpu.FloatMath.LG2;
import static dev.nabla.cpu.FloatMath.LG3;
import static dev.nabla.cpu.FloatMath.LG4;
import static dev.nabla.cpu.FloatMath.LN2_HI;
import static dev.nabla.cpu.FloatMath.LN2_LO;
import static dev.nabla.cpu.FloatMath.LOG2E;
import static dev.nabla.cpu.FloatMath.LOG_LN2_HI;
import static dev.nabla.cpu.FloatMath.LOG_LN2_LO;
import static dev.nabla.cpu.FloatMath.ROUND;
import static dev.nabla.cpu.FloatMath.ROUND_BITS;
import static dev.nabla.cpu.FloatMath.SQRT_HALF_BITS;
import static dev.nabla.cpu.FloatMath.SUBNORMAL_SCALE;
import static dev.nabla.cpu.FloatMath.TANH_ONE;

/**
 * The lane-wise twin of {@link FloatMath}: each method performs the scalar method's operations in the same order
 * on every lane (branches become blends), so a lane's result has the same bits as the scalar method's, in every
 * JIT tier. Kept in its own class so that the plain path never loads the Vector API. The accuracy is FloatMath's.
 */
final class VectorFloatMath {
    private VectorFloatMath() {
    }

    /** eˣ lane-wise; see {@link FloatMath#exp}. */
    static FloatVector exp(FloatVector x) {
        return expAtMostMax(x.blend(EXP_X_MAX, x.compare(VectorOperators.GT, EXP_X_MAX)));
    }

    /**
     * eˣ for x ≤ EXP_X_MAX (or NaN): {@link #exp} after its upper clamp, which σ's e^−|x| does not need.
     * Math.min(Math.max(x, MIN), MAX) is written as compares and blends: a NaN compares false and stays NaN, and
     * the bounds are not ±0, so the bits are the same, in 4 AVX2 instructions where FloatVector.max/min's rules
     * for ±0 and NaN take 10 (eˣ is σ's and the softmax's cost per element).
     */
    private static FloatVector expAtMostMax(FloatVector x) {
        FloatVector xc = x.blend(EXP_X_MIN, x.compare(VectorOperators.LT, EXP_X_MIN));
        FloatVector t = xc.fma(LOG2E, ROUND);
        FloatVector k = t.sub(ROUND);
        IntVector ki = t.reinterpretAsInts().sub(ROUND_BITS);
        FloatVector r = k.fma(k.broadcast(-LN2_HI), xc);
        r = k.fma(k.broadcast(-LN2_LO), r);
        FloatVector e = expm1Reduced(r).add(1);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        return e.mul(pow2(k1)).mul(pow2(ki.sub(k1)));
    }

    /** eʳ − 1 for |r| ≤ ln2/2; see {@link FloatMath#expm1Reduced}. */
    private static FloatVector expm1Reduced(FloatVector r) {
        FloatVector q = r.fma(E7, E6);                    // E7·r + E6, as Math.fma(E7, r, E6)
        q = q.fma(r, q.broadcast(E5));
        q = q.fma(r, q.broadcast(E4));
        q = q.fma(r, q.broadcast(E3));
        q = q.fma(r, q.broadcast(E2));
        return r.mul(r).fma(q, r);
    }

    /** 2ʲ for −126 ≤ j ≤ 127, from its bits. */
    private static FloatVector pow2(IntVector j) {
        return j.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** ln x lane-wise; see {@link FloatMath#log}. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(SUBNORMAL_SCALE), subnormal);
        IntVector ix = xs.reinterpretAsInts().sub(SQRT_HALF_BITS);
        // k as a float: an integer |k| < 2²² plus ROUND has k in its low bits, so ROUND's bits + k, less ROUND, is k
        FloatVector k = ix.lanewise(VectorOperators.ASHR, 23).add(ROUND_BITS).reinterpretAsFloats().sub(ROUND)
                .add(x.broadcast(0).blend(-25, subnormal));
        FloatVector f = ix.and(0x007fffff).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1);
        FloatVector s = f.div(f.add(2));
        FloatVector z = s.mul(s);
        FloatVector w = z.mul(z);
        FloatVector big = z.mul(w.fma(LG3, LG1)).add(w.mul(w.fma(LG4, LG2)));
        FloatVector hfsq = f.mul(0.5f).mul(f);
        FloatVector y = s.fma(hfsq.add(big), k.mul(LOG_LN2_LO)).sub(hfsq).add(f);
        y = k.fma(k.broadcast(LOG_LN2_HI), y);
        y = y.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY).or(x.compare(VectorOperators.NE, x)));
        y = y.blend(Float.NaN, x.compare(VectorOperators.LT, 0));
        return y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0));
    }

    /** tanh x lane-wise; see {@link FloatMath#tanh}. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        a = a.blend(TANH_ONE, a.compare(VectorOperators.GT, TANH_ONE));        // min(|x|, TANH_ONE); NaN stays NaN
        FloatVector em1 = expm1NonNegative(a.mul(2));
        FloatVector t = em1.div(em1.add(2)).blend(1, a.compare(VectorOperators.EQ, TANH_ONE));
        IntVector sign = x.reinterpretAsInts().and(0x80000000);
        return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** eʸ − 1 for 0 ≤ y ≤ 2·TANH_ONE; see {@link FloatMath#expm1NonNegative}. */
    private static FloatVector expm1NonNegative(FloatVector y) {
        FloatVector t = y.fma(LOG2E, ROUND);
        FloatVector k = t.sub(ROUND);
        IntVector ki = t.reinterpretAsInts().sub(ROUND_BITS);
        FloatVector r = k.fma(k.broadcast(-LN2_HI), y);
        r = k.fma(k.broadcast(-LN2_LO), r);
        FloatVector p = expm1Reduced(r);
        FloatVector twoK = pow2(ki);
        return twoK.fma(p, twoK.sub(1));
    }

    /** σ(x) lane-wise; see {@link FloatMath#sigmoid}. */
    static FloatVector sigmoid(FloatVector x) {
        return sigmoidFromExpNegAbs(x, expNegAbs(x));
    }

    /**
     * e^−|x| lane-wise: σ's first half. The cpu kernels run σ's halves as two loops over a tile: one loop holding
     * all of σ grew past the size at which JDK 17's C2 sometimes left its final store as a call and boxed every
     * vector (see VectorFloatKernels#sigmoidRange).
     */
    static FloatVector expNegAbs(FloatVector x) {
        return expAtMostMax(x.reinterpretAsInts().or(0x80000000).reinterpretAsFloats());
    }

    /** σ(x) from e = {@link #expNegAbs}(x): 1/(1 + e), or e/(1 + e) for x < 0, in FloatMath's order. */
    static FloatVector sigmoidFromExpNegAbs(FloatVector x, FloatVector e) {
        FloatVector r = x.broadcast(1).div(e.add(1));
        return r.blend(e.mul(r), x.compare(VectorOperators.LT, 0));
    }
}
