package dev.nabla.aparapi;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the JVM's garbage collector may move the arena's Java array, and how large the arena must be so it won't.
 *
 * <p>Aparapi pins a kernel's arrays only while a launch runs and compares their addresses from launch to launch; an
 * array that moved in between gets a NEW device buffer created from the Java array. For the arena that Java array is
 * only the host mirror (stale: the data lives on the device), so a move would silently replace every tensor with old
 * host contents. G1 never moves humongous objects (at least half a region), ZGC never relocates large objects and
 * Shenandoah never moves humongous regions, so the arena is made at least one G1 region large (and ≥ 32 MiB).
 * The Serial and Parallel collectors compact large arrays like any other: with them the backend refuses to start.
 */
final class HostMirrorSafety {
    private HostMirrorSafety() {
    }

    /** The collectors whose full collections slide large arrays (MXBean names). */
    private static final List<String> MOVING = List.of("Copy", "MarkSweepCompact", "PS Scavenge", "PS MarkSweep");

    /** Why the arena is not safe under these collectors, or null when it is. */
    static String problem(List<String> collectorNames) {
        for (String name : collectorNames) {
            if (MOVING.contains(name)) {
                return "the " + name + " garbage collector may move the arena's Java array, and Aparapi would then "
                        + "re-create the device buffer from that stale host copy; run with -XX:+UseG1GC (the default), "
                        + "ZGC or Shenandoah";
            }
        }
        return null;
    }

    /** The smallest arena in bytes: a G1 humongous object when G1 runs with regions of {@code g1RegionBytes}. */
    static long minimumArenaBytes(long g1RegionBytes) {
        return Math.max(Geometry.MIN_ARENA_BYTES, g1RegionBytes);
    }

    /** This JVM's collector names. */
    static List<String> collectors() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        return names;
    }

    /** G1's region size in this JVM (0 when not known). */
    static long g1RegionBytes() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? 0 : Long.parseLong(bean.getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException | LinkageError notHotSpot) {
            return 0;
        }
    }
}
