package dev.nabla.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Parallel}, the cpu backend's thread pool, on its own: that chunks really run at the same time on the
 * threads asked for, that every chunk runs exactly once, forRange's split, failures, and that close ends the helper
 * threads. Every kernel gives the same bits for any split, so the kernel suites cannot see any of this (the
 * cpu-backend PIT part's survivors, docs/reliability.md). Every wait is bounded: a pool that runs chunks one by one
 * fails here instead of hanging.
 */
class ParallelTest {
    /** How long a chunk waits for the others at a barrier before the test calls the chunks sequential. */
    private static final long WAIT_S = 20;

    private static void await(CyclicBarrier barrier, int chunk) {
        try {
            barrier.await(WAIT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("chunk " + chunk + " waited " + WAIT_S + " s at a barrier of "
                    + barrier.getParties() + " that only chunks running at the same time pass", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void threadsIsWhatWasAskedForAndAtLeastOne() {
        for (int threads = 1; threads <= 5; threads++) {
            try (Parallel p = new Parallel(threads)) {
                assertEquals(threads, p.threads());
            }
        }
        try (Parallel zero = new Parallel(0); Parallel negative = new Parallel(-3)) {
            assertEquals(1, zero.threads());
            assertEquals(1, negative.threads());
        }
    }

    @Test
    @Timeout(120)
    void asManyChunksAsThreadsRunAtTheSameTimeTheCallerAmongThem() {
        for (int threads = 2; threads <= 4; threads++) {
            try (Parallel p = new Parallel(threads)) {
                CyclicBarrier all = new CyclicBarrier(threads);
                Set<Thread> ran = ConcurrentHashMap.newKeySet();
                p.forEach(threads, i -> {
                    ran.add(Thread.currentThread());
                    await(all, i);
                });
                assertEquals(threads, ran.size(), threads + " threads");
                assertTrue(ran.contains(Thread.currentThread()), "the calling thread works too");
            }
        }
    }

    @Test
    @Timeout(120)
    void moreChunksThanThreadsRunInRoundsOfAllTheThreads() {
        // a barrier of `threads` parties passes each round only when every thread holds a chunk at once
        for (int threads = 2; threads <= 3; threads++) {
            try (Parallel p = new Parallel(threads)) {
                CyclicBarrier round = new CyclicBarrier(threads);
                AtomicIntegerArray runs = new AtomicIntegerArray(5 * threads);
                p.forEach(5 * threads, i -> {
                    runs.incrementAndGet(i);
                    await(round, i);
                });
                for (int i = 0; i < runs.length(); i++) {
                    assertEquals(1, runs.get(i), "chunk " + i);
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void everyChunkRunsExactlyOnce() {
        int[] chunkCounts = {0, 1, 2, 3, 7, 64, 1000};
        for (int threads : new int[]{1, 2, 3, 5}) {
            try (Parallel p = new Parallel(threads)) {
                for (int chunks : chunkCounts) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(chunks + 1);
                    List<Integer> outside = java.util.Collections.synchronizedList(new ArrayList<>());
                    p.forEach(chunks, i -> {
                        if (i < 0 || i >= chunks) {
                            outside.add(i);
                        } else {
                            runs.incrementAndGet(i);
                        }
                    });
                    assertEquals(List.of(), outside, threads + " threads, " + chunks + " chunks: indices outside");
                    for (int i = 0; i < chunks; i++) {
                        assertEquals(1, runs.get(i), threads + " threads, " + chunks + " chunks: chunk " + i);
                    }
                }
                p.forEach(-1, i -> fail("no chunk of a negative count"));
            }
        }
    }

    @Test
    @Timeout(120)
    void theCallReturnsOnlyWhenEveryChunkHasFinished() {
        // the chunk the caller does not run waits for the call to return (it returns only after that chunk): a
        // call that returns after its own chunk leaves that chunk unfinished when it is looked at
        try (Parallel p = new Parallel(2)) {
            Thread caller = Thread.currentThread();
            CyclicBarrier both = new CyclicBarrier(2);
            CountDownLatch returned = new CountDownLatch(1);
            AtomicBoolean helperFinished = new AtomicBoolean();
            p.forEach(2, i -> {
                await(both, i);
                if (Thread.currentThread() != caller) {
                    try {
                        assertFalse(returned.await(500, TimeUnit.MILLISECONDS), "the call returned before this chunk"
                                + " finished");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    helperFinished.set(true);
                }
            });
            boolean finished = helperFinished.get();
            returned.countDown();
            assertTrue(finished, "forEach returned while a helper's chunk was still running");
        }
    }

    @Test
    void chunksForDependsOnNMinChunkAndThreads() {
        try (Parallel four = new Parallel(4); Parallel one = new Parallel(1)) {
            assertEquals(1, four.chunksFor(0, 10));
            assertEquals(1, four.chunksFor(19, 10), "less than two chunks' worth");
            assertEquals(2, four.chunksFor(20, 10), "exactly two");
            assertEquals(2, four.chunksFor(29, 10));
            assertEquals(3, four.chunksFor(30, 10));
            assertEquals(4, four.chunksFor(40, 10));
            assertEquals(4, four.chunksFor(1_000_000, 10), "at most one per thread");
            assertEquals(2, four.chunksFor(2, 1));
            assertEquals(3, four.chunksFor(Integer.MAX_VALUE, 1 << 29));
            assertEquals(1, four.chunksFor(Integer.MAX_VALUE, 1 << 30), "two chunks' worth is more than an int");
            assertEquals(1, one.chunksFor(1_000_000, 10), "one thread, one chunk");
        }
    }

    private record Range(int from, int to) {
    }

    @Test
    @Timeout(120)
    void forRangeCoversEachElementOnceInTheDocumentedChunks() {
        int[][] cases = {{0, 1}, {1, 1}, {5, 1}, {9, 3}, {10, 3}, {19, 10}, {20, 10}, {21, 10}, {39, 10}, {40, 10},
                {1000, 10}, {1001, 7}, {100_003, 1 << 15}};
        for (int threads = 1; threads <= 4; threads++) {
            try (Parallel p = new Parallel(threads)) {
                for (int[] c : cases) {
                    int n = c[0];
                    int minChunk = c[1];
                    String what = threads + " threads, n " + n + ", minChunk " + minChunk;
                    List<Range> ranges = java.util.Collections.synchronizedList(new ArrayList<>());
                    p.forRange(n, minChunk, (from, to) -> ranges.add(new Range(from, to)));
                    List<Range> sorted = new ArrayList<>(ranges);
                    sorted.sort((a, b) -> Integer.compare(a.from(), b.from()));
                    int chunks = p.chunksFor(n, minChunk);
                    int per = (n + chunks - 1) / chunks;
                    int expected = n == 0 ? 0 : (n + per - 1) / per;      // the chunks that are not empty
                    assertEquals(expected, sorted.size(), what + ": " + sorted);
                    int at = 0;
                    for (int k = 0; k < sorted.size(); k++) {
                        Range r = sorted.get(k);
                        assertEquals(at, r.from(), what + ": gap or overlap in " + sorted);
                        assertTrue(r.to() > r.from(), what + ": empty range in " + sorted);
                        if (k < sorted.size() - 1) {
                            assertEquals(per, r.to() - r.from(), what + ": " + sorted);
                            assertTrue(r.to() - r.from() >= minChunk, what + ": smaller than minChunk: " + sorted);
                        }
                        at = r.to();
                    }
                    assertEquals(n, at, what + ": " + sorted);
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void forRangeSplitsOverThreadsAtTheSameTime() {
        try (Parallel p = new Parallel(2)) {
            CyclicBarrier both = new CyclicBarrier(2);
            Set<Thread> ran = ConcurrentHashMap.newKeySet();
            p.forRange(200, 100, (from, to) -> {
                ran.add(Thread.currentThread());
                await(both, from);
            });
            assertEquals(2, ran.size());
        }
    }

    @Test
    @Timeout(120)
    void aFailureInOneChunkIsRethrownToTheCaller() {
        for (int threads : new int[]{1, 2, 3}) {
            try (Parallel p = new Parallel(threads)) {
                IllegalArgumentException runtime = new IllegalArgumentException("chunk 5");
                assertSame(runtime, assertThrows(IllegalArgumentException.class, () -> p.forEach(8, i -> {
                    if (i == 5) {
                        throw runtime;
                    }
                })), threads + " threads");
                StackOverflowError error = new StackOverflowError("chunk 2");
                assertSame(error, assertThrows(StackOverflowError.class, () -> p.forEach(8, i -> {
                    if (i == 2) {
                        throw error;
                    }
                })), threads + " threads");
                IOException checked = new IOException("chunk 0");
                Throwable thrown = assertThrows(Throwable.class, () -> p.forEach(8, i -> {
                    if (i == 0) {
                        sneakyThrow(checked);
                    }
                }));
                if (threads > 1) {                                  // the pool wraps it; one thread just throws it
                    assertEquals(IllegalStateException.class, thrown.getClass());
                    assertSame(checked, thrown.getCause());
                } else {
                    assertSame(checked, thrown);
                }
                AtomicIntegerArray runs = new AtomicIntegerArray(8);
                p.forEach(8, runs::incrementAndGet);
                for (int i = 0; i < 8; i++) {
                    assertEquals(1, runs.get(i), threads + " threads: the pool works after a failure, chunk " + i);
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void theFirstFailureIsTheOneRethrown() {
        try (Parallel p = new Parallel(2)) {
            CyclicBarrier both = new CyclicBarrier(2);
            AtomicReference<Thread> firstThrower = new AtomicReference<>();
            RuntimeException first = new IllegalStateException("first");
            RuntimeException second = new IllegalStateException("second");
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> p.forEach(2, i -> {
                await(both, i);
                if (i == 0) {
                    firstThrower.set(Thread.currentThread());
                    throw first;
                }
                // fail second only once chunk 0's thread has recorded its failure and moved on to waiting (the
                // caller parks in awaitAll, a helper goes idle in its pool): nothing in between blocks
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
                while (true) {
                    Thread t = firstThrower.get();
                    if (t != null && (t.getState() == Thread.State.WAITING
                            || t.getState() == Thread.State.TIMED_WAITING)) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("chunk 0's thread never went on to wait");
                    }
                    Thread.onSpinWait();
                }
                throw second;
            }));
            assertSame(first, thrown);
        }
    }

    @Test
    @Timeout(120)
    void helpersAreNamedDaemonThreadsThatCloseEnds() throws InterruptedException {
        Parallel p = new Parallel(3);
        CyclicBarrier all = new CyclicBarrier(3);
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        p.forEach(3, i -> {
            ran.add(Thread.currentThread());
            await(all, i);
        });
        ran.remove(Thread.currentThread());
        assertEquals(2, ran.size(), "two helpers");
        for (Thread t : ran) {
            assertTrue(t.getName().matches("nabla-cpu-\\d+"), t.getName());
            assertTrue(t.isDaemon(), t.getName() + " must not keep the JVM alive");
            assertTrue(t.isAlive(), t.getName());
        }
        p.close();
        for (Thread t : ran) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            assertFalse(t.isAlive(), t.getName() + " still runs " + WAIT_S + " s after close");
        }
        p.close();                                                  // twice is harmless
        assertThrows(dev.nabla.BackendClosedException.class, () -> p.forEach(3, i -> { }),
                "parallel work after close is refused with the library's typed error");
        p.forEach(1, i -> { });                                     // one chunk runs on the caller: no helper needed
        try (Parallel one = new Parallel(1)) {                      // no helpers to stop
            one.forEach(3, i -> { });
        }
    }

    /**
     * Back-to-back calls with gaps around the helpers' spin time: every call still runs on all threads at once. A
     * job left in the slot of a helper that had just stopped spinning, with nobody to run its loop, would leave the
     * caller alone at the barrier, and the call would fail after WAIT_S instead of passing.
     */
    @Test
    @Timeout(120)
    void everyCallFindsItsHelpersWhetherTheyAreSpinningOrParked() {
        java.util.Random random = new java.util.Random(11);
        for (long spin : new long[]{0, 20_000, Parallel.SPIN_NANOS}) {
            for (int threads = 2; threads <= 3; threads++) {
                try (Parallel p = new Parallel(threads, spin)) {
                    for (int call = 0; call < 300; call++) {
                        CyclicBarrier all = new CyclicBarrier(threads);
                        Set<Thread> ran = ConcurrentHashMap.newKeySet();
                        p.forEach(threads, i -> {
                            ran.add(Thread.currentThread());
                            await(all, i);
                        });
                        assertEquals(threads, ran.size(), "spin " + spin + " ns, call " + call);
                        long gap = System.nanoTime() + random.nextInt((int) Math.max(1, 3 * spin) + 1000);
                        while (System.nanoTime() < gap) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }
        }
    }

    /**
     * A helper held by one caller's job is not waited for by another caller. With two threads the second call runs its
     * chunks on its own thread and returns while the helper is still held; with three, the free helper is asked
     * before the held one, so the second call's two chunks run at the same time (a barrier of two parties).
     */
    @Test
    @Timeout(120)
    void aSecondCallerAsksTheFreeHelperAndDoesNotWaitForTheHeldOne() throws Exception {
        for (int threads = 2; threads <= 3; threads++) {
            try (Parallel p = new Parallel(threads)) {
                CountDownLatch helperHeld = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                Set<Thread> held = ConcurrentHashMap.newKeySet();
                Thread first = new Thread(() -> p.forEach(2, i -> {
                    boolean helper = Thread.currentThread().getName().startsWith("nabla-cpu-");
                    if (helper) {
                        held.add(Thread.currentThread());
                        helperHeld.countDown();
                    }
                    try {                                   // the caller's chunk waits until a helper holds the other
                        assertTrue((helper ? release : helperHeld).await(WAIT_S, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
                first.start();
                assertTrue(helperHeld.await(WAIT_S, TimeUnit.SECONDS), "a helper took the first call's chunk");
                Set<Thread> ran = ConcurrentHashMap.newKeySet();
                AtomicIntegerArray runs = new AtomicIntegerArray(2);
                CyclicBarrier both = new CyclicBarrier(2);
                final int t = threads;
                p.forEach(2, i -> {
                    ran.add(Thread.currentThread());
                    runs.incrementAndGet(i);
                    if (t == 3) {
                        await(both, i);
                    }
                });
                for (Thread h : held) {
                    assertFalse(ran.contains(h), threads + " threads: the held helper ran a chunk of the second call");
                }
                assertTrue(ran.contains(Thread.currentThread()), threads + " threads: the caller ran a chunk");
                assertEquals(threads - 1, ran.size(), threads + " threads: threads that ran the second call");
                for (int i = 0; i < 2; i++) {
                    assertEquals(1, runs.get(i), "chunk " + i);
                }
                release.countDown();
                first.join(TimeUnit.SECONDS.toMillis(WAIT_S));
                assertFalse(first.isAlive());
            }
        }
    }
}
