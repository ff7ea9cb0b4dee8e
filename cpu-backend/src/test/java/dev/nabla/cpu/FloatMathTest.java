package dev.nabla.cpu;

import dev.nabla.spi.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * FloatMath / DoubleMath: their accuracy (the bounds their javadoc states, checked on a dense sweep; FloatMathSweep
 * measured them over all floats), their special values, and that the Vector API twins give the same bits, lane
 * for lane, as the scalar methods.
 */
class FloatMathTest {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** Every 4099th float bit pattern (a prime stride, so every exponent and sign is visited at many mantissas). */
    private static final long STRIDE = 4099;

    // ---- accuracy -----------------------------------------------------------------------------------------------------

    @Test
    void floatAccuracyOnADenseSweepOfAllFloats() {
        assertAtMost(1.06, FloatMathSweep.sweepFloat(FloatMath::exp, Math::exp, STRIDE), "exp");
        assertAtMost(0.84, FloatMathSweep.sweepFloat(FloatMath::log, Math::log, STRIDE), "log");
        assertAtMost(2.42, FloatMathSweep.sweepFloat(FloatMath::tanh, Math::tanh, STRIDE), "tanh");
        assertAtMost(2.83, FloatMathSweep.sweepFloat(FloatMath::sigmoid, UnaryOp::sigmoid, STRIDE), "sigmoid");
    }

    private static void assertAtMost(double ulps, FloatMathSweep.Worst worst, String what) {
        assertTrue(worst.ulps() <= ulps, () -> "float " + what + ": " + worst + ", more than " + ulps + " ulp");
    }

    @Test
    void doubleAccuracyOnRandomDoublesAgainstStrictMath() {
        int n = 300_000;
        assertAtMost(1, FloatMathSweep.sweepDouble(DoubleMath::exp, StrictMath::exp, u -> -746 + u * 1456, n, 1), "exp");
        assertAtMost(1, FloatMathSweep.sweepDouble(DoubleMath::log, StrictMath::log,
                u -> Double.longBitsToDouble((long) (u * 0x7ff0000000000000L)), n, 3), "log");
        assertAtMost(4, FloatMathSweep.sweepDouble(DoubleMath::tanh, StrictMath::tanh, u -> -25 + 50 * u, n, 5), "tanh");
        assertAtMost(3, FloatMathSweep.sweepDouble(DoubleMath::sigmoid, UnaryOp::sigmoid, u -> -40 + 80 * u, n, 8),
                "sigmoid");
    }

    private static void assertAtMost(double ulps, double[] worst, String what) {
        assertTrue(worst[0] <= ulps, () -> "double " + what + ": " + worst[0] + " ulp at " + worst[1] + ", more than "
                + ulps + " ulp from StrictMath");
    }

    // ---- special values -----------------------------------------------------------------------------------------------

    @Test
    void floatSpecialValues() {
        float inf = Float.POSITIVE_INFINITY;
        same(Float.NaN, FloatMath.exp(Float.NaN), "exp NaN");
        same(inf, FloatMath.exp(inf), "exp +∞");
        same(0f, FloatMath.exp(-inf), "exp −∞");
        same(1f, FloatMath.exp(0f), "exp 0");
        same(1f, FloatMath.exp(-0f), "exp −0");
        same(inf, FloatMath.exp(88.73f), "exp overflows above ln(MAX_VALUE)");
        same((float) Math.exp(88.72f), FloatMath.exp(88.72f), "exp just below the overflow");
        same(0f, FloatMath.exp(-104f), "exp underflows to 0");
        float sub = FloatMath.exp(-100f);                        // e^−100 ≈ 3.7e−44: a subnormal
        assertTrue(sub > 0 && sub < Float.MIN_NORMAL && Math.abs(sub - Math.exp(-100)) <= Float.MIN_VALUE / 2.0,
                () -> "exp(−100) rounds to the nearest subnormal, got " + sub);
        same(Float.NaN, FloatMath.log(Float.NaN), "log NaN");
        same(inf, FloatMath.log(inf), "log +∞");
        same(-inf, FloatMath.log(0f), "log 0");
        same(-inf, FloatMath.log(-0f), "log −0");
        same(Float.NaN, FloatMath.log(-1f), "log of a negative");
        same(Float.NaN, FloatMath.log(-inf), "log −∞");
        same(0f, FloatMath.log(1f), "log 1");
        same((float) Math.log(Float.MIN_VALUE), FloatMath.log(Float.MIN_VALUE), "log of the smallest subnormal");
        same((float) Math.log(Float.MAX_VALUE), FloatMath.log(Float.MAX_VALUE), "log of MAX_VALUE");
        same(Float.NaN, FloatMath.tanh(Float.NaN), "tanh NaN");
        same(1f, FloatMath.tanh(inf), "tanh +∞");
        same(-1f, FloatMath.tanh(-inf), "tanh −∞");
        same(-0f, FloatMath.tanh(-0f), "tanh −0");
        same(Float.MIN_VALUE, FloatMath.tanh(Float.MIN_VALUE), "tanh of a subnormal");
        for (float x = FloatMath.TANH_ONE; x < 1e6f; x *= 1.5f) {
            same(1f, FloatMath.tanh(x), "tanh saturates to 1 at " + x);
            same(-1f, FloatMath.tanh(-x), "tanh saturates to −1 at " + -x);
        }
        same(0.5f, FloatMath.sigmoid(0f), "σ(0)");
        same(1f, FloatMath.sigmoid(inf), "σ(+∞)");
        same(0f, FloatMath.sigmoid(-inf), "σ(−∞)");
        same(Float.NaN, FloatMath.sigmoid(Float.NaN), "σ(NaN)");
    }

    @Test
    void doubleSpecialValues() {
        double inf = Double.POSITIVE_INFINITY;
        same(Double.NaN, DoubleMath.exp(Double.NaN), "exp NaN");
        same(inf, DoubleMath.exp(inf), "exp +∞");
        same(0.0, DoubleMath.exp(-inf), "exp −∞");
        same(1.0, DoubleMath.exp(0.0), "exp 0");
        same(inf, DoubleMath.exp(709.79), "exp overflows above ln(MAX_VALUE)");
        assertEquals(StrictMath.exp(709.78), DoubleMath.exp(709.78), Math.ulp(StrictMath.exp(709.78)), "exp 709.78");
        same(0.0, DoubleMath.exp(-746.0), "exp underflows to 0");
        double sub = DoubleMath.exp(-740.0);
        assertTrue(sub > 0 && sub < Double.MIN_NORMAL, () -> "exp(−740) is a subnormal, got " + sub);
        same(Double.NaN, DoubleMath.log(Double.NaN), "log NaN");
        same(inf, DoubleMath.log(inf), "log +∞");
        same(-inf, DoubleMath.log(0.0), "log 0");
        same(-inf, DoubleMath.log(-0.0), "log −0");
        same(Double.NaN, DoubleMath.log(-1.0), "log of a negative");
        same(0.0, DoubleMath.log(1.0), "log 1");
        assertEquals(StrictMath.log(Double.MIN_VALUE), DoubleMath.log(Double.MIN_VALUE), 1e-12, "log MIN_VALUE");
        same(Double.NaN, DoubleMath.tanh(Double.NaN), "tanh NaN");
        same(1.0, DoubleMath.tanh(inf), "tanh +∞");
        same(-1.0, DoubleMath.tanh(-inf), "tanh −∞");
        same(-0.0, DoubleMath.tanh(-0.0), "tanh −0");
        same(Double.MIN_VALUE, DoubleMath.tanh(Double.MIN_VALUE), "tanh of a subnormal");
        for (double x = DoubleMath.TANH_ONE; x < 1e300; x *= 3) {
            same(1.0, DoubleMath.tanh(x), "tanh saturates to 1 at " + x);
            same(-1.0, DoubleMath.tanh(-x), "tanh saturates to −1 at " + -x);
        }
        same(0.5, DoubleMath.sigmoid(0.0), "σ(0)");
        same(0.0, DoubleMath.sigmoid(-inf), "σ(−∞)");
    }

    private static void same(float want, float got, String what) {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), () -> what + ": want " + want + ", got " + got);
    }

    private static void same(double want, double got, String what) {
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got),
                () -> what + ": want " + want + ", got " + got);
    }

    // ---- the Vector API twins give the scalar methods' bits --------------------------------------------------------

    /** Every 65537th float bit pattern, then the special values and the bounds of every branch. */
    private static float[] floatInputs() {
        float[] extra = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 88.72283f, 88.72284f,
                -103.97f, -104f, -87.3f, FloatMath.TANH_ONE, -FloatMath.TANH_ONE, Math.nextDown(FloatMath.TANH_ONE),
                0.34657359f, -0.34657359f, 0.70710677f, 1.4142135f, Float.intBitsToFloat(0x7fc12345)};
        int n = (int) ((1L << 32) / 65537) + 1;
        float[] x = new float[n + extra.length];
        for (int i = 0; i < n; i++) {
            x[i] = Float.intBitsToFloat((int) (i * 65537L));
        }
        System.arraycopy(extra, 0, x, n, extra.length);
        return x;
    }

    private static double[] doubleInputs() {
        double[] extra = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, Double.MIN_VALUE,
                Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 1, -1, 709.78, 709.79, -745.2, -746,
                DoubleMath.TANH_ONE, -DoubleMath.TANH_ONE, 0.7071067811865476, 1.4142135623730951};
        Random r = new Random(7);
        double[] x = new double[200_000 + extra.length];
        for (int i = 0; i < 200_000; i++) {                      // random bit patterns: every exponent and sign
            x[i] = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong()) : (r.nextDouble() - 0.5) * 100;
        }
        System.arraycopy(extra, 0, x, 200_000, extra.length);
        return x;
    }

    @Test
    void floatVectorTwinsGiveTheScalarBits() {
        float[] x = floatInputs();
        twin("exp", x, FloatMath::exp, VectorFloatMath::exp);
        twin("log", x, FloatMath::log, VectorFloatMath::log);
        twin("tanh", x, FloatMath::tanh, VectorFloatMath::tanh);
        twin("sigmoid", x, FloatMath::sigmoid, VectorFloatMath::sigmoid);
    }

    @Test
    void doubleVectorTwinsGiveTheScalarBits() {
        double[] x = doubleInputs();
        twin("exp", x, DoubleMath::exp, VectorDoubleMath::exp);
        twin("log", x, DoubleMath::log, VectorDoubleMath::log);
        twin("tanh", x, DoubleMath::tanh, VectorDoubleMath::tanh);
        twin("sigmoid", x, DoubleMath::sigmoid, VectorDoubleMath::sigmoid);
    }

    private static void twin(String what, float[] x, FloatMathSweep.FloatUnary scalar, UnaryOperator<FloatVector> vector) {
        int lanes = FS.length();
        float[] padded = java.util.Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        float[] got = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            vector.apply(FloatVector.fromArray(FS, padded, i)).intoArray(got, i);
        }
        for (int i = 0; i < x.length; i++) {
            float want = scalar.apply(x[i]);
            if (Float.floatToIntBits(want) != Float.floatToIntBits(got[i])) {
                fail("float " + what + "(" + x[i] + " = " + Float.toHexString(x[i]) + "): scalar " + want
                        + ", vector lane " + got[i]);
            }
        }
    }

    private static void twin(String what, double[] x, DoubleUnaryOperator scalar, UnaryOperator<DoubleVector> vector) {
        int lanes = DS.length();
        double[] padded = java.util.Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        double[] got = new double[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            vector.apply(DoubleVector.fromArray(DS, padded, i)).intoArray(got, i);
        }
        for (int i = 0; i < x.length; i++) {
            double want = scalar.applyAsDouble(x[i]);
            if (Double.doubleToLongBits(want) != Double.doubleToLongBits(got[i])) {
                fail("double " + what + "(" + x[i] + " = " + Double.toHexString(x[i]) + "): scalar " + want
                        + ", vector lane " + got[i]);
            }
        }
    }
}
