package dev.nabla.aparapi;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.internal.kernel.IKernelBarrier;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an Aparapi kernel's Java bytecode over a range as OpenCL would: the L work-items of a work-group are L live
 * threads that meet at {@code localBarrier()}. This is how the {@code aparapi-jtp} backend executes, instead of
 * Aparapi's own Java thread pool.
 *
 * <p>Why not Aparapi's: it submits the L items of a group as tasks to a ForkJoinPool sized to the CPU count and
 * relies on {@code ForkJoinPool.managedBlock} to add a thread whenever one waits at the barrier. The pool only
 * <em>may</em> do so, and a barrier needs all L items running at once. JDK 17 before 17.0.17 also miscounts the
 * pool's workers (JDK-8351933). Aparapi's barrier waits without a generation count, so a spurious wake-up lets an
 * item through early. In our CI, one gemm launch on that pool never returned (load 0, the caller in
 * {@code ForkJoinTask.join}, 753 threads), once in two runs of the suite.
 *
 * <p>Here each launch gets L threads from a pool that grows to hold them, so every item of a group runs at once.
 * Thread t executes local id t of every group in turn, as in Aparapi. When the kernel used a barrier, the items of a
 * group also wait for each other before the next group starts, since its local arrays are the same Java arrays. An
 * exception in one item breaks the barrier for good, so the others stop instead of waiting, and the first exception
 * is rethrown. The threads are daemons. Idle ones end after {@value #IDLE_SECONDS} s, and {@link #close} ends them
 * all.
 */
final class JavaWorkGroups implements AutoCloseable {
    private static final long IDLE_SECONDS = 30;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor threads;

    JavaWorkGroups(String backendName) {
        int pool = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> { // a handoff queue: every submitted item gets a thread
                    Thread t = new Thread(r, "nabla-" + backendName + "-" + pool + "-item-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Executes {@code kernel.run()} once per work-item of {@code range} (1, 2 or 3 dimensions), the items of one
     * work-group concurrently, the groups one after another. Returns when every item has finished.
     */
    void execute(Kernel kernel, Range range) {
        int dims = range.getDims();
        int local0 = range.getLocalSize(0);
        int local1 = dims > 1 ? range.getLocalSize(1) : 1;
        int local2 = dims > 2 ? range.getLocalSize(2) : 1;
        int width = local0 * local1 * local2;
        int groups0 = range.getNumGroups(0);
        int groups1 = dims > 1 ? range.getNumGroups(1) : 1;
        int groups = groups0 * groups1 * (dims > 2 ? range.getNumGroups(2) : 1);
        ItemBarrier barrier = new ItemBarrier(width);
        List<Future<?>> items = new ArrayList<>(width);
        for (int t = 0; t < width; t++) {
            Kernel item = kernel.clone();
            Kernel.KernelState state = item.getKernelState();
            state.setRange(range);
            state.setPassId(0);
            if (width == 1) {
                state.disableLocalBarrier();
            } else {
                state.setLocalBarrier(barrier);
            }
            int l0 = t % local0;
            int l1 = (t / local0) % local1;
            int l2 = t / (local0 * local1);
            items.add(threads.submit(() -> {
                try {
                    for (int g = 0; g < groups; g++) {
                        int g0 = g % groups0;
                        int g1 = (g / groups0) % groups1;
                        int g2 = g / (groups0 * groups1);
                        state.setLocalId(0, l0);
                        state.setGroupId(0, g0);
                        state.setGlobalId(0, g0 * local0 + l0);
                        if (dims > 1) {
                            state.setLocalId(1, l1);
                            state.setGroupId(1, g1);
                            state.setGlobalId(1, g1 * local1 + l1);
                        }
                        if (dims > 2) {
                            state.setLocalId(2, l2);
                            state.setGroupId(2, g2);
                            state.setGlobalId(2, g2 * local2 + l2);
                        }
                        long before = barrier.generation();
                        item.run();
                        if (barrier.generation() != before) {     // it met the others at a barrier
                            // it shares local memory, which is the next group's too: every item leaves this group first
                            barrier.block();
                        }
                    }
                } catch (ItemBarrier.Broken e) {
                    // another item failed first; its exception is the one reported
                } catch (RuntimeException | Error e) {
                    barrier.breakBarrier(e);
                    throw e;
                }
            }));
        }
        Throwable first = null;
        for (Future<?> f : items) {
            try {
                f.get();
            } catch (ExecutionException e) {
                first = first == null ? e.getCause() : first;
            } catch (InterruptedException e) {
                barrier.breakBarrier(e);
                Thread.currentThread().interrupt();
                first = first == null ? e : first;
            }
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException("a work-item was interrupted", first);
        }
    }

    /** Ends the threads; a later {@link #execute} is refused by the pool. */
    @Override
    public void close() {
        threads.shutdownNow();
    }

    /**
     * Aparapi's barrier interface: {@code localBarrier()} reaches {@link #block} through
     * {@code ForkJoinPool.managedBlock}, which on these plain threads just calls it until it returns true. A barrier
     * of {@code width} items with a generation count, so a wake-up is never mistaken for a release, and broken for
     * good once an item fails: items still on their way to it then stop there too.
     */
    private static final class ItemBarrier implements IKernelBarrier {
        /** Thrown in the items of a launch whose barrier was broken by another item's failure. */
        static final class Broken extends RuntimeException {
            Broken() {
                super("another work-item of the group failed", null, false, false);
            }
        }

        private final int width;
        private int arrived;
        /** Barriers completed by the group so far; OpenCL requires every item of a group to reach the same ones. */
        private long generation;
        private boolean broken;

        ItemBarrier(int width) {
            this.width = width;
        }

        synchronized long generation() {
            return generation;
        }

        @Override
        public boolean block() {
            synchronized (this) {
                if (broken) {
                    throw new Broken();
                }
                long mine = generation;
                if (++arrived == width) {
                    arrived = 0;
                    generation++;
                    notifyAll();
                } else {
                    while (generation == mine && !broken) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            broken = true;
                            notifyAll();
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (generation == mine) {
                        throw new Broken();
                    }
                }
            }
            return true;
        }

        @Override
        public boolean isReleasable() {
            return false;
        }

        @Override
        public synchronized void cancelBarrier() {
            breakBarrier(null);
        }

        @Override
        public synchronized void breakBarrier(Throwable e) {
            broken = true;
            notifyAll();
        }
    }
}
