package dev.nabla.bench.measure;

import java.util.Arrays;

/**
 * A short, time-boxed timing loop for {@code nabla bench} (JMH is the tool for careful numbers): runs the operation
 * for a warm-up time (and at least {@code minWarmupRuns} times), then times single runs until the measuring time is
 * spent and at least {@code minRuns} were timed. The operation must wait for its own result (synchronize), so that a run is timed whole.
 */
public final class Timing {

    /** Seconds of the median and of the fastest timed run, and how many runs were timed. */
    public record Sample(double medianSeconds, double minSeconds, int runs) {
    }

    /**
     * How long to prime a backend (JIT-compile its kernels, see {@link BenchRunner#prime}), to warm up and to measure
     * each operation, in seconds; and the fewest runs to warm up and to time.
     */
    public record Budget(double primeSeconds, double warmupSeconds, double measureSeconds, int minWarmupRuns,
                         int minRuns) {
        public static final Budget QUICK = new Budget(1.5, 0.3, 0.5, 3, 5);
        public static final Budget NORMAL = new Budget(5.0, 1.0, 2.0, 5, 10);
    }

    private Timing() {
    }

    public static Sample measure(Runnable op, Budget budget) {
        long warmEnd = System.nanoTime() + (long) (budget.warmupSeconds() * 1e9);
        for (int i = 0; i < budget.minWarmupRuns() || System.nanoTime() < warmEnd; i++) {
            op.run();
        }
        double[] runs = new double[16];
        int n = 0;
        long measureEnd = System.nanoTime() + (long) (budget.measureSeconds() * 1e9);
        while (n < budget.minRuns() || System.nanoTime() < measureEnd) {
            long t0 = System.nanoTime();
            op.run();
            long t1 = System.nanoTime();
            if (n == runs.length) {
                runs = Arrays.copyOf(runs, n * 2);
            }
            runs[n++] = (t1 - t0) / 1e9;
        }
        if (n == 0) {
            return new Sample(Double.NaN, Double.NaN, 0);   // a warm-up only budget
        }
        double[] sorted = Arrays.copyOf(runs, n);
        Arrays.sort(sorted);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Sample(median, sorted[0], n);
    }
}
