package dev.nabla.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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

    /** The species of every caller's vectors (the cpu path's preferred one): the constants below are of it. */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /*
     * Every scalar operand as a vector, made once. An op with a scalar operand (v.add(1f), v.fma(a, b)) broadcasts it
     * inside, and C2 inlines that broadcast's dozen methods at every use. Those inlined bytecodes took a σ loop (about
     * 1,000 inlined methods) past the size at which JDK 17's C2 stops inlining at parse time: in most JVMs of a
     * 1024-wide sigmoid training step its final intoArray was then left as a call ("missing constant:
     * vclass=DecodeN" under -XX:+PrintIntrinsics), and every vector of σ was boxed, 3–4 MB a step. With these
     * constants 11 of 11 JVMs allocated 6 KB a step (docs/performance.md). The bits are the same: same operations,
     * same operands.
     */
    private static final FloatVector V_EXP_X_MIN = FloatVector.broadcast(S, EXP_X_MIN);
    private static final FloatVector V_EXP_X_MAX = FloatVector.broadcast(S, EXP_X_MAX);
    private static final FloatVector V_LOG2E = FloatVector.broadcast(S, LOG2E);
    private static final FloatVector V_ROUND = FloatVector.broadcast(S, ROUND);
    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector V_E2 = FloatVector.broadcast(S, E2);
    private static final FloatVector V_E3 = FloatVector.broadcast(S, E3);
    private static final FloatVector V_E4 = FloatVector.broadcast(S, E4);
    private static final FloatVector V_E5 = FloatVector.broadcast(S, E5);
    private static final FloatVector V_E6 = FloatVector.broadcast(S, E6);
    private static final FloatVector V_E7 = FloatVector.broadcast(S, E7);
    private static final FloatVector V_ZERO = FloatVector.zero(S);
    private static final FloatVector V_ONE = FloatVector.broadcast(S, 1);
    private static final FloatVector V_TWO = FloatVector.broadcast(S, 2);
    private static final FloatVector V_HALF = FloatVector.broadcast(S, 0.5f);
    private static final FloatVector V_TANH_ONE = FloatVector.broadcast(S, TANH_ONE);
    private static final FloatVector V_MIN_NORMAL = FloatVector.broadcast(S, Float.MIN_NORMAL);
    private static final FloatVector V_SUBNORMAL_SCALE = FloatVector.broadcast(S, SUBNORMAL_SCALE);
    private static final FloatVector V_MINUS_25 = FloatVector.broadcast(S, -25);
    private static final FloatVector V_LG1 = FloatVector.broadcast(S, LG1);
    private static final FloatVector V_LG2 = FloatVector.broadcast(S, LG2);
    private static final FloatVector V_LG3 = FloatVector.broadcast(S, LG3);
    private static final FloatVector V_LG4 = FloatVector.broadcast(S, LG4);
    private static final FloatVector V_LOG_LN2_HI = FloatVector.broadcast(S, LOG_LN2_HI);
    private static final FloatVector V_LOG_LN2_LO = FloatVector.broadcast(S, LOG_LN2_LO);
    private static final FloatVector V_INF = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
    private static final FloatVector V_NEG_INF = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    private static final FloatVector V_NAN = FloatVector.broadcast(S, Float.NaN);
    private static final IntVector V_ROUND_BITS = ints(ROUND_BITS);
    private static final IntVector V_SQRT_HALF_BITS = ints(SQRT_HALF_BITS);
    private static final IntVector V_MANTISSA = ints(0x007fffff);
    private static final IntVector V_127 = ints(127);
    private static final IntVector V_SIGN = ints(0x80000000);

    private static IntVector ints(int v) {
        return IntVector.broadcast(S.vectorShape().withLanes(int.class), v);
    }

    /** eˣ lane-wise; see {@link FloatMath#exp}. */
    static FloatVector exp(FloatVector x) {
        return expAtMostMax(x.blend(V_EXP_X_MAX, x.compare(VectorOperators.GT, V_EXP_X_MAX)));
    }

    /**
     * eˣ for x ≤ EXP_X_MAX (or NaN): {@link #exp} after its upper clamp, which σ's e^−|x| does not need.
     * Math.min(Math.max(x, MIN), MAX) is written as compares and blends: a NaN compares false and stays NaN, and
     * the bounds are not ±0, so the bits are the same, in 4 AVX2 instructions where FloatVector.max/min's rules
     * for ±0 and NaN take 10 (eˣ is σ's and the softmax's cost per element).
     */
    private static FloatVector expAtMostMax(FloatVector x) {
        FloatVector xc = x.blend(V_EXP_X_MIN, x.compare(VectorOperators.LT, V_EXP_X_MIN));
        FloatVector t = xc.fma(V_LOG2E, V_ROUND);
        FloatVector k = t.sub(V_ROUND);
        IntVector ki = t.reinterpretAsInts().sub(V_ROUND_BITS);
        FloatVector r = k.fma(V_NEG_LN2_HI, xc);
        r = k.fma(V_NEG_LN2_LO, r);
        FloatVector e = expm1Reduced(r).add(V_ONE);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        return e.mul(pow2(k1)).mul(pow2(ki.sub(k1)));
    }

    /** eʳ − 1 for |r| ≤ ln2/2; see {@link FloatMath#expm1Reduced}. */
    private static FloatVector expm1Reduced(FloatVector r) {
        FloatVector q = r.fma(V_E7, V_E6);                // E7·r + E6, as Math.fma(E7, r, E6)
        q = q.fma(r, V_E5);
        q = q.fma(r, V_E4);
        q = q.fma(r, V_E3);
        q = q.fma(r, V_E2);
        return r.mul(r).fma(q, r);
    }

    /** 2ʲ for −126 ≤ j ≤ 127, from its bits. */
    private static FloatVector pow2(IntVector j) {
        return j.add(V_127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** ln x lane-wise; see {@link FloatMath#log}. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, V_MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(V_SUBNORMAL_SCALE), subnormal);
        IntVector ix = xs.reinterpretAsInts().sub(V_SQRT_HALF_BITS);
        // k as a float: an integer |k| < 2²² plus ROUND has k in its low bits, so ROUND's bits + k, less ROUND, is k
        FloatVector k = ix.lanewise(VectorOperators.ASHR, 23).add(V_ROUND_BITS).reinterpretAsFloats().sub(V_ROUND)
                .add(V_ZERO.blend(V_MINUS_25, subnormal));
        FloatVector f = ix.and(V_MANTISSA).add(V_SQRT_HALF_BITS).reinterpretAsFloats().sub(V_ONE);
        FloatVector s = f.div(f.add(V_TWO));
        FloatVector z = s.mul(s);
        FloatVector w = z.mul(z);
        FloatVector big = z.mul(w.fma(V_LG3, V_LG1)).add(w.mul(w.fma(V_LG4, V_LG2)));
        FloatVector hfsq = f.mul(V_HALF).mul(f);
        FloatVector y = s.fma(hfsq.add(big), k.mul(V_LOG_LN2_LO)).sub(hfsq).add(f);
        y = k.fma(V_LOG_LN2_HI, y);
        y = y.blend(x, x.compare(VectorOperators.EQ, V_INF).or(x.compare(VectorOperators.NE, x)));
        y = y.blend(V_NAN, x.compare(VectorOperators.LT, V_ZERO));
        return y.blend(V_NEG_INF, x.compare(VectorOperators.EQ, V_ZERO));
    }

    /** tanh x lane-wise; see {@link FloatMath#tanh}. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        a = a.blend(V_TANH_ONE, a.compare(VectorOperators.GT, V_TANH_ONE));    // min(|x|, TANH_ONE); NaN stays NaN
        FloatVector em1 = expm1NonNegative(a.mul(V_TWO));
        FloatVector t = em1.div(em1.add(V_TWO)).blend(V_ONE, a.compare(VectorOperators.EQ, V_TANH_ONE));
        IntVector sign = x.reinterpretAsInts().and(V_SIGN);
        return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** eʸ − 1 for 0 ≤ y ≤ 2·TANH_ONE; see {@link FloatMath#expm1NonNegative}. */
    private static FloatVector expm1NonNegative(FloatVector y) {
        FloatVector t = y.fma(V_LOG2E, V_ROUND);
        FloatVector k = t.sub(V_ROUND);
        IntVector ki = t.reinterpretAsInts().sub(V_ROUND_BITS);
        FloatVector r = k.fma(V_NEG_LN2_HI, y);
        r = k.fma(V_NEG_LN2_LO, r);
        FloatVector p = expm1Reduced(r);
        FloatVector twoK = pow2(ki);
        return twoK.fma(p, twoK.sub(V_ONE));
    }

    /** σ(x) lane-wise; see {@link FloatMath#sigmoid}. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = expAtMostMax(x.reinterpretAsInts().or(V_SIGN).reinterpretAsFloats());   // e^−|x|
        FloatVector r = V_ONE.div(e.add(V_ONE));
        return r.blend(e.mul(r), x.compare(VectorOperators.LT, V_ZERO));
    }
}
