package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Var;

/**
 * A lookup table of {@code count} vectors of {@code dim} features, as {@code torch.nn.Embedding(count, dim)}:
 * forward(idx) = rows idx[0], idx[1], … of the weight ({@code "weight"}, count × dim, saved as {@code [count, dim]}),
 * by {@link Var#gatherRows}; the gradient is scatter-added, so a repeated index sums its rows' gradients. Indices are
 * an INT32 vector (1 × n or n × 1) and are checked, never clamped. Initialised N(0, 1) as PyTorch, drawn on the host
 * from the seed ({@code Backend.randn}), so every backend gets the same table.
 */
public final class Embedding extends Module {
    private final int count;
    private final int dim;
    private final Var weight;

    /**
     * A FLOAT32 table.
     *
     * @param count the number of entries (indices are in [0, count))
     * @param dim features per entry
     * @param backend where the table lives
     * @param seed the seed of the initial values
     */
    public Embedding(int count, int dim, Backend backend, long seed) {
        this(count, dim, backend, seed, DType.FLOAT32);
    }

    /**
     * A table of {@code dtype}.
     *
     * @param count the number of entries (indices are in [0, count))
     * @param dim features per entry
     * @param backend where the table lives
     * @param seed the seed of the initial values
     * @param dtype FLOAT32 or FLOAT64
     */
    public Embedding(int count, int dim, Backend backend, long seed, DType dtype) {
        this.count = Inputs.positive("Embedding", "count", count);
        this.dim = Inputs.positive("Embedding", "dim", dim);
        Inputs.backend("Embedding", backend);
        Inputs.floating("Embedding", dtype);
        this.weight = addParameter("weight", backend.asCall("Embedding", () -> backend.randn(count, dim, seed, dtype)));
    }

    private Embedding(Embedding src, Backend target) {
        this.count = src.count;
        this.dim = src.dim;
        this.weight = addParameter("weight", src.weight.value().to(target));
    }

    /**
     * The rows of {@code indices}: {@code forward(Var.constant(indices))}.
     *
     * @param indices an INT32 vector of n indices in [0, count)
     * @return n × dim, owned by the current graph
     */
    public Var forward(Tensor indices) {
        checkOpen("forward");
        if (indices == null) {
            throw new dev.nabla.InvalidArgumentException(call("forward") + ": the indices are null");
        }
        return forward(Var.constant(indices));
    }

    /** weight.gatherRows(x's INT32 value). */
    @Override
    protected Var compute(Var x) {
        Tensor idx = x.value();
        Tensor w = weight.value();
        if (idx.dtype() != DType.INT32) {
            throw new dev.nabla.DTypeMismatchException(call("forward") + ": the indices " + idx.shape() + " are "
                    + idx.dtype() + "; an embedding takes INT32 indices (convert with cast(DType.INT32)) ["
                    + w.backend().name() + "]");
        }
        if (idx.backend() != w.backend()) {
            throw new dev.nabla.BackendMismatchException(call("forward") + ": the indices are on "
                    + idx.backend().name() + ", the table on " + w.backend().name());
        }
        return w.backend().asCall(call("forward"), () -> weight.gatherRows(idx));
    }

    /**
     * The table, count × dim.
     *
     * @return the parameter leaf
     */
    public Var weight() {
        return weight;
    }

    /**
     * A copy of the table on {@code target}.
     *
     * @param target the backend of the copy
     * @return the copy
     */
    @Override
    public Embedding copyTo(Backend target) {
        checkOpen("copyTo");
        Inputs.backend(call("copyTo"), target);
        return withModeOf(new Embedding(this, target));
    }

    @Override
    protected String extraRepr() {
        return count + ", " + dim;
    }
}
