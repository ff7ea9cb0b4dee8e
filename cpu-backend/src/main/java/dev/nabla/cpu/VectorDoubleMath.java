package dev.nabla.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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

    /** The species of every caller's vectors (the cpu path's preferred one): the constants below are of it. */
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    // every scalar operand as a vector, made once: see VectorFloatMath (inlined broadcasts and JDK 17's C2)
    private static final DoubleVector V_EXP_X_MIN = DoubleVector.broadcast(S, EXP_X_MIN);
    private static final DoubleVector V_EXP_X_MAX = DoubleVector.broadcast(S, EXP_X_MAX);
    private static final DoubleVector V_LOG2E = DoubleVector.broadcast(S, LOG2E);
    private static final DoubleVector V_ROUND = DoubleVector.broadcast(S, ROUND);
    private static final DoubleVector V_E2 = DoubleVector.broadcast(S, E2);
    private static final DoubleVector V_E3 = DoubleVector.broadcast(S, E3);
    private static final DoubleVector V_E4 = DoubleVector.broadcast(S, E4);
    private static final DoubleVector V_E5 = DoubleVector.broadcast(S, E5);
    private static final DoubleVector V_E6 = DoubleVector.broadcast(S, E6);
    private static final DoubleVector V_E7 = DoubleVector.broadcast(S, E7);
    private static final DoubleVector V_E8 = DoubleVector.broadcast(S, E8);
    private static final DoubleVector V_E9 = DoubleVector.broadcast(S, E9);
    private static final DoubleVector V_E10 = DoubleVector.broadcast(S, E10);
    private static final DoubleVector V_E11 = DoubleVector.broadcast(S, E11);
    private static final DoubleVector V_E12 = DoubleVector.broadcast(S, E12);
    private static final DoubleVector V_E13 = DoubleVector.broadcast(S, E13);
    private static final DoubleVector V_LG1 = DoubleVector.broadcast(S, LG1);
    private static final DoubleVector V_LG2 = DoubleVector.broadcast(S, LG2);
    private static final DoubleVector V_LG3 = DoubleVector.broadcast(S, LG3);
    private static final DoubleVector V_LG4 = DoubleVector.broadcast(S, LG4);
    private static final DoubleVector V_LG5 = DoubleVector.broadcast(S, LG5);
    private static final DoubleVector V_LG6 = DoubleVector.broadcast(S, LG6);
    private static final DoubleVector V_LG7 = DoubleVector.broadcast(S, LG7);
    private static final DoubleVector V_LOG_LN2_HI = DoubleVector.broadcast(S, LOG_LN2_HI);
    private static final DoubleVector V_LOG_LN2_LO = DoubleVector.broadcast(S, LOG_LN2_LO);
    private static final DoubleVector V_SUBNORMAL_SCALE = DoubleVector.broadcast(S, SUBNORMAL_SCALE);
    private static final DoubleVector V_TANH_ONE = DoubleVector.broadcast(S, TANH_ONE);
    private static final DoubleVector V_NEG_LN2_HI = DoubleVector.broadcast(S, -LN2_HI);
    private static final DoubleVector V_NEG_LN2_LO = DoubleVector.broadcast(S, -LN2_LO);
    private static final DoubleVector V_ZERO = DoubleVector.zero(S);
    private static final DoubleVector V_HALF = DoubleVector.broadcast(S, 0.5);
    private static final DoubleVector V_ONE = DoubleVector.broadcast(S, 1);
    private static final DoubleVector V_TWO = DoubleVector.broadcast(S, 2);
    private static final DoubleVector V_1024 = DoubleVector.broadcast(S, 1024);
    private static final DoubleVector V_MINUS_54 = DoubleVector.broadcast(S, -54);
    private static final DoubleVector V_MIN_NORMAL = DoubleVector.broadcast(S, Double.MIN_NORMAL);
    private static final DoubleVector V_INF = DoubleVector.broadcast(S, Double.POSITIVE_INFINITY);
    private static final DoubleVector V_NEG_INF = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
    private static final DoubleVector V_NAN = DoubleVector.broadcast(S, Double.NaN);
    private static final LongVector V_ROUND_BITS = longs(ROUND_BITS);
    private static final LongVector V_SQRT_HALF_BITS = longs(SQRT_HALF_BITS);
    private static final LongVector V_MANTISSA = longs(0x000fffffffffffffL);
    private static final LongVector V_1023 = longs(1023);
    private static final LongVector V_2_62 = longs(1L << 62);
    private static final LongVector V_SIGN = longs(Long.MIN_VALUE);

    private static LongVector longs(long v) {
        return LongVector.broadcast(S.vectorShape().withLanes(long.class), v);
    }

    /** eˣ lane-wise; see {@link DoubleMath#exp}. */
    static DoubleVector exp(DoubleVector x) {
        return expAtMostMax(x.blend(V_EXP_X_MAX, x.compare(VectorOperators.GT, V_EXP_X_MAX)));
    }

    /** eˣ for x ≤ EXP_X_MAX (or NaN), after exp's upper clamp; the clamps are compares and blends: see VectorFloatMath. */
    private static DoubleVector expAtMostMax(DoubleVector x) {
        DoubleVector xc = x.blend(V_EXP_X_MIN, x.compare(VectorOperators.LT, V_EXP_X_MIN));
        DoubleVector t = xc.fma(V_LOG2E, V_ROUND);
        DoubleVector k = t.sub(V_ROUND);
        LongVector ki = t.reinterpretAsLongs().sub(V_ROUND_BITS);
        DoubleVector r = k.fma(V_NEG_LN2_HI, xc);
        r = k.fma(V_NEG_LN2_LO, r);
        DoubleVector e = expm1Reduced(r).add(V_ONE);
        LongVector k1 = k.fma(V_HALF, V_ROUND).reinterpretAsLongs().sub(V_ROUND_BITS);
        // pow2 written out: a loop calling exp is near C2's NodeCountInliningCutoff by now, past which C2 stops
        // inlining methods of ours, and a call taking or returning a vector boxes it (σ's loop did, 128 KiB a call)
        DoubleVector p1 = k1.add(V_1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector p2 = ki.sub(k1).add(V_1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return e.mul(p1).mul(p2);
    }

    /** eʳ − 1 for |r| ≤ ln2/2; see {@link DoubleMath#expm1Reduced}. */
    private static DoubleVector expm1Reduced(DoubleVector r) {
        DoubleVector q = r.fma(V_E13, V_E12);
        q = q.fma(r, V_E11);
        q = q.fma(r, V_E10);
        q = q.fma(r, V_E9);
        q = q.fma(r, V_E8);
        q = q.fma(r, V_E7);
        q = q.fma(r, V_E6);
        q = q.fma(r, V_E5);
        q = q.fma(r, V_E4);
        q = q.fma(r, V_E3);
        q = q.fma(r, V_E2);
        return r.mul(r).fma(q, r);
    }

    /** 2ʲ for −1022 ≤ j ≤ 1023, from its bits. */
    private static DoubleVector pow2(LongVector j) {
        return j.add(V_1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    }

    /** ln x lane-wise; see {@link DoubleMath#log}. */
    static DoubleVector log(DoubleVector x) {
        VectorMask<Double> subnormal = x.compare(VectorOperators.LT, V_MIN_NORMAL);
        DoubleVector xs = x.blend(x.mul(V_SUBNORMAL_SCALE), subnormal);
        LongVector ix = xs.reinterpretAsLongs().sub(V_SQRT_HALF_BITS);
        DoubleVector k = logExponent(ix, x, subnormal);
        DoubleVector f = ix.and(V_MANTISSA).add(V_SQRT_HALF_BITS).reinterpretAsDoubles().sub(V_ONE);
        DoubleVector s = f.div(f.add(V_TWO));
        DoubleVector z = s.mul(s);
        DoubleVector w = z.mul(z);
        DoubleVector t1 = w.mul(w.fma(w.fma(V_LG6, V_LG4), V_LG2));
        DoubleVector t2 = z.mul(w.fma(w.fma(w.fma(V_LG7, V_LG5), V_LG3), V_LG1));
        DoubleVector big = t2.add(t1);
        DoubleVector hfsq = f.mul(V_HALF).mul(f);
        DoubleVector y = s.fma(hfsq.add(big), k.mul(V_LOG_LN2_LO)).sub(hfsq).add(f);
        y = k.fma(V_LOG_LN2_HI, y);
        y = y.blend(x, x.compare(VectorOperators.EQ, V_INF).or(x.compare(VectorOperators.NE, x)));
        y = y.blend(V_NAN, x.compare(VectorOperators.LT, V_ZERO));
        return y.blend(V_NEG_INF, x.compare(VectorOperators.EQ, V_ZERO));
    }

    /**
     * log's k, as a double, from ix = the bits of x (scaled if subnormal) less those of √½. A method of its own
     * only so that log stays under C2's FreqInlineSize (325 bytecodes): a loop calling a log C2 does not inline
     * boxes a vector per step.
     */
    private static DoubleVector logExponent(LongVector ix, DoubleVector x, VectorMask<Double> subnormal) {
        // k = ix >> 52 without an arithmetic shift: for |ix| < 2⁶³, (ix + 2⁶²) >>> 52 is k + 1024 (unsigned);
        // as a double: an integer |k| < 2⁵¹ plus ROUND has it in its low bits, so ROUND's bits + k, less ROUND, is k
        return ix.add(V_2_62).lanewise(VectorOperators.LSHR, 52).add(V_ROUND_BITS).reinterpretAsDoubles()
                .sub(V_ROUND).sub(V_1024).add(V_ZERO.blend(V_MINUS_54, subnormal));
    }

    /** tanh x lane-wise; see {@link DoubleMath#tanh}. */
    static DoubleVector tanh(DoubleVector x) {
        DoubleVector a = x.abs();
        a = a.blend(V_TANH_ONE, a.compare(VectorOperators.GT, V_TANH_ONE));    // min(|x|, TANH_ONE); NaN stays NaN
        DoubleVector em1 = expm1NonNegative(a.mul(V_TWO));
        DoubleVector t = em1.div(em1.add(V_TWO)).blend(V_ONE, a.compare(VectorOperators.EQ, V_TANH_ONE));
        LongVector sign = x.reinterpretAsLongs().and(V_SIGN);
        return t.reinterpretAsLongs().or(sign).reinterpretAsDoubles();
    }

    /** eʸ − 1 for 0 ≤ y ≤ 2·TANH_ONE; see {@link DoubleMath#expm1NonNegative}. */
    private static DoubleVector expm1NonNegative(DoubleVector y) {
        DoubleVector t = y.fma(V_LOG2E, V_ROUND);
        DoubleVector k = t.sub(V_ROUND);
        LongVector ki = t.reinterpretAsLongs().sub(V_ROUND_BITS);
        DoubleVector r = k.fma(V_NEG_LN2_HI, y);
        r = k.fma(V_NEG_LN2_LO, r);
        DoubleVector p = expm1Reduced(r);
        DoubleVector twoK = pow2(ki);
        return twoK.fma(p, twoK.sub(V_ONE));
    }

    /** σ(x) lane-wise; see {@link DoubleMath#sigmoid}. */
    static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector e = expAtMostMax(x.reinterpretAsLongs().or(V_SIGN).reinterpretAsDoubles());   // e^−|x|
        DoubleVector r = V_ONE.div(e.add(V_ONE));
        return r.blend(e.mul(r), x.compare(VectorOperators.LT, V_ZERO));
    }
}
