package dev.nabla.aparapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The arena allocator: first fit, alignment, the reserved scratch, merging, growth. */
class ArenaTest {

    @Test
    void handsOutAlignedRangesAfterTheReservedScratch() {
        Arena a = new Arena(1024, 64, 32);
        assertEquals(64, a.allocate(1));
        assertEquals(96, a.allocate(33));          // 33 elements occupy 64
        assertEquals(160, a.allocate(32));
        assertEquals(128, a.used());
    }

    @Test
    void freedNeighboursMergeSoTheSameSizesAreReused() {
        Arena a = new Arena(64 + 3 * 32, 64, 32);
        int x = a.allocate(32), y = a.allocate(32), z = a.allocate(32);
        assertEquals(-1, a.allocate(1), "full");
        a.free(y, 32);
        a.free(x, 32);
        assertEquals(x, a.allocate(64), "x and y merged into one range");
        a.free(z, 32);
        a.free(x, 64);
        assertEquals(96, a.largestFree(), "everything merged back");
        assertEquals(0, a.used());
    }

    @Test
    void growthExtendsTheFreeTailAndKeepsOffsets() {
        Arena a = new Arena(128, 64, 32);
        int x = a.allocate(32);
        assertEquals(-1, a.allocate(64));
        a.grow(256);
        assertEquals(256, a.capacity());
        assertEquals(96, a.allocate(64), "the free tail [96, 128) grew in place into [96, 256)");
        assertEquals(64, x);
    }

    @Test
    void aDoubleReleaseIsAnError() {
        Arena a = new Arena(256, 64, 32);
        int x = a.allocate(10);
        a.free(x, 10);
        assertThrows(IllegalStateException.class, () -> a.free(x, 10));
        assertThrows(IllegalStateException.class, () -> a.free(0, 10), "the scratch is never handed out");
    }

    @Test
    void aReleaseThatOverlapsAFreeRangeThrowsAndChangesNothing() {
        Arena a = new Arena(64 + 4 * 32, 64, 32);
        for (int i = 0; i < 4; i++) {
            a.allocate(32);
        }
        a.free(64, 32);
        a.free(128, 32);              // free: [64, 96), [128, 160); live: [96, 128), [160, 192)
        assertThrows(IllegalStateException.class, () -> a.free(96, 64), "[96, 160) overlaps the free [128, 160)");
        assertEquals(64, a.used(), "still two ranges of 32 in use");
        assertEquals(64, a.allocate(1), "[64, 96) is still free");
        assertEquals(128, a.allocate(32));
        assertEquals(-1, a.allocate(1));
    }

    @Test
    void aRangeAfterTheFirstFreeOneIsSplitWithItsOwnLength() {
        // Free: [64, 96), [128, 224), [256, 416). First fit of 64 skips the first and splits the second, the root of
        // the three-node TreeMap: removing a node with two children moves its successor's key and value into it, so
        // the remainder must come from the lengths read before the removal (96 − 64), not from the successor (160).
        Arena a = new Arena(64 + 12 * 32, 64, 32);
        for (int i = 0; i < 12; i++) {
            assertEquals(64 + 32 * i, a.allocate(32));
        }
        for (int start : new int[]{64, 128, 160, 192, 256, 288, 320, 352, 384}) {
            a.free(start, 32);        // [96, 128), [224, 256) and [416, 448) stay allocated
        }
        assertEquals(128, a.allocate(64));
        assertEquals(256, a.allocate(96), "[192, 224) is 32 long; [192, 288) would overlap the live [224, 256)");
        assertEquals(64, a.allocate(32));
        assertEquals(192, a.allocate(32));
        assertEquals(352, a.allocate(64));
        assertEquals(-1, a.allocate(1), "full");
        assertEquals(12 * 32, a.used());
    }

    /**
     * Thousands of seeded random allocations, releases, bad releases and growths, checked after every step against
     * a model that marks every element as taken or free (a BitSet): the start first fit must return (the lowest
     * aligned start of a free run long enough), the elements in use, the largest free run, and that a bad release
     * throws and changes nothing.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomAllocationsAndReleasesAgreeWithAModelOfEveryElement(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int align = 1 << r.nextInt(4);                 // 1, 2, 4 or 8
        int reserved = align * r.nextInt(4);
        Arena arena = new Arena(reserved + align * (4 + r.nextInt(64)), reserved, align);
        Model model = new Model(arena.capacity(), reserved, align);
        List<int[]> live = new ArrayList<>();          // {start, length}
        List<int[]> released = new ArrayList<>();
        for (int step = 0; step < 4000; step++) {
            int at = step;
            String what;
            int op = r.nextInt(100);
            if (op < 50) {
                int length = 1 + (r.nextInt(8) == 0 ? r.nextInt(200) : r.nextInt(3 * align + 1));
                int expected = model.firstFit(length);
                int got = arena.allocate(length);
                what = "allocate(" + length + ")";
                assertEquals(expected, got, () -> "seed " + seed + ", step " + at + ": first fit of " + length);
                if (got >= 0) {
                    model.take(got, length);
                    live.add(new int[]{got, length});
                }
            } else if (op < 90 && !live.isEmpty()) {
                int[] range = live.remove(r.nextInt(live.size()));
                arena.free(range[0], range[1]);
                model.give(range[0], range[1]);
                released.add(range);
                what = "free(" + range[0] + ", " + range[1] + ")";
            } else if (op < 95 && !released.isEmpty()) {
                int[] range = released.get(r.nextInt(released.size()));
                what = "bad free(" + range[0] + ", " + range[1] + ")";
                if (model.hasFreeElement(range[0], range[1])) {   // else the arena cannot tell it from a live one
                    long used = arena.used();
                    int largest = arena.largestFree();
                    assertThrows(IllegalStateException.class, () -> arena.free(range[0], range[1]), what);
                    assertEquals(used, arena.used(), what + " changed nothing");
                    assertEquals(largest, arena.largestFree(), what + " changed nothing");
                }
            } else {
                int grown = arena.capacity() + align * r.nextInt(32);
                arena.grow(grown);
                model.grow(grown);
                what = "grow(" + grown + ")";
            }
            String context = "seed " + seed + ", step " + step + " (" + what + ")";
            assertEquals(model.capacity, arena.capacity(), context);
            assertEquals(model.used(), arena.used(), () -> context + ": elements in use");
            assertEquals(model.largestFree(), arena.largestFree(), () -> context + ": largest free range");
        }
        for (int[] range : live) {
            arena.free(range[0], range[1]);
        }
        assertEquals(0, arena.used());
        assertEquals(arena.capacity() - reserved, arena.largestFree(), "everything merged back into one range");
    }

    /** Every element of [reserved, capacity) taken or free; ranges take whole alignment units. */
    private static final class Model {
        private final BitSet taken = new BitSet();
        private final int reserved;
        private final int align;
        private int capacity;

        Model(int capacity, int reserved, int align) {
            this.capacity = capacity;
            this.reserved = reserved;
            this.align = align;
        }

        int footprint(int length) {
            return (length + align - 1) / align * align;
        }

        /** The lowest aligned start ≥ reserved whose footprint is free, or −1. */
        int firstFit(int length) {
            int size = footprint(length);
            for (int s = reserved; s + size <= capacity; s += align) {
                int next = taken.nextSetBit(s);
                if (next < 0 || next >= s + size) {
                    return s;
                }
            }
            return -1;
        }

        void take(int start, int length) {
            taken.set(start, start + footprint(length));
        }

        void give(int start, int length) {
            taken.clear(start, start + footprint(length));
        }

        /** Whether some element of the range's footprint is free (then releasing it must be refused). */
        boolean hasFreeElement(int start, int length) {
            return taken.nextClearBit(start) < start + footprint(length);
        }

        void grow(int newCapacity) {
            capacity = Math.max(capacity, newCapacity);
        }

        long used() {
            return taken.cardinality();
        }

        int largestFree() {
            int best = 0;
            for (int s = taken.nextClearBit(reserved); s < capacity; ) {
                int next = taken.nextSetBit(s);
                int end = next < 0 ? capacity : Math.min(next, capacity);
                best = Math.max(best, end - s);
                s = taken.nextClearBit(end);
            }
            return best;
        }
    }
}
