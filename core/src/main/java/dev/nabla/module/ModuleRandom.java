package dev.nabla.module;

/**
 * The host-side generator behind module initialisation and dropout masks: SplitMix64 (Steele, Lea, Flood 2014), the
 * same stream as {@code dev.nabla.SeededRandom} behind {@code Backend.rand}. Written out here because that class is
 * package-private to {@code dev.nabla}; drawing on the host from a seed is what makes every backend get the same
 * weights and the same masks.
 */
final class ModuleRandom {
    private long state;

    ModuleRandom(long seed) {
        this.state = seed;
    }

    /** A generator continuing from the same state (a copied module draws what the original would). */
    ModuleRandom copy() {
        ModuleRandom r = new ModuleRandom(0);
        r.state = state;
        return r;
    }

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
}
