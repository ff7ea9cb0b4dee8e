package dev.nabla.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double twin of {@link FloatMath}: exp, log and tanh on double vectors from IEEE-exact operations only, so
 * every JIT tier gives the same bits. After Cephes' double versions: exp by x = n·ln2 + r and the Padé form
 * e^r = 1 + 2r·P(r²)/(Q(r²) − r·P(r²)); log by x = m·2ᵉ and ln(1+f) = f − f²/2 + f³·P(f)/Q(f); tanh by
 * x + x³·P(x²)/Q(x²) below 0.625 and 1 − 2/(e^{2|x|} + 1) above. Measured against Math.* in DoubleMathTest.
 */
final class DoubleMath {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private static final double LOG2E = 1.4426950408889634073599;
    private static final double LN2_HI = 6.93145751953125E-1;
    private static final double LN2_LO = 1.42860682030941723212E-6;
    private static final double MAX_ARG = 7.09782712893383996843E2;
    private static final double MIN_ARG = -7.451332191019412076235E2;
    /** 1.5·2⁵²: adding it rounds a double of magnitude &lt; 2⁵¹ to an integer held in the low mantissa bits. */
    private static final double SHIFTER = 6755399441055744.0;
    private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
    private static final double SQRT_HALF = 0.70710678118654752440;

    private DoubleMath() {
    }

    private static DoubleVector c(double v) {
        return DoubleVector.broadcast(S, v);
    }

    /** e^x. */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector xc = x.max(MIN_ARG).min(MAX_ARG);
        DoubleVector t = xc.fma(c(LOG2E), c(SHIFTER));
        DoubleVector n = t.sub(SHIFTER);
        LongVector ni = t.reinterpretAsLongs().sub(SHIFTER_BITS);
        DoubleVector r = n.fma(c(-LN2_HI), xc);
        r = n.fma(c(-LN2_LO), r);
        DoubleVector rr = r.mul(r);
        DoubleVector px = c(1.26177193074810590878E-4).fma(rr, c(3.02994407707441961300E-2))
                .fma(rr, c(9.99999999999999999910E-1)).mul(r);
        DoubleVector qx = c(3.00198505138664455042E-6).fma(rr, c(2.52448340349684104192E-3))
                .fma(rr, c(2.27265548208155028766E-1)).fma(rr, c(2.00000000000000000009E0));
        DoubleVector y = px.div(qx.sub(px)).mul(2).add(1);
        LongVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        LongVector n2 = ni.sub(n1);
        DoubleVector s1 = n1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = n2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        y = y.mul(s1).mul(s2);
        y = y.blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.GT, MAX_ARG));
        y = y.blend(0, x.compare(VectorOperators.LT, MIN_ARG));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** ln x (NaN for x &lt; 0, −∞ at 0, +∞ at +∞). */
    static DoubleVector log(DoubleVector x) {
        DoubleVector zero = DoubleVector.zero(S);
        VectorMask<Double> subnormal = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
        DoubleVector xs = x.blend(x.mul(18014398509481984.0), subnormal);    // ×2⁵⁴
        LongVector bits = xs.reinterpretAsLongs();
        LongVector e = bits.lanewise(VectorOperators.LSHR, 52).and(0x7ffL).sub(1022);
        DoubleVector fe = ((DoubleVector) e.convert(VectorOperators.L2D, 0)).sub(zero.blend(54, subnormal));
        DoubleVector m = bits.and(0x800fffffffffffffL).or(0x3fe0000000000000L).reinterpretAsDoubles();
        VectorMask<Double> low = m.compare(VectorOperators.LT, SQRT_HALF);
        fe = fe.sub(zero.blend(1, low));
        DoubleVector f = m.add(zero.blend(m, low)).sub(1);
        DoubleVector z = f.mul(f);
        DoubleVector p = c(1.01875663804580931796E-4).fma(f, c(4.97494994976747001425E-1))
                .fma(f, c(4.70579119878881725854E0)).fma(f, c(1.44989225341610930846E1))
                .fma(f, c(1.79368678507819816313E1)).fma(f, c(7.70838733755885391666E0));
        DoubleVector q = f.add(1.12873587189167450590E1).fma(f, c(4.52279145837532221105E1))
                .fma(f, c(8.29875266912776603211E1)).fma(f, c(7.11544750618563894466E1))
                .fma(f, c(2.31251620126765340583E1));
        DoubleVector y = z.mul(p).div(q).mul(f);
        y = fe.fma(c(-2.121944400546905827679e-4), y);                // + e·ln2 split as 0.693359375 − 2.12e-4
        y = z.fma(c(-0.5), y);
        DoubleVector result = fe.fma(c(0.693359375), f.add(y));
        result = result.blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0));
        result = result.blend(Double.NaN, x.compare(VectorOperators.LT, 0));
        result = result.blend(x, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY));
        return result.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh x. */
    static DoubleVector tanh(DoubleVector x) {
        DoubleVector ax = x.abs();
        DoubleVector z = x.mul(x);
        DoubleVector p = c(-9.64399179425052238628E-1).fma(z, c(-9.92877231001918586564E1))
                .fma(z, c(-1.61468768441708447952E3));
        DoubleVector q = z.add(1.12811678491632931402E2).fma(z, c(2.23548839060100448583E3))
                .fma(z, c(4.84406305325125486048E3));
        DoubleVector small = p.div(q).mul(z).fma(x, x);
        DoubleVector e = exp(ax.add(ax));
        DoubleVector big = c(1).sub(c(2).div(e.add(1)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0));
        return big.blend(small, ax.compare(VectorOperators.LT, 0.625));
    }

    /** Σ of the lanes in lane order. */
    static double sumLanes(DoubleVector v) {
        double s = 0;
        for (int i = 0; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    /** max of the lanes (NaN if any lane is NaN, as Math.max). */
    static double maxLanes(DoubleVector v) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < L; i++) {
            m = Math.max(m, v.lane(i));
        }
        return m;
    }
}
