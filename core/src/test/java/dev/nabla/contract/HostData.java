package dev.nabla.contract;

import java.util.SplittableRandom;

/** Seeded host arrays for tests. Values are rounded to float so FLOAT32 and FLOAT64 runs see identical inputs. */
public final class HostData {
    private HostData() {
    }

    /** n values uniform in [lo, hi), rounded to float. */
    public static double[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    /** rows one-hot rows of {@code cols} classes. */
    public static double[] oneHot(long seed, int rows, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            v[i * cols + r.nextInt(cols)] = 1;
        }
        return v;
    }

    /** n values that are each 0 or 1. */
    public static double[] bits(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextBoolean() ? 1 : 0;
        }
        return v;
    }
}
