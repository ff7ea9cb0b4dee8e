package dev.nabla.cpu;

import dev.nabla.BackendClosedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs numbered chunks of work on all cores: the calling thread works too, helper threads of its own take chunks
 * from a shared counter, and the call returns when every chunk is done. Chunk boundaries are chosen by the
 * caller from the problem size alone, so results (partial sums included) do not depend on timing.
 *
 * <p>A helper that finishes a job waits for the next one by spinning for {@link #SPIN_NANOS} before it parks, as
 * OpenMP runtimes and OpenBLAS's threads do; a helper parked for {@link #KEEP_ALIVE_NANOS} ends its thread, and the
 * next call starts a new one. A training step is a few dozen parallel calls
 * with a little work on the caller between them. Handed to a parked pool thread, a call of two 20 µs chunks with
 * 20 µs of the caller's work between calls took 38.5 µs, and with gaps of 150 µs and more 78–83 µs (the helper's
 * wake-up, then the caller's); to a spinning helper, 24 µs (2-core Zen 5, JDK 17; docs/performance.md).
 */
final class Parallel implements AutoCloseable {
    /**
     * How long an idle helper spins for the next job before it parks: {@code -Dnabla.cpu.spin.micros}, default 200 µs;
     * 0 parks at once.
     */
    static final long SPIN_NANOS = Math.max(0, Long.getLong("nabla.cpu.spin.micros", 200)) * 1000;

    /** How long a parked helper keeps its thread, as a ForkJoinPool keeps an idle worker: 60 s. */
    static final long KEEP_ALIVE_NANOS = 60_000_000_000L;

    private final int threads;
    private final long spinNanos;
    private final Helper[] helpers;
    private volatile boolean closed;

    Parallel(int threads) {
        this(threads, SPIN_NANOS);
    }

    /** {@code threads} threads, the caller's included, whose helpers spin {@code spinNanos} for the next job. */
    Parallel(int threads, long spinNanos) {
        this.threads = Math.max(1, threads);
        this.spinNanos = Math.max(0, spinNanos);
        this.helpers = new Helper[this.threads - 1];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = new Helper("nabla-cpu-" + h);
        }
    }

    int threads() {
        return threads;
    }

    /** Calls body.accept(i) for every i in [0, chunks), spread over the threads; rethrows the first failure. */
    void forEach(int chunks, IntConsumer body) {
        if (chunks <= 0) {
            return;
        }
        if (chunks == 1 || helpers.length == 0) {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
            return;
        }
        runOnAll(new Job(chunks, body, null, 0, 0));
    }

    /**
     * Hands the job to as many helpers as it has chunks beyond the caller's, works on it too, and waits. Helpers that
     * are not running a job are asked first; one still running another caller's job (or, nested, this thread's own)
     * gets the job only when no free one is left, and joins it when it is free, if chunks are left: the chunks come
     * from the job's counter, so the caller takes what no helper took. After {@link #close} the helpers refuse work:
     * a typed {@link BackendClosedException}.
     */
    private void runOnAll(Job job) {
        int extra = Math.min(threads, job.chunks) - 1;
        if (closed) {
            throw new BackendClosedException("cpu: the backend is closed; its " + threads + " threads have stopped "
                    + "[cpu]");
        }
        int given = 0;
        long asked = 0;                                 // helpers given the job in the first pass (the first 64)
        for (int h = 0; h < helpers.length && given < extra; h++) {
            if (!helpers[h].running && helpers[h].offer(job)) {
                given++;
                asked |= h < 64 ? 1L << h : 0;
            }
        }
        for (int h = 0; h < helpers.length && given < extra; h++) {
            if ((h >= 64 || (asked & 1L << h) == 0) && helpers[h].offer(job)) {
                given++;
            }
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
        closed = true;
        for (Helper h : helpers) {
            h.slot = null;
            Thread t = h.thread;
            if (t != null) {
                LockSupport.unpark(t);                  // it sees closed and ends
            }
        }
    }

    /**
     * One helper: a slot that holds the next job for it, and a thread that runs its loop while it is active. The loop
     * takes the job from the slot, runs it, spins up to {@code spinNanos} for the next one, then parks; after
     * {@link #KEEP_ALIVE_NANOS} parked it marks itself idle and its thread ends. Whoever fills the slot of an idle helper
     * starts a new thread; of a parked one, unparks it. Each side writes its own field and then reads the other's
     * (slot, then active and parked; active or parked, then slot), all volatile, so a job is never left in the slot
     * of a helper that nobody runs or wakes. (Handing the loop to a ForkJoinPool instead lost jobs: on three threads
     * a loop task sat in the pool's submission queue while a worker idled, and its helper's slot stayed full.)
     */
    private final class Helper implements Runnable {
        private static final VarHandle SLOT;
        private static final VarHandle ACTIVE;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                SLOT = lookup.findVarHandle(Helper.class, "slot", Job.class);
                ACTIVE = lookup.findVarHandle(Helper.class, "active", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final String name;
        private volatile Job slot;
        private volatile boolean active;
        private volatile boolean parked;
        private volatile Thread thread;
        /** While its loop runs a job: callers ask this helper after the free ones. */
        volatile boolean running;

        Helper(String name) {
            this.name = name;
        }

        /** Puts {@code job} in this helper's empty slot and wakes or starts its thread; false if the slot is full. */
        boolean offer(Job job) {
            if (!SLOT.compareAndSet(this, (Job) null, job)) {
                return false;
            }
            if (ACTIVE.compareAndSet(this, false, true)) {
                try {
                    Thread t = new Thread(this, name);
                    t.setDaemon(true);
                    thread = t;
                    t.start();
                } catch (RuntimeException | Error notStarted) {
                    // no thread could be started: the slot keeps no reference to the job's arrays, and the caller
                    // runs the chunks itself
                    thread = null;
                    active = false;
                    SLOT.compareAndSet(this, job, (Job) null);
                    throw notStarted;
                }
            } else if (parked) {
                LockSupport.unpark(thread);
            }
            return true;
        }

        @Override
        public void run() {
            while (true) {
                Job job = (Job) SLOT.getAndSet(this, (Job) null);
                if (job != null) {
                    running = true;
                    try {
                        job.run();
                    } finally {
                        running = false;
                    }
                    continue;
                }
                long start = System.nanoTime();
                while (slot == null && !closed && System.nanoTime() - start < spinNanos) {
                    Thread.onSpinWait();
                }
                if (slot == null && !closed) {
                    parked = true;
                    long parkedAt = System.nanoTime();
                    long left;
                    while (slot == null && !closed && (left = KEEP_ALIVE_NANOS - (System.nanoTime() - parkedAt)) > 0) {
                        LockSupport.parkNanos(this, left);
                        Thread.interrupted();               // only close ends a helper
                    }
                    parked = false;
                }
                if (slot != null && !closed) {
                    continue;
                }
                active = false;
                // a job offered after the check above saw active still true and did not start a thread: take it
                if (slot == null || closed || !ACTIVE.compareAndSet(this, false, true)) {
                    return;
                }
            }
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
