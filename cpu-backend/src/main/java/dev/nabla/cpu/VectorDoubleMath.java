package dev.nabla.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.nabla.cpu.DoubleMath.E10;
import static dev.nabla.cpu.DoubleMath.E11;
import static dev.nabla.cpu.DoubleMath.E12;
import static dev.nabla.cpu.DoubleMath.E13;
import static dev.nabla.cpu.DoubleMath.E2;
import static dev.nabla.cpu.DoubleMath.E3;
import static dev.nabla.cpu.DoubleMath.E4;
import static dev.nabla.cpu.DoubleMath.E5;
import static dev.nabla.cpu.DoubleMath.E6;
import static dev.nabla.cpu.DoubleMath.E7;
import static dev.nabla.cpu.DoubleMath.E8;
import static dev.nabla.cpu.DoubleMath.E9;
import static dev.nabla.cpu.DoubleMath.EXP_X_MAX;
import static dev.nabla.cpu.DoubleMath.EXP_X_MIN;
import static dev.nabla.cpu.DoubleMath.LG1;
import static dev.nabla.cpu.DoubleMath.LG2;
import static dev.nabla.cpu.DoubleMath.LG3;
import static dev.nabla.cpu.DoubleMath.LG4;
import static dev.nabla.cpu.DoubleMath.LG5;
import static dev.nabla.cpu.DoubleMath.LG6;
import static dev.nabla.cpu.DoubleMath.LG7;
import static dev.nabla.cpu.DoubleMath.LN2_HI;
import static dev.nabla.cpu.DoubleMath.LN2_LO;
import static dev.nabla.cpu.DoubleMath.LOG2E;
import static dev.nabla.cpu.DoubleMath.LOG_LN2_HI;
import static dev.nabla.cpu.DoubleMath.LOG_LN2_LO;
import static dev.nabla.cpu.DoubleMath.ROUND;
import static dev.nabla.cpu.DoubleMath.ROUND_BITS;
import static dev.nabla.cpu.DoubleMath.SQRT_HALF_BITS;
import static dev.nabla.cpu.DoubleMath.SUBNORMAL_SCALE;
import static dev.nabla.cpu.DoubleMath.TANH_ONE;

/**
 * The lane-wise twin of {@link DoubleMath}: each method performs the scalar method's operations in the same order
 * on every lane (branches become blends), so a lane's result has the same bits as the scalar method's, in every
 * JIT tier. Only shifts AVX2 has for 64-bit lanes are used (left and logical right; no arithmetic right shift).
 */
final class VectorDoubleMath {
    private VectorDoubleMath() {
    }

    /** eˣ lane-wise; see {@link DoubleMath#exp}. */
    static DoubleVector exp(DoubleVector x) {
        return expAtMostMax(x.blend(EXP_X_MAX, x.compare(VectorOperators.GT, EXP_X_MAX)));
    }

    /** eˣ for x ≤ EXP_X_MAX (or NaN), after exp's upper clamp; the clamps are compares and blends: see VectorFloatMath. */
    private static DoubleVector expAtMostMax(DoubleVector x) {
        DoubleVector xc = x.blend(EXP_X_MIN, x.compare(VectorOperators.LT, EXP_X_MIN));
        DoubleVector t = xc.fma(LOG2E, ROUND);
        DoubleVector k = t.sub(ROUND);
        LongVector ki = t.reinterpretAsLongs().sub(ROUND_BITS);
        DoubleVector r = k.fma(k.broadcast(-LN2_HI), xc);
        r = k.fma(k.broadcast(-LN2_LO), r);
        DoubleVector e = expm1Reduced(r).add(1);
        LongVector k1 = k.fma(0.5, ROUND).reinterpretAsLongs().sub(ROUND_BITS);
        // pow2 written out: a loop calling exp is near C2's NodeCountInliningCutoff by now, past which C2 stops
        // inlining methods of ours, and a call taking or returning a vector boxes it (σ's loop did, 128 KiB a call)
        DoubleVector p1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector p2 = ki.sub(k1).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return e.mul(p1).mul(p2);
    }

    /** eʳ − 1 for |r| ≤ ln2/2; see {@link DoubleMath#expm1Reduced}. */
    private static DoubleVector expm1Reduced(DoubleVector r) {
        DoubleVector q = r.fma(E13, E12);
        q = q.fma(r, q.broadcast(E11));
        q = q.fma(r, q.broadcast(E10));
        q = q.fma(r, q.broadcast(E9));
        q = q.fma(r, q.broadcast(E8));
        q = q.fma(r, q.broadcast(E7));
        q = q.fma(r, q.broadcast(E6));
        q = q.fma(r, q.broadcast(E5));
        q = q.fma(r, q.broadcast(E4));
        q = q.fma(r, q.broadcast(E3));
        q = q.fma(r, q.broadcast(E2));
        return r.mul(r).fma(q, r);
    }

    /** 2ʲ for −1022 ≤ j ≤ 1023, from its bits. */
    private static DoubleVector pow2(LongVector j) {
        return j.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    }

    /** ln x lane-wise; see {@link DoubleMath#log}. */
    static DoubleVector log(DoubleVector x) {
        VectorMask<Double> subnormal = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
        DoubleVector xs = x.blend(x.mul(SUBNORMAL_SCALE), subnormal);
        LongVector ix = xs.reinterpretAsLongs().sub(SQRT_HALF_BITS);
        DoubleVector k = logExponent(ix, x, subnormal);
        DoubleVector f = ix.and(0x000fffffffffffffL).add(SQRT_HALF_BITS).reinterpretAsDoubles().sub(1);
        DoubleVector s = f.div(f.add(2));
        DoubleVector z = s.mul(s);
        DoubleVector w = z.mul(z);
        DoubleVector t1 = w.mul(w.fma(w.fma(LG6, LG4), w.broadcast(LG2)));
        DoubleVector t2 = z.mul(w.fma(w.fma(w.fma(LG7, LG5), w.broadcast(LG3)), w.broadcast(LG1)));
        DoubleVector big = t2.add(t1);
        DoubleVector hfsq = f.mul(0.5).mul(f);
        DoubleVector y = s.fma(hfsq.add(big), k.mul(LOG_LN2_LO)).sub(hfsq).add(f);
        y = k.fma(k.broadcast(LOG_LN2_HI), y);
        y = y.blend(x, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY).or(x.compare(VectorOperators.NE, x)));
        y = y.blend(Double.NaN, x.compare(VectorOperators.LT, 0));
        return y.blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0));
    }

    /**
     * log's k, as a double, from ix = the bits of x (scaled if subnormal) less those of √½. A method of its own
     * only so that log stays under C2's FreqInlineSize (325 bytecodes): a loop calling a log C2 does not inline
     * boxes a vector per step.
     */
    private static DoubleVector logExponent(LongVector ix, DoubleVector x, VectorMask<Double> subnormal) {
        // k = ix >> 52 without an arithmetic shift: for |ix| < 2⁶³, (ix + 2⁶²) >>> 52 is k + 1024 (unsigned);
        // as a double: an integer |k| < 2⁵¹ plus ROUND has it in its low bits, so ROUND's bits + k, less ROUND, is k
        return ix.add(1L << 62).lanewise(VectorOperators.LSHR, 52).add(ROUND_BITS).reinterpretAsDoubles()
                .sub(ROUND).sub(1024).add(x.broadcast(0).blend(-54, subnormal));
    }

    /** tanh x lane-wise; see {@link DoubleMath#tanh}. */
    static DoubleVector tanh(DoubleVector x) {
        DoubleVector a = x.abs();
        a = a.blend(TANH_ONE, a.compare(VectorOperators.GT, TANH_ONE));        // min(|x|, TANH_ONE); NaN stays NaN
        DoubleVector em1 = expm1NonNegative(a.mul(2));
        DoubleVector t = em1.div(em1.add(2)).blend(1, a.compare(VectorOperators.EQ, TANH_ONE));
        LongVector sign = x.reinterpretAsLongs().and(Long.MIN_VALUE);
        return t.reinterpretAsLongs().or(sign).reinterpretAsDoubles();
    }

    /** eʸ − 1 for 0 ≤ y ≤ 2·TANH_ONE; see {@link DoubleMath#expm1NonNegative}. */
    private static DoubleVector expm1NonNegative(DoubleVector y) {
        DoubleVector t = y.fma(LOG2E, ROUND);
        DoubleVector k = t.sub(ROUND);
        LongVector ki = t.reinterpretAsLongs().sub(ROUND_BITS);
        DoubleVector r = k.fma(k.broadcast(-LN2_HI), y);
        r = k.fma(k.broadcast(-LN2_LO), r);
        DoubleVector p = expm1Reduced(r);
        DoubleVector twoK = pow2(ki);
        return twoK.fma(p, twoK.sub(1));
    }

    /** σ(x) lane-wise; see {@link DoubleMath#sigmoid}. */
    static DoubleVector sigmoid(DoubleVector x) {
        return sigmoidFromExpNegAbs(x, expNegAbs(x));
    }

    /**
     * e^−|x| lane-wise: σ's first half. The cpu kernels run σ's halves as two loops over a tile: one loop holding
     * all of σ grew past the size at which JDK 17's C2 sometimes left its final store as a call and boxed every
     * vector (see VectorFloatKernels#sigmoidRange).
     */
    static DoubleVector expNegAbs(DoubleVector x) {
        return expAtMostMax(x.reinterpretAsLongs().or(Long.MIN_VALUE).reinterpretAsDoubles());
    }

    /** σ(x) from e = {@link #expNegAbs}(x): 1/(1 + e), or e/(1 + e) for x < 0, in DoubleMath's order. */
    static DoubleVector sigmoidFromExpNegAbs(DoubleVector x, DoubleVector e) {
        DoubleVector r = x.broadcast(1).div(e.add(1));
        return r.blend(e.mul(r), x.compare(VectorOperators.LT, 0));
    }
}
