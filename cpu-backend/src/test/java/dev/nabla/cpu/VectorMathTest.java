package dev.nabla.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FloatMath and DoubleMath against java.lang.Math, in units in the last place, over a million arguments each. */
class VectorMathTest {
    private static final int N = 1 << 20;

    /** Largest error in ulps of the result's type, over arguments from {@code gen}, edge values included. */
    private static double floatUlps(UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, double lo, double hi,
                                    float[] edges) {
        SplittableRandom r = new SplittableRandom(1);
        int l = FloatMath.L;
        float[] x = new float[N + edges.length + l];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        System.arraycopy(edges, 0, x, N, edges.length);
        float[] y = new float[x.length];
        for (int i = 0; i + l <= x.length; i += l) {
            f.apply(FloatVector.fromArray(FloatMath.S, x, i)).intoArray(y, i);
        }
        double worst = 0;
        for (int i = 0; i + l <= x.length; i++) {
            double e = exact.applyAsDouble(x[i]);
            float want = (float) e;
            if (Float.isNaN(want) || Float.isInfinite(want) || want == 0) {
                assertEquals(want, y[i], 0, "at " + x[i]);
                continue;
            }
            worst = Math.max(worst, Math.abs(y[i] - e) / Math.ulp(want));
        }
        return worst;
    }

    private static double doubleUlps(UnaryOperator<DoubleVector> f, DoubleUnaryOperator exact, double lo, double hi,
                                     double[] edges) {
        SplittableRandom r = new SplittableRandom(2);
        int l = DoubleMath.L;
        double[] x = new double[N + edges.length + l];
        for (int i = 0; i < N; i++) {
            x[i] = lo + (hi - lo) * r.nextDouble();
        }
        System.arraycopy(edges, 0, x, N, edges.length);
        double[] y = new double[x.length];
        for (int i = 0; i + l <= x.length; i += l) {
            f.apply(DoubleVector.fromArray(DoubleMath.S, x, i)).intoArray(y, i);
        }
        double worst = 0;
        for (int i = 0; i + l <= x.length; i++) {
            double want = exact.applyAsDouble(x[i]);
            if (Double.isNaN(want) || Double.isInfinite(want) || want == 0) {
                assertEquals(want, y[i], 0, "at " + x[i]);
                continue;
            }
            worst = Math.max(worst, Math.abs(y[i] - want) / Math.ulp(want));
        }
        return worst;
    }

    @Test
    void floatExpLogTanhAreWithinTwoUlps() {
        float[] edges = {0, -0f, 1, -1, 88.7f, -87f, -103f, 100, -200, Float.NaN, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 1e-30f, 0.625f, -0.625f, 0.6249f};
        double exp = floatUlps(FloatMath::exp, Math::exp, -90, 89, edges);
        double log = floatUlps(FloatMath::log, Math::log, 1e-30, 1e30, new float[]{1, 0, -1, 1e-45f, 1.17e-38f,
                Float.MAX_VALUE, Float.NaN, Float.POSITIVE_INFINITY});
        double logNear1 = floatUlps(FloatMath::log, Math::log, 0.5, 2, new float[0]);
        double tanh = floatUlps(FloatMath::tanh, Math::tanh, -12, 12, edges);
        System.out.printf("FloatMath max error: exp %.2f ulp, log %.2f ulp (near 1: %.2f), tanh %.2f ulp%n", exp, log,
                logNear1, tanh);
        assertTrue(exp <= 2 && log <= 2 && logNear1 <= 2 && tanh <= 2,
                "exp " + exp + ", log " + log + ", log near 1 " + logNear1 + ", tanh " + tanh);
    }

    @Test
    void doubleExpLogTanhAreWithinTwoUlps() {
        double[] edges = {0, -0.0, 1, -1, 709.7, -745, -708, 1000, -1000, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 1e-300, 0.625, -0.625};
        double exp = doubleUlps(DoubleMath::exp, Math::exp, -740, 709, edges);
        double log = doubleUlps(DoubleMath::log, Math::log, 1e-300, 1e300, new double[]{1, 0, -1, 4.9e-324,
                Double.MIN_NORMAL, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY});
        double logNear1 = doubleUlps(DoubleMath::log, Math::log, 0.5, 2, new double[0]);
        double tanh = doubleUlps(DoubleMath::tanh, Math::tanh, -25, 25, edges);
        System.out.printf("DoubleMath max error: exp %.2f ulp, log %.2f ulp (near 1: %.2f), tanh %.2f ulp%n", exp, log,
                logNear1, tanh);
        assertTrue(exp <= 2 && log <= 2 && logNear1 <= 2 && tanh <= 2,
                "exp " + exp + ", log " + log + ", log near 1 " + logNear1 + ", tanh " + tanh);
    }
}
