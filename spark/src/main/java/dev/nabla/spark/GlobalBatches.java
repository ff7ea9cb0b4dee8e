package dev.nabla.spark;

import java.util.SplittableRandom;

/**
 * The seeded rule that draws each iteration's global mini-batch, on the driver, from the N rows of the training set
 * numbered in partition order (partition 0's rows first, each partition's rows in the order Spark gives them).
 *
 * <p>Epoch e is a permutation π_e of 0 … N − 1 (Fisher–Yates with {@code SplittableRandom(seed ⊕ e·golden)}); it is
 * cut into ⌈N / B⌉ consecutive batches of B rows, the last one shorter when B does not divide N. Iteration t is batch
 * t mod ⌈N / B⌉ of epoch ⌊t / ⌈N / B⌉⌋. So every row is used once per epoch, none is skipped, and a batch of B ≥ N rows
 * is the whole set. A single-machine run that takes the same rows (in any order) takes the same steps.
 */
final class GlobalBatches {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long rows;
    private final int blockSize;
    private final long seed;
    private final long batchesPerEpoch;
    private long epoch = -1;
    private int[] permutation;

    /**
     * @param rows N, at least 1
     * @param blockSize B, at least 1
     * @param seed the fit's seed
     */
    GlobalBatches(long rows, int blockSize, long seed) {
        if (rows < 1 || rows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("GlobalBatches: " + rows + " rows; 1 to 2^31 − 9 are supported");
        }
        this.rows = rows;
        this.blockSize = (int) Math.min(blockSize, rows);
        this.seed = seed;
        this.batchesPerEpoch = (rows + this.blockSize - 1) / this.blockSize;
    }

    /** ⌈N / B⌉. */
    long batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The global row numbers of iteration {@code t}'s batch, in permutation order. */
    int[] batch(long t) {
        long e = t / batchesPerEpoch;
        if (e != epoch) {
            permutation = permutation(e);
            epoch = e;
        }
        int from = (int) ((t % batchesPerEpoch) * blockSize);
        int to = (int) Math.min(from + (long) blockSize, rows);
        int[] out = new int[to - from];
        System.arraycopy(permutation, from, out, 0, out.length);
        return out;
    }

    private int[] permutation(long e) {
        int n = (int) rows;
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ (e * GOLDEN));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int v = p[i];
            p[i] = p[j];
            p[j] = v;
        }
        return p;
    }

    /**
     * Splits a batch of global row numbers over partitions: {@code out[p]} are the local row numbers (within partition
     * p) of the batch's rows that partition p holds, in batch order.
     *
     * @param batch global row numbers
     * @param offsets offsets[p] is the global number of partition p's first row; offsets[P] is N
     * @return one array per partition (empty where the partition has none of the batch)
     */
    static int[][] split(int[] batch, long[] offsets) {
        int partitions = offsets.length - 1;
        int[] counts = new int[partitions];
        int[] owner = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            owner[i] = partition(offsets, batch[i]);
            counts[owner[i]]++;
        }
        int[][] out = new int[partitions][];
        for (int p = 0; p < partitions; p++) {
            out[p] = new int[counts[p]];
            counts[p] = 0;
        }
        for (int i = 0; i < batch.length; i++) {
            int p = owner[i];
            out[p][counts[p]++] = (int) (batch[i] - offsets[p]);
        }
        return out;
    }

    /** The partition whose range [offsets[p], offsets[p + 1]) holds global row g (binary search; empty ranges skipped). */
    private static int partition(long[] offsets, long g) {
        int lo = 0;
        int hi = offsets.length - 2;
        while (lo < hi) {                       // the last p with offsets[p] <= g
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= g) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
