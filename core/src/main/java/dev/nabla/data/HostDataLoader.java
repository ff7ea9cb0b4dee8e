package dev.nabla.data;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.IndexOutOfRangeException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Mini-batches of a dataset that stays on the host (features as a row-major float[], INT32 labels as an int[]), for
 * data too large for the device. Each batch is gathered on the host and uploaded by a background thread while the
 * caller computes on the previous one: the upload of batch i + 1 overlaps the step on batch i wherever the backend
 * runs transfers and kernels at the same time (every backend allows calls from two threads on different buffers).
 * Orders are those of {@link DataLoader} for the same seed, so both loaders give the same batches.
 *
 * <p>Each {@link Batch}'s tensors are valid until the next batch is taken (the loader then closes them); the one-hot
 * targets are built on the device. {@link #close()} waits for the upload in flight and frees everything.
 */
public final class HostDataLoader implements AutoCloseable {
    private final Backend backend;
    private final float[] features;
    private final int[] labels;
    private final int rows;
    private final int cols;
    private final int batchSize;
    private int classes;
    private boolean shuffle;
    private long seed;
    private boolean dropLast;
    private boolean closed;
    private final ExecutorService uploader;
    /** The batch handed out last (closed when the next one is taken) and the one being uploaded. */
    private Batch current;
    private CompletableFuture<Batch> pending;

    private HostDataLoader(Backend backend, float[] features, int[] labels, int rows, int cols, int batchSize) {
        this.backend = backend;
        this.features = features;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
        this.batchSize = batchSize;
        this.uploader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nabla-host-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A loader over host data, in dataset order until {@link #shuffle} is called.
     *
     * @param backend where batches are uploaded
     * @param features rows × cols values, row-major (not copied: do not change them while the loader runs)
     * @param labels rows labels
     * @param rows the number of rows
     * @param cols the features per row
     * @param batchSize rows per batch, ≥ 1
     * @return a new loader
     */
    public static HostDataLoader of(Backend backend, float[] features, int[] labels, int rows, int cols,
                                    int batchSize) {
        if (backend == null || features == null || labels == null) {
            throw new InvalidArgumentException("HostDataLoader.of: the backend, features or labels is null");
        }
        String tag = " [" + backend.name() + "]";
        if (rows < 0 || cols < 0 || (long) rows * cols != features.length || labels.length != rows) {
            throw new InvalidArgumentException("HostDataLoader.of: " + features.length + " features and "
                    + labels.length + " labels do not make " + rows + " rows of " + cols + tag);
        }
        if (batchSize < 1) {
            throw new InvalidArgumentException("HostDataLoader.of: batch size must be ≥ 1, got " + batchSize + tag);
        }
        return new HostDataLoader(backend, features, labels, rows, cols, batchSize);
    }

    /**
     * Also gives each batch one-hot targets over {@code classes} columns (every label is checked here).
     *
     * @param classes the number of classes
     * @return this loader
     */
    public HostDataLoader classes(int classes) {
        if (classes < 1) {
            throw new InvalidArgumentException("HostDataLoader.classes: the number of classes must be ≥ 1, got "
                    + classes + " [" + backend.name() + "]");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IndexOutOfRangeException("HostDataLoader.classes: label " + labels[i] + " of row " + i
                        + " is outside [0, " + classes + ") [" + backend.name() + "]");
            }
        }
        this.classes = classes;
        return this;
    }

    /**
     * Visits each epoch's rows in the order {@link DataLoader#shuffle} would.
     *
     * @param seed the seed
     * @return this loader
     */
    public HostDataLoader shuffle(long seed) {
        this.shuffle = true;
        this.seed = seed;
        return this;
    }

    /**
     * Leaves out a smaller last batch.
     *
     * @param dropLast whether to drop it
     * @return this loader
     */
    public HostDataLoader dropLast(boolean dropLast) {
        this.dropLast = dropLast;
        return this;
    }

    /**
     * Batches per epoch.
     *
     * @return ⌈rows / batchSize⌉, or ⌊rows / batchSize⌋ with dropLast
     */
    public int batches() {
        return dropLast ? rows / batchSize : (rows + batchSize - 1) / batchSize;
    }

    /**
     * The batches of epoch {@code epoch}; the next batch is uploaded while the caller works on the current one.
     *
     * @param epoch the epoch number, from 0
     * @return the epoch's batches
     */
    public Iterable<Batch> epoch(long epoch) {
        if (closed) {
            throw new InvalidArgumentException("HostDataLoader.epoch: the loader is closed [" + backend.name() + "]");
        }
        int[] order = EpochOrder.of(rows, shuffle, seed, epoch);
        int count = batches();
        return () -> new Iterator<>() {
            private int next;

            {
                discard();
                if (count > 0) {
                    pending = CompletableFuture.supplyAsync(() -> upload(order, 0), uploader);
                }
            }

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("HostDataLoader: epoch " + epoch + " has " + count + " batches");
                }
                if (closed) {
                    throw new InvalidArgumentException("HostDataLoader.next: the loader is closed ["
                            + backend.name() + "]");
                }
                closeBatch(current);
                current = null;
                Batch b = await(pending);
                pending = null;
                int following = ++next;
                if (following < count) {                     // start the next upload before the caller computes
                    pending = CompletableFuture.supplyAsync(() -> upload(order, following), uploader);
                }
                current = b;
                return b;
            }
        };
    }

    /** Gathers batch {@code index} of {@code order} on the host and uploads it (on the uploader thread). */
    private Batch upload(int[] order, int index) {
        int from = index * batchSize;
        int n = Math.min(batchSize, rows - from);
        float[] x = new float[n * cols];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int row = order[from + i];
            System.arraycopy(features, row * cols, x, i * cols, cols);
            y[i] = labels[row];
        }
        Tensor tx = backend.fromArray(x, n, cols).detach();
        Tensor ty = null;
        Tensor tt = null;
        try {
            ty = backend.fromArray(y, n, 1).detach();
            tt = classes > 0 ? ty.oneHot(classes, DType.FLOAT32).detach() : null;
        } catch (RuntimeException | Error e) {
            tx.close();
            if (ty != null) {
                ty.close();
            }
            throw e;
        }
        return new Batch(index, tx, ty, tt);
    }

    private static Batch await(CompletableFuture<Batch> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof NablaException ne) {
                throw ne;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private static void closeBatch(Batch b) {
        if (b != null) {
            b.features().close();
            b.labels().close();
            if (b.targets() != null) {
                b.targets().close();
            }
        }
    }

    /** Closes the batch handed out and the one in flight (waiting for its upload). */
    private void discard() {
        closeBatch(current);
        current = null;
        if (pending != null) {
            try {
                closeBatch(pending.join());
            } catch (CompletionException ignored) {
                // the failed upload freed what it had allocated
            }
            pending = null;
        }
    }

    /** Waits for the upload in flight, frees every batch tensor and stops the upload thread. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            discard();
            uploader.shutdown();
        }
    }
}
