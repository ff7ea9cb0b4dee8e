package dev.nabla.cpu;

import dev.nabla.spi.UnaryOp;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;

/**
 * Measures FloatMath's error in ulps against Math's float64 functions (rounded error of the float result relative
 * to the float64 value, in units of the float ulp there) over every {@code stride}-th float bit pattern, and
 * DoubleMath's against StrictMath (fdlibm) on random doubles. Run once over all 2³² floats with
 * <pre>
 * mvn -B -ntp -o -q -pl cpu-backend -am test-compile
 * java --add-modules jdk.incubator.vector -cp cpu-backend/target/classes:cpu-backend/target/test-classes:core/target/classes \
 *      dev.nabla.cpu.FloatMathSweep 1 20000000
 * </pre>
 * (arguments: the float stride, 1 for all floats, and the number of random doubles per function). FloatMathTest
 * asserts the same bounds on a denser-than-random stride at test time.
 */
public final class FloatMathSweep {
    private FloatMathSweep() {
    }

    /** The largest error of f (in float ulps of the true value) and where, over the floats it was checked on. */
    record Worst(double ulps, float at, long checked) {
        @Override
        public String toString() {
            return String.format("%.4f ulp at %s (%s), %d inputs", ulps, at, Float.toHexString(at), checked);
        }
    }

    /** |got − exact| in units of the float ulp at exact; 0 when both are the same infinity or both NaN. */
    static double floatUlpError(float got, double exact) {
        if (Double.isNaN(exact) || Double.isNaN(got)) {
            return Double.isNaN(exact) && Double.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(exact) || Float.isInfinite(got)) {
            if (got == exact) {
                return 0;
            }
            if (Double.isInfinite(exact)) {                  // got finite: error against the largest float + 1 ulp
                return Math.abs(exact > 0 ? 0x1p128 - got : -0x1p128 - got) / Math.ulp(Float.MAX_VALUE);
            }
            exact = Math.max(-0x1p128, Math.min(0x1p128, exact));  // got ∞: a value that rounds to ∞ is within 0.5 ulp
            return Math.abs(got > 0 ? 0x1p128 - exact : -0x1p128 - exact) / Math.ulp(Float.MAX_VALUE);
        }
        float nearest = (float) exact;
        double ulp = Float.isInfinite(nearest) ? Math.ulp(Float.MAX_VALUE) : Math.ulp(nearest);
        if (Math.abs(exact) < Math.abs((double) nearest)) {   // exact sits just above a power of two's boundary below
            ulp = Math.min(ulp, Math.ulp(Math.nextDown(Math.abs(nearest))));
        }
        return Math.abs(got - exact) / ulp;
    }

    /** The worst error of f against exact over the floats with bit patterns 0, stride, 2·stride, … (all signs). */
    static Worst sweepFloat(FloatUnary f, DoubleUnaryOperator exact, long stride) {
        int parts = 64;
        long span = (1L << 32) / parts;
        Worst[] worst = new Worst[parts];
        IntStream.range(0, parts).parallel().forEach(part -> {
            double maxErr = -1;
            float at = Float.NaN;
            long checked = 0;
            long first = part * span;
            long start = (first + stride - 1) / stride * stride;
            for (long bits = start; bits < first + span; bits += stride) {
                float x = Float.intBitsToFloat((int) bits);
                double err = floatUlpError(f.apply(x), exact.applyAsDouble(x));
                checked++;
                if (err > maxErr) {
                    maxErr = err;
                    at = x;
                }
            }
            worst[part] = new Worst(maxErr, at, checked);
        });
        Worst w = worst[0];
        long total = 0;
        for (Worst p : worst) {
            total += p.checked();
            if (p.ulps() > w.ulps()) {
                w = p;
            }
        }
        return new Worst(w.ulps(), w.at(), total);
    }

    /** The worst |got − exact| in double ulps of exact (StrictMath, for instance) over n random doubles from gen. */
    static double[] sweepDouble(DoubleUnaryOperator f, DoubleUnaryOperator exact, DoubleUnaryOperator gen, int n,
                                long seed) {
        Random rnd = new Random(seed);
        double maxErr = 0;
        double at = Double.NaN;
        for (int i = 0; i < n; i++) {
            double x = gen.applyAsDouble(rnd.nextDouble());
            double e = exact.applyAsDouble(x);
            double got = f.applyAsDouble(x);
            double err;
            if (Double.isNaN(e) || Double.isInfinite(e) || e == 0) {
                err = Double.compare(got, e) == 0 || (got == e) ? 0 : Double.POSITIVE_INFINITY;
                if (e == 0 && Math.abs(got) <= Double.MIN_VALUE) {
                    err = Math.abs(got) / Double.MIN_VALUE;
                }
            } else {
                err = Math.abs(got - e) / Math.ulp(e);
            }
            if (err > maxErr) {
                maxErr = err;
                at = x;
            }
        }
        return new double[]{maxErr, at};
    }

    @FunctionalInterface
    interface FloatUnary {
        float apply(float x);
    }

    public static void main(String[] args) {
        long stride = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
        System.out.println(System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", float stride " + stride + ", " + n + " random doubles per function");
        System.out.println("(doubles: ulps from StrictMath unless said otherwise)");
        System.out.println("float exp     " + sweepFloat(FloatMath::exp, Math::exp, stride));
        System.out.println("float log     " + sweepFloat(FloatMath::log, Math::log, stride));
        System.out.println("float tanh    " + sweepFloat(FloatMath::tanh, Math::tanh, stride));
        System.out.println("float sigmoid " + sweepFloat(FloatMath::sigmoid, UnaryOp::sigmoid, stride));
        print("double exp  [-746, 710]", sweepDouble(DoubleMath::exp, StrictMath::exp, u -> -746 + u * 1456, n, 1));
        print("double exp  [-1, 1]    ", sweepDouble(DoubleMath::exp, StrictMath::exp, u -> -1 + 2 * u, n, 2));
        print("double log  all positive", sweepDouble(DoubleMath::log, StrictMath::log,
                u -> Double.longBitsToDouble((long) (u * 0x7ff0000000000000L)), n, 3));
        print("double log  [0.5, 2]   ", sweepDouble(DoubleMath::log, StrictMath::log, u -> 0.5 + 1.5 * u, n, 4));
        print("double tanh [-25, 25]  ", sweepDouble(DoubleMath::tanh, StrictMath::tanh, u -> -25 + 50 * u, n, 5));
        print("double tanh [-1, 1]    ", sweepDouble(DoubleMath::tanh, StrictMath::tanh, u -> -1 + 2 * u, n, 6));
        print("double tanh |x| < 2^-10", sweepDouble(DoubleMath::tanh, StrictMath::tanh,
                u -> Double.longBitsToDouble((long) (u * 0x3f50000000000000L)), n, 7));
        print("double sigmoid [-40, 40] (vs UnaryOp.sigmoid)", sweepDouble(DoubleMath::sigmoid, UnaryOp::sigmoid, u -> -40 + 80 * u, n, 8));
    }

    private static void print(String what, double[] worst) {
        System.out.printf("%s %.4f ulp at %s%n", what, worst[0], Double.toString(worst[1]));
    }
}
