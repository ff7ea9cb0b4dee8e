package dev.nabla.aparapi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which collectors may move the arena's host array under Aparapi, and how large the arena must be under G1. */
class HostMirrorSafetyTest {
    @Test
    void collectorsThatNeverMoveLargeArraysAreSafe() {
        assertNull(HostMirrorSafety.problem(List.of("G1 Young Generation", "G1 Old Generation", "G1 Concurrent GC")));
        assertNull(HostMirrorSafety.problem(List.of("ZGC Cycles", "ZGC Pauses")));
        assertNull(HostMirrorSafety.problem(List.of("Shenandoah Pauses", "Shenandoah Cycles")));
        assertNull(HostMirrorSafety.problem(List.of()), "Epsilon never collects");
    }

    @Test
    void serialAndParallelCompactLargeArraysAndAreRefused() {
        String serial = HostMirrorSafety.problem(List.of("Copy", "MarkSweepCompact"));
        assertNotNull(serial);
        assertTrue(serial.contains("-XX:+UseG1GC"), serial);
        assertNotNull(HostMirrorSafety.problem(List.of("PS Scavenge", "PS MarkSweep")));
    }

    @Test
    void theArenaIsAtLeastOneG1Region() {
        assertEquals(32L << 20, HostMirrorSafety.minimumArenaBytes(4L << 20));
        assertEquals(64L << 20, HostMirrorSafety.minimumArenaBytes(64L << 20));
    }

    @Test
    void thisTestJvmIsSafe() {
        assertNull(HostMirrorSafety.problem(HostMirrorSafety.collectors()), "tests run with " + HostMirrorSafety.collectors());
    }
}
