package dev.nabla.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs numbered chunks of work on all cores: the calling thread works too, helper threads of a private pool take
 * chunks from a shared counter, and the call returns when every chunk is done. Chunk boundaries are chosen by the
 * caller from the problem size alone, so results (partial sums included) do not depend on timing.
 */
final class Parallel implements AutoCloseable {
    private final int threads;
    private final ForkJoinPool helpers;

    Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.helpers = this.threads == 1 ? null : new ForkJoinPool(this.threads - 1, pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("nabla-cpu-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    int threads() {
        return threads;
    }

    /** Calls body.accept(i) for every i in [0, chunks), spread over the threads; rethrows the first failure. */
    void forEach(int chunks, IntConsumer body) {
        if (chunks <= 0) {
            return;
        }
        if (chunks == 1 || helpers == null) {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(chunks, body);
        int extra = Math.min(threads, chunks) - 1;
        for (int h = 0; h < extra; h++) {
            helpers.execute(job);
        }
        job.run();
        job.awaitAll();
    }

    /**
     * Splits [0, n) into chunks of at least {@code minChunk} elements (at most one per thread unless the work is
     * large) and calls body(from, to) for each.
     */
    void forRange(int n, int minChunk, RangeBody body) {
        int chunks = chunksFor(n, minChunk);
        if (chunks <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        long per = ((long) n + chunks - 1) / chunks;
        forEach(chunks, c -> {
            int from = (int) Math.min(n, c * per);
            int to = (int) Math.min(n, from + per);
            if (from < to) {
                body.run(from, to);
            }
        });
    }

    /** Number of chunks forRange uses for n elements: depends on n and the thread count only. */
    int chunksFor(int n, int minChunk) {
        if (threads == 1 || n < 2L * minChunk) {
            return 1;
        }
        return (int) Math.min(threads, n / minChunk);
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }

    /** A countdown of chunks that any number of threads can work off. */
    private static final class Job implements Runnable {
        private final int chunks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile Thread waiter;

        Job(int chunks, IntConsumer body) {
            this.chunks = chunks;
            this.body = body;
        }

        @Override
        public void run() {
            int i;
            while ((i = next.getAndIncrement()) < chunks) {
                try {
                    if (failure.get() == null) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (done.incrementAndGet() == chunks) {
                        Thread w = waiter;
                        if (w != null) {
                            LockSupport.unpark(w);
                        }
                    }
                }
            }
        }

        void awaitAll() {
            waiter = Thread.currentThread();
            int spins = 0;
            while (done.get() < chunks) {
                if (++spins < 2000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 100_000L);
                }
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
