package dev.nabla.cpu;

import dev.nabla.BackendClosedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
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
        runOnAll(new Job(chunks, body, null, 0, 0));
    }

    /**
     * Hands the job to as many helpers as it has chunks beyond the caller's, works on it too, and waits. After
     * {@link #close} the helpers refuse work: a typed {@link BackendClosedException}, not the pool's
     * RejectedExecutionException.
     */
    private void runOnAll(Job job) {
        int extra = Math.min(threads, job.chunks) - 1;
        if (helpers.isShutdown()) {
            throw new BackendClosedException("cpu: the backend is closed; its " + threads + " threads have stopped "
                    + "[cpu]");
        }
        for (int h = 0; h < extra; h++) {
            helpers.execute(job);
        }
        job.run();
        job.awaitAll();
    }

    /**
     * Splits [0, n) into {@link #chunksFor} chunks of ⌈n / chunks⌉ elements (the last one may be smaller, at least one
     * element) and calls body(from, to) for each; n under 2·minChunk, or one thread, is one call on the caller.
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
        runOnAll(new Job(chunks, null, body, n, per));   // chunks > 1 only with helpers (chunksFor)
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

    /**
     * A countdown of chunks that any number of threads can work off. Its counters are fields updated through
     * VarHandles rather than Atomic objects: a call allocates the job and nothing else.
     */
    private static final class Job implements Runnable {
        private static final VarHandle NEXT;
        private static final VarHandle DONE;
        private static final VarHandle FAILURE;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                NEXT = lookup.findVarHandle(Job.class, "next", int.class);
                DONE = lookup.findVarHandle(Job.class, "done", int.class);
                FAILURE = lookup.findVarHandle(Job.class, "failure", Throwable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final int chunks;
        /** Chunk i is body.accept(i), or with body null, range.run over [i·per, (i + 1)·per) ∩ [0, n). */
        private final IntConsumer body;
        private final RangeBody range;
        private final int n;
        private final long per;
        private volatile int next;
        private volatile int done;
        private volatile Throwable failure;
        private volatile Thread waiter;

        Job(int chunks, IntConsumer body, RangeBody range, int n, long per) {
            this.chunks = chunks;
            this.body = body;
            this.range = range;
            this.n = n;
            this.per = per;
        }

        private void runChunk(int i) {
            if (body != null) {
                body.accept(i);
                return;
            }
            int from = (int) Math.min(n, i * per);
            int to = (int) Math.min(n, from + per);
            if (from < to) {
                range.run(from, to);
            }
        }

        @Override
        public void run() {
            int i;
            while ((i = (int) NEXT.getAndAdd(this, 1)) < chunks) {
                try {
                    if (failure == null) {
                        runChunk(i);
                    }
                } catch (Throwable t) {
                    FAILURE.compareAndSet(this, null, t);
                } finally {
                    if ((int) DONE.getAndAdd(this, 1) + 1 == chunks) {
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
            while (done < chunks) {
                if (++spins < 2000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 100_000L);
                }
            }
            Throwable t = failure;
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
