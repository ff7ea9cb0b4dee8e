package dev.nabla.data;

import java.util.SplittableRandom;

/** The order in which an epoch visits N rows: 0..N−1, or a Fisher–Yates shuffle seeded by (seed, epoch). */
final class EpochOrder {
    private EpochOrder() {
    }

    /**
     * The rows of epoch {@code epoch}: the same array for the same arguments on every machine and backend.
     *
     * @param n the number of rows
     * @param shuffle whether to shuffle
     * @param seed the loader's seed
     * @param epoch the epoch number
     * @return a permutation of 0..n−1
     */
    static int[] of(int n, boolean shuffle, long seed, long epoch) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
        }
        return perm;
    }
}
