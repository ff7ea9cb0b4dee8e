package dev.nabla;

/**
 * The host-side generator behind {@code randn} and {@code rand}: SplitMix64 for uniform bits, Box–Muller for normals.
 * Written out here (not borrowed from the JDK) so that one seed gives the same numbers on every backend and every JDK.
 */
final class SeededRandom {
    private long state;
    private double spareNormal = Double.NaN;

    SeededRandom(long seed) {
        this.state = seed;
    }

    /** SplitMix64 (Steele, Lea, Flood 2014). */
    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal by the Box–Muller transform; the second value of each pair is kept for the next call. */
    double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            double s = spareNormal;
            spareNormal = Double.NaN;
            return s;
        }
        double u1 = 1.0 - nextDouble(); // (0, 1]: log(u1) is finite
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double theta = 2.0 * Math.PI * u2;
        spareNormal = r * Math.sin(theta);
        return r * Math.cos(theta);
    }
}
