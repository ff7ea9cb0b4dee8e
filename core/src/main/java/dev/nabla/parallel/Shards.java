package dev.nabla.parallel;

import dev.nabla.InvalidArgumentException;

/**
 * How a global batch of N rows is split over k replicas: k contiguous row ranges, in order, whose sizes differ by at
 * most one (the first {@code N mod k} shards take one row more), none empty. Shard i is rows
 * {@code [bounds[i], bounds[i + 1])}.
 */
public final class Shards {
    private Shards() {
    }

    /**
     * The k + 1 boundaries of the shards of an N-row batch: {@code 0 = b₀ < b₁ < … < b_k = N}.
     *
     * @param rows N, the rows of the global batch, at least k
     * @param replicas k, at least 1
     * @return k + 1 increasing row indices from 0 to N
     */
    public static int[] bounds(int rows, int replicas) {
        if (replicas < 1 || rows < replicas) {
            throw new InvalidArgumentException("Shards.bounds: " + rows + " rows cannot be split into " + replicas
                    + " non-empty shards (need 1 ≤ replicas ≤ rows)");
        }
        int[] b = new int[replicas + 1];
        int base = rows / replicas;
        int extra = rows % replicas;
        for (int i = 0; i < replicas; i++) {
            b[i + 1] = b[i] + base + (i < extra ? 1 : 0);
        }
        return b;
    }
}
