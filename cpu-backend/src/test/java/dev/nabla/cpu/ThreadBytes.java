package dev.nabla.cpu;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
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
