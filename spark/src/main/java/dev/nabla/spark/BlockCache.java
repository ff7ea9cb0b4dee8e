package dev.nabla.spark;

import org.apache.spark.sql.Row;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The executor-side cache: one {@link PartitionBlock} per (fit, partition) in this JVM, built on the first task of
 * that partition that runs here and reused by every later iteration's task. A task whose block is not here (its
 * first run, or Spark moved the partition to another executor, or re-ran it after a failure) builds it from the
 * partition's rows, so the cache only saves work and never changes a result. {@link #release} closes a fit's blocks.
 */
final class BlockCache {
    private static final Map<String, PartitionBlock> BLOCKS = new ConcurrentHashMap<>();
    private static final AtomicLong BUILDS = new AtomicLong();

    private BlockCache() {
    }

    private static String key(String fitId, int partition) {
        return fitId + "/" + partition;
    }

    /** The block of ({@code plan.fitId()}, {@code partition}), built from {@code rows} when this JVM has none yet. */
    static PartitionBlock get(FitPlan plan, int partition, Iterator<Row> rows) {
        return BLOCKS.computeIfAbsent(key(plan.fitId(), partition), k -> {
            BUILDS.incrementAndGet();
            return PartitionBlock.build(plan, partition, rows);
        });
    }

    /** Closes and forgets every block of fit {@code fitId} in this JVM; returns how many there were. */
    static int release(String fitId) {
        int n = 0;
        String prefix = fitId + "/";
        for (Map.Entry<String, PartitionBlock> e : BLOCKS.entrySet()) {
            if (e.getKey().startsWith(prefix) && BLOCKS.remove(e.getKey(), e.getValue())) {
                e.getValue().close();
                n++;
            }
        }
        return n;
    }

    /** How many blocks of fit {@code fitId} this JVM holds (tests). */
    static int live(String fitId) {
        String prefix = fitId + "/";
        return (int) BLOCKS.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }

    /** How many blocks this JVM holds, of every fit (tests). */
    static int size() {
        return BLOCKS.size();
    }

    /** How many blocks were ever built in this JVM (tests: one per partition per fit means no re-conversion). */
    static long builds() {
        return BUILDS.get();
    }
}
