package dev.nabla.cpu;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The heap bytes every live thread has allocated, from {@code com.sun.management.ThreadMXBean}: the allocation
 * tests count a step's bytes on the caller's thread and on the backends' own threads alike.
 */
final class ThreadBytes {
    private final com.sun.management.ThreadMXBean threads;
    private Map<Long, Long> start;

    private ThreadBytes(com.sun.management.ThreadMXBean threads) {
        this.threads = threads;
    }

    /** A counter of this JVM's threads (the test is skipped where the JVM cannot count per thread). */
    static ThreadBytes counter() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "this JVM has no com.sun.management.ThreadMXBean to count allocated bytes");
        var threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        return new ThreadBytes(threads);
    }

    /** Starts counting from now. */
    void start() {
        start = snapshot();
    }

    /** Bytes allocated by all threads since {@link #start} (a thread started since counts from 0). */
    long sinceStart() {
        long bytes = 0;
        for (Map.Entry<Long, Long> e : snapshot().entrySet()) {
            bytes += e.getValue() - start.getOrDefault(e.getKey(), 0L);
        }
        return bytes;
    }

    /**
     * Bytes per step over windows of {@code window} steps, one after the other, until a window comes under
     * {@code bound} or {@code limitNanos} have passed: until C2 has compiled the kernels their C1 code boxes vectors,
     * and how long that takes depends on the machine's load. {@code sync} ends each window (the backend's
     * synchronize). The step passed if the last window is under the bound.
     */
    List<Long> stepWindows(Runnable step, Runnable sync, int window, long bound, long limitNanos) {
        List<Long> windows = new ArrayList<>();
        long end = System.nanoTime() + limitNanos;
        while (System.nanoTime() < end) {
            start();
            for (int s = 0; s < window; s++) {
                step.run();
            }
            sync.run();
            long perStep = sinceStart() / window;
            windows.add(perStep);
            if (perStep < bound) {
                break;
            }
        }
        return windows;
    }

    private Map<Long, Long> snapshot() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }
}
