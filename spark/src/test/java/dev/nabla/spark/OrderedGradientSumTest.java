package dev.nabla.spark;

import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link OrderedGradientSum}: the partitions' sums come out as the same bits whatever order the tasks finish in,
 * and those bits are the documented order's: left to right up to 8 partitions, groups of ⌈√P⌉ consecutive
 * partitions past it. The values span 2⁻³⁰ … 2³⁰, so another order would round differently (checked, so that the
 * test can fail).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrderedGradientSumTest {
    private static final int VALUES = 64;

    /** Partition p's sum: rows p + 1, a loss and one layer of VALUES weights and 3 biases, from the seed and p. */
    private static GradientSum partitionSum(long seed, int p) {
        Random r = new Random(seed * 1_000_003L + p);
        GradientSum s = new GradientSum();
        s.rows = p + 1;
        s.loss = value(r);
        s.dW = new double[][]{new double[VALUES]};
        s.db = new double[][]{new double[3]};
        for (int i = 0; i < VALUES; i++) {
            s.dW[0][i] = value(r);
        }
        for (int i = 0; i < 3; i++) {
            s.db[0][i] = value(r);
        }
        return s;
    }

    private static double value(Random r) {
        return (r.nextBoolean() ? 1 : -1) * (1 + r.nextDouble()) * Math.scalb(1.0, r.nextInt(61) - 30);
    }

    /** The partitions' sums, each task sleeping 0–30 ms first, so that they finish in a different order each run. */
    private static JavaRDD<GradientSum> sums(int partitions, long seed) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        return LocalSpark.jsc().parallelize(ids, partitions).mapPartitionsWithIndex((p, it) -> {
            Thread.sleep(ThreadLocalRandom.current().nextInt(30));
            return Collections.singletonList(partitionSum(seed, p)).iterator();
        }, true);
    }

    /** The documented order, on one machine. */
    private static GradientSum expected(int partitions, long seed) {
        List<GradientSum> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(partitionSum(seed, p));
        }
        if (partitions <= OrderedGradientSum.DIRECT) {
            return OrderedGradientSum.inOrder(parts.iterator());
        }
        int g = OrderedGradientSum.groupSize(partitions);
        List<GradientSum> groups = new ArrayList<>();
        for (int from = 0; from < partitions; from += g) {
            groups.add(OrderedGradientSum.inOrder(parts.subList(from, Math.min(partitions, from + g)).iterator()));
        }
        return OrderedGradientSum.inOrder(groups.iterator());
    }

    private static void assertSameBits(GradientSum want, GradientSum got, String what) {
        assertEquals(want.rows, got.rows, what + ": rows");
        assertEquals(Double.doubleToRawLongBits(want.loss), Double.doubleToRawLongBits(got.loss), what + ": loss");
        assertArrayEquals(want.dW[0], got.dW[0], what + ": dW");
        assertArrayEquals(want.db[0], got.db[0], what + ": db");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 8, 9, 20})
    void everyRunGivesTheDocumentedOrdersBits(int partitions) {
        long seed = 17 + partitions;
        GradientSum want = expected(partitions, seed);
        for (int run = 0; run < 3; run++) {
            assertSameBits(want, OrderedGradientSum.of(sums(partitions, seed)), partitions + " partitions, run " + run);
        }
        assertEquals((long) partitions * (partitions + 1) / 2, want.rows);
    }

    @Test
    void theValuesAreOrderSensitiveSoTheTestCanFail() {
        int partitions = 20;
        List<GradientSum> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(partitionSum(37, p));
        }
        GradientSum forward = OrderedGradientSum.inOrder(parts.iterator());
        Collections.reverse(parts);
        GradientSum backward = OrderedGradientSum.inOrder(parts.iterator());
        assertFalse(java.util.Arrays.equals(forward.dW[0], backward.dW[0]),
                "left to right and right to left round the same: the values do not test the order");
        assertFalse(java.util.Arrays.equals(forward.dW[0], expected(partitions, 37).dW[0]),
                "the grouped tree rounds like left to right: the values do not test the grouping");
    }

    @Test
    void groupsAreTheCeilingOfTheSquareRoot() {
        int[][] cases = {{1, 2}, {4, 2}, {5, 3}, {9, 3}, {10, 4}, {16, 4}, {17, 5}, {1_000_000, 1000}, {1_000_001, 1001}};
        for (int[] c : cases) {
            assertEquals(c[1], OrderedGradientSum.groupSize(c[0]), c[0] + " partitions");
        }
    }
}
