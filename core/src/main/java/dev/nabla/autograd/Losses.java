package dev.nabla.autograd;

import dev.nabla.Tensor;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.UnaryOp;

/**
 * Softmax and the losses, through Nabla's fused kernels: the loss forward also yields δ = ∂loss/∂(its input) (the
 * kernels' {@code delta}, backprop.md), which the backward rule scales by the incoming gradient.
 */
final class Losses {
    private Losses() {
    }

    /** y = softmax(x) by rows; ∂x = y ⊙ (G − (Σ_j G ⊙ y)·1ᵀ) by rows. */
    static Var softmaxRows(Var x) {
        Graph g = Var.graphFor("softmaxRows", x);
        Tensor y = x.value.softmaxRows();
        return Var.record(g, "softmaxRows", y, (G, sink) -> {
            try (Tensor gy = G.mul(y); Tensor s = gy.sumRows(); Tensor centred = G.subColumnVector(s)) {
                sink.add(0, centred.mul(y));
            }
        }, x);
    }

    /**
     * The cross-entropy (softmax output) or binary cross-entropy (sigmoid output) of logits z against targets t,
     * a mean over the N rows, from the fused logitLossAndDelta kernel: exact for any z. Its δ = (g(z) − t)/N is
     * ∂loss/∂z, so ∂z = G·δ.
     */
    static Var logitLoss(Var z, Tensor targets, BinaryOp term, String op) {
        Graph g = Var.graphFor(op, z);
        checkTargets(op, g, z, targets);
        dev.nabla.Backend be = g.backend;
        int n = z.value.rows(), c = z.value.cols();
        Tensor f = be.empty(n, c, z.value.dtype());
        Tensor delta = null;
        Tensor loss = null;
        try {
            if (term == BinaryOp.CROSS_ENTROPY) {
                be.ops().softmaxRows(z.value, f);
            } else {
                be.ops().unary(UnaryOp.SIGMOID, 0, z.value, f);
            }
            delta = be.empty(n, c, z.value.dtype());
            loss = be.empty(1, 1, z.value.dtype());
            be.ops().logitLossAndDelta(term, z.value, f, targets, delta, loss);
        } catch (RuntimeException | Error e) {
            if (delta != null) {
                delta.close();
            }
            if (loss != null) {
                loss.close();
            }
            throw e;
        } finally {
            f.close();
        }
        Tensor d = g.save(delta);
        return Var.record(g, op, loss, (G, sink) -> {
            try (Tensor gColumn = G.broadcastTo(n, 1)) {
                sink.add(0, d.mulColumnVector(gColumn));
            }
        }, z);
    }

    /** (1/N) Σ ½(f − t)² from the fused lossAndDelta kernel; its δ = (f − t)/N is ∂loss/∂f, so ∂f = G·δ. */
    static Var mse(Var f, Tensor targets) {
        Graph g = Var.graphFor("mse", f);
        checkTargets("mse", g, f, targets);
        dev.nabla.Backend be = g.backend;
        int n = f.value.rows(), c = f.value.cols();
        Tensor delta = be.empty(n, c, f.value.dtype());
        Tensor loss = null;
        try {
            loss = be.empty(1, 1, f.value.dtype());
            be.ops().lossAndDelta(BinaryOp.HALF_SQUARED_ERROR, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, f.value, targets,
                    delta, loss);
        } catch (RuntimeException | Error e) {
            delta.close();
            if (loss != null) {
                loss.close();
            }
            throw e;
        }
        Tensor d = g.save(delta);
        return Var.record(g, "mse", loss, (G, sink) -> {
            try (Tensor gColumn = G.broadcastTo(n, 1)) {
                sink.add(0, d.mulColumnVector(gColumn));
            }
        }, f);
    }

    /**
     * The checks the fused kernels would make, made here so that the error names the user's call ({@code op}), not
     * the kernel: targets non-null, open, on the graph's backend, the input's shape and dtype; the input floating.
     */
    private static void checkTargets(String op, Graph g, Var in, Tensor targets) {
        String be = " [" + g.backend.name() + "]";
        if (targets == null) {
            throw new dev.nabla.InvalidArgumentException(op + ": the targets are null" + be);
        }
        if (targets.isClosed()) {
            throw new dev.nabla.TensorClosedException(op + ": the targets " + targets.shape() + " " + targets.dtype()
                    + " [" + targets.backend().name() + "] are closed");
        }
        if (targets.backend() != g.backend) {
            throw new dev.nabla.BackendMismatchException(op + ": the targets " + targets.shape() + " live on "
                    + targets.backend().name() + ", but this op runs on " + g.backend.name()
                    + "; move them first with tensor.to(backend)");
        }
        if (!in.value.dtype().isFloating()) {
            throw new dev.nabla.UnsupportedDTypeException(op + ": " + in.describe() + " is " + in.value.dtype() + "; "
                    + op + " needs FLOAT32 or FLOAT64" + be);
        }
        if (!targets.shape().equals(in.value.shape())) {
            throw new dev.nabla.ShapeMismatchException(op + ": targets " + targets.shape() + " do not match "
                    + in.describe() + be);
        }
        if (targets.dtype() != in.value.dtype()) {
            throw new dev.nabla.DTypeMismatchException(op + ": dtypes differ: targets " + targets.dtype() + ", "
                    + in.describe() + be);
        }
    }
}
