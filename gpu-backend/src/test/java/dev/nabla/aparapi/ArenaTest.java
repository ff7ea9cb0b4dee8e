package dev.nabla.aparapi;

import org.junit.jupiter.api.Test;

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
}
