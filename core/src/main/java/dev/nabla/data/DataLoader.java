package dev.nabla.data;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Mini-batches of a dataset that lives on the device: features (N × F) and INT32 labels (N, as 1 × N or N × 1), both
 * on one backend. Each epoch visits every row once in an order drawn from the loader's seed and the epoch number
 * (the same order on every backend), and builds each batch with {@code gatherRows} into buffers the loader reuses.
 *
 * <p>What moves between host and device: the dataset, once, when the caller uploads it; then one permutation of N
 * INT32 indices per epoch (4N bytes, when the epoch starts). A training step on a batch moves nothing: the gathers,
 * the one-hot targets and {@code Network.trainStepWithoutLoss} all run on the device ({@code DataLoaderTest} asserts
 * it with {@code backend.stats()}).
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.of(x, labels, 256).classes(10).shuffle(42)) {
 *     for (int epoch = 0; epoch < 5; epoch++) {
 *         for (Batch b : loader.epoch(epoch)) {
 *             net.trainStepWithoutLoss(b.features(), b.targets(), optimizer);
 *         }
 *     }
 * }
 * }</pre>
 *
 * The loader does not own the dataset tensors (close them yourself); it owns its batch buffers, freed by
 * {@link #close()}. One epoch is iterated at a time, on one thread.
 */
public final class DataLoader implements AutoCloseable {
    private final Tensor features;
    private final Tensor labels;
    private final int batchSize;
    private final Backend backend;
    private int classes;            // 0: no one-hot targets
    private boolean shuffle;
    private long seed;
    private boolean dropLast;
    private boolean closed;
    /** Buffers for full batches and for the smaller last batch, allocated on first use. */
    private Buffers full;
    private Buffers tail;
    private Tensor order;           // this epoch's permutation, INT32 N × 1

    private DataLoader(Tensor features, Tensor labels, int batchSize) {
        this.features = features;
        this.labels = labels;
        this.batchSize = batchSize;
        this.backend = features.backend();
    }

    /**
     * A loader over device-resident features and INT32 labels, in dataset order until {@link #shuffle} is called.
     *
     * @param features N × F, FLOAT32 or FLOAT64, or BFLOAT16/FLOAT16 for a mixed-precision network of that type
     * @param labels INT32, N of them (1 × N or N × 1), on the features' backend
     * @param batchSize rows per batch, ≥ 1
     * @return a new loader
     */
    public static DataLoader of(Tensor features, Tensor labels, int batchSize) {
        if (features == null || labels == null) {
            throw new InvalidArgumentException("DataLoader.of: features or labels is null");
        }
        String tag = " [" + features.backend().name() + "]";
        if (features.isClosed() || labels.isClosed()) {
            throw new InvalidArgumentException("DataLoader.of: features or labels is closed" + tag);
        }
        if (!features.dtype().isFloating() && !features.dtype().isHalf()) {
            throw new DTypeMismatchException("DataLoader.of: features " + features.shape() + " must be FLOAT32, "
                    + "FLOAT64, BFLOAT16 or FLOAT16, got " + features.dtype() + tag);
        }
        if (labels.dtype() != DType.INT32) {
            throw new DTypeMismatchException("DataLoader.of: labels " + labels.shape() + " must be INT32, got "
                    + labels.dtype() + tag);
        }
        if (labels.backend() != features.backend()) {
            throw new dev.nabla.BackendMismatchException("DataLoader.of: labels live on " + labels.backend().name()
                    + ", features on " + features.backend().name() + "; move one with tensor.to(backend)");
        }
        if ((labels.rows() != 1 && labels.cols() != 1) || labels.size() != features.rows()) {
            throw new ShapeMismatchException("DataLoader.of: " + features.rows() + " feature rows need a vector of "
                    + features.rows() + " labels, got " + labels.shape() + tag);
        }
        if (batchSize < 1) {
            throw new InvalidArgumentException("DataLoader.of: batch size must be ≥ 1, got " + batchSize + tag);
        }
        return new DataLoader(features, labels.reshape((int) labels.size(), 1).detach(), batchSize);
    }

    /**
     * Also gives each batch one-hot targets over {@code classes} columns (what {@code Network.trainStep} takes).
     *
     * @param classes the number of classes; every label must lie in [0, classes) (checked here, reading the labels
     * back once)
     * @return this loader
     */
    public DataLoader classes(int classes) {
        checkOpen("classes");
        if (classes < 1) {
            throw new InvalidArgumentException("DataLoader.classes: the number of classes must be ≥ 1, got " + classes
                    + tag());
        }
        int[] values = labels.toIntArray();             // once, here: no batch has to check its labels again
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= classes) {
                throw new dev.nabla.IndexOutOfRangeException("DataLoader.classes: label " + values[i] + " of row " + i
                        + " is outside [0, " + classes + ")" + tag());
            }
        }
        this.classes = classes;
        freeBuffers();
        return this;
    }

    /**
     * Visits the rows of each epoch in a random order drawn from {@code seed} and the epoch number.
     *
     * @param seed the seed: the same seed gives the same batches on every backend
     * @return this loader
     */
    public DataLoader shuffle(long seed) {
        checkOpen("shuffle");
        this.shuffle = true;
        this.seed = seed;
        return this;
    }

    /**
     * Leaves out the last batch of an epoch when it has fewer than batchSize rows.
     *
     * @param dropLast whether to drop a smaller last batch
     * @return this loader
     */
    public DataLoader dropLast(boolean dropLast) {
        checkOpen("dropLast");
        this.dropLast = dropLast;
        return this;
    }

    /**
     * The number of classes of the one-hot targets, or 0 when batches carry none.
     *
     * @return the class count given to {@link #classes}, or 0
     */
    public int classCount() {
        return classes;
    }

    /**
     * The features per row (the columns of each batch's features).
     *
     * @return F
     */
    public int columns() {
        return features.cols();
    }

    /**
     * The dtype of the features.
     *
     * @return FLOAT32, FLOAT64, BFLOAT16 or FLOAT16
     */
    public DType dtype() {
        return features.dtype();
    }

    /**
     * The dtype of the one-hot targets: the features' dtype, or FLOAT32 for 16-bit features (a mixed-precision
     * network computes its loss in float32).
     *
     * @return FLOAT32 or FLOAT64
     */
    public DType targetDType() {
        return features.dtype().isHalf() ? DType.FLOAT32 : features.dtype();
    }

    /**
     * The backend the dataset lives on.
     *
     * @return the features' backend
     */
    public Backend backend() {
        return backend;
    }

    /**
     * The number of rows in the dataset.
     *
     * @return N
     */
    public int size() {
        return features.rows();
    }

    /**
     * Batches per epoch.
     *
     * @return ⌈N / batchSize⌉, or ⌊N / batchSize⌋ with dropLast
     */
    public int batches() {
        int n = size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The batches of epoch {@code epoch}, in order. Uploads the epoch's permutation (when shuffling) once, here.
     *
     * @param epoch the epoch number, from 0; with shuffling it selects the order
     * @return the epoch's batches; each is valid until the next one is taken
     */
    public Iterable<Batch> epoch(long epoch) {
        checkOpen("epoch");
        if (features.isClosed() || labels.isClosed()) {
            throw new InvalidArgumentException("DataLoader.epoch: the dataset tensors were closed" + tag());
        }
        int n = size();
        int[] perm = EpochOrder.of(n, shuffle, seed, epoch);
        if (order != null) {
            order.close();
        }
        order = backend.fromArray(perm, n, 1).detach();
        Tensor epochOrder = order;
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("DataLoader: epoch " + epoch + " has " + batches() + " batches");
                }
                checkOpen("next");
                int from = next * batchSize;
                int rows = Math.min(batchSize, n - from);
                Buffers b = buffers(rows);
                try (Tensor idx = epochOrder.sliceRows(from, from + rows)) {
                    backend.ops().gatherRows(features, idx, b.x);
                    backend.ops().gatherRows(labels, idx, b.labels);
                }
                if (b.targets != null) {
                    backend.ops().oneHot(b.labels, b.targets);
                }
                return new Batch(next++, b.x, b.labels, b.targets);
            }
        };
    }

    /** The reused buffers for a batch of {@code rows}: full batches share one set, the last smaller one another. */
    private Buffers buffers(int rows) {
        if (rows == batchSize) {
            if (full == null) {
                full = new Buffers(rows);
            }
            return full;
        }
        if (tail == null || tail.x.rows() != rows) {
            if (tail != null) {
                tail.close();
            }
            tail = new Buffers(rows);
        }
        return tail;
    }

    /** One set of batch tensors, owned by the loader (outside any scope). */
    private final class Buffers implements AutoCloseable {
        final Tensor x;
        final Tensor labels;
        final Tensor targets;

        Buffers(int rows) {
            x = backend.empty(rows, features.cols(), features.dtype()).detach();
            Tensor l = null;
            Tensor t = null;
            try {
                l = backend.zeros(rows, 1, DType.INT32).detach();
                t = classes > 0 ? backend.empty(rows, classes, targetDType()).detach() : null;
            } catch (RuntimeException | Error e) {
                x.close();
                if (l != null) {
                    l.close();
                }
                throw e;
            }
            labels = l;
            targets = t;
        }

        @Override
        public void close() {
            x.close();
            labels.close();
            if (targets != null) {
                targets.close();
            }
        }
    }

    private void freeBuffers() {
        if (full != null) {
            full.close();
            full = null;
        }
        if (tail != null) {
            tail.close();
            tail = null;
        }
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new InvalidArgumentException("DataLoader." + op + ": the loader is closed" + tag());
        }
    }

    private String tag() {
        return " [" + backend.name() + "]";
    }

    /** Frees the loader's batch buffers and permutation (not the dataset). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            freeBuffers();
            if (order != null) {
                order.close();
                order = null;
            }
        }
    }
}
