package dev.nabla.parallel;

import dev.nabla.ReplicaFailedException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * One thread per replica: runs a task on several replicas at once and returns only when every one of them has
 * finished, failed or not, so that no replica still works on a step the caller has already seen fail (and nothing a
 * task allocates outlives the call). A failure is reported for the lowest failed replica index, as a
 * {@link ReplicaFailedException}; the failures of other replicas are attached to it as suppressed exceptions.
 */
final class ReplicaPool implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();
    private final ExecutorService threads;
    private final String[] backendNames;

    /** A pool for replicas on the named backends; with one replica, tasks run on the caller's thread. */
    ReplicaPool(String[] backendNames) {
        this.backendNames = backendNames.clone();
        int k = backendNames.length;
        if (k == 1) {
            threads = null;
            return;
        }
        int pool = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        threads = Executors.newFixedThreadPool(k, r -> {
            Thread t = new Thread(r, "nabla-data-parallel-" + pool + "-" + n.getAndIncrement());
            t.setDaemon(true);                              // a forgotten DataParallel does not keep the JVM alive
            return t;
        });
    }

    /**
     * Runs {@code task} for each replica in {@code from..k−1} at once; results in replica order.
     *
     * @throws ReplicaFailedException for the lowest replica whose task threw a RuntimeException (an Error is
     *         rethrown as it is, after every task finished)
     */
    <T> List<T> run(String call, ReplicaFailedException.Stage stage, int from, IntFunction<T> task) {
        int k = backendNames.length;
        List<T> results = new ArrayList<>(k - from);
        if (threads == null) {
            for (int i = from; i < k; i++) {
                try {
                    results.add(task.apply(i));
                } catch (RuntimeException e) {
                    throw new ReplicaFailedException(call, i, k, backendNames[i], stage, e);
                }
            }
            return results;
        }
        List<Future<T>> futures = new ArrayList<>(k - from);
        for (int i = from; i < k; i++) {
            int replica = i;
            futures.add(threads.submit(() -> task.apply(replica)));
        }
        ReplicaFailedException failure = null;
        Error error = null;
        boolean interrupted = false;
        for (int i = from; i < k; i++) {
            Future<T> f = futures.get(i - from);
            while (true) {
                try {
                    results.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;                     // keep waiting: the replicas must be done before we return
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error err) {
                        if (error == null) {
                            error = err;
                        } else {
                            error.addSuppressed(err);
                        }
                    } else {
                        var r = new ReplicaFailedException(call, i, k, backendNames[i], stage, cause);
                        if (failure == null) {
                            failure = r;
                        } else {
                            failure.addSuppressed(r);
                        }
                    }
                    results.add(null);
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (error != null) {
            if (failure != null) {
                error.addSuppressed(failure);
            }
            throw error;
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    @Override
    public void close() {
        if (threads != null) {
            threads.shutdown();
        }
    }
}
