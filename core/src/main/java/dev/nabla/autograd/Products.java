package dev.nabla.autograd;

import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;

/** Matrix products and the fused dense layer, each forward with its backward rule (backprop.md's convention). */
final class Products {
    private Products() {
    }

    /** C = A·B; ∂A = G·Bᵀ, ∂B = Aᵀ·G. */
    static Var matmul(Var a, Var b) {
        Graph g = Var.graphFor("matmul", a, b);
        return Var.record(g, "matmul", a.value.matmul(b.value), (G, sink) -> {
            if (sink.wants(0)) {
                sink.add(0, G.matmulTransB(b.value));
            }
            if (sink.wants(1)) {
                sink.add(1, a.value.matmulTransA(G));
            }
        }, a, b);
    }

    /** C = A·Bᵀ; ∂A = G·B, ∂B = Gᵀ·A. */
    static Var matmulTransB(Var a, Var b) {
        Graph g = Var.graphFor("matmulTransB", a, b);
        return Var.record(g, "matmulTransB", a.value.matmulTransB(b.value), (G, sink) -> {
            if (sink.wants(0)) {
                sink.add(0, G.matmul(b.value));
            }
            if (sink.wants(1)) {
                sink.add(1, G.matmulTransA(a.value));
            }
        }, a, b);
    }

    /**
     * A = g(X·W + 1·b) through the fused bias+activation kernel; backward: δ = G ⊙ g′(A) through the fused
     * activationBackward kernel (g′ from the stored output), then ∂X = δ·Wᵀ, ∂W = Xᵀ·δ, ∂b = 1ᵀ·δ.
     */
    static Var linear(Var x, Var w, Var b, Activation activation) {
        Graph g = Var.graphFor("linear", x, w, b);
        if (activation == null || activation == Activation.SOFTMAX) {
            throw new InvalidArgumentException("linear: the activation must be SIGMOID, TANH, RELU or IDENTITY, got "
                    + activation + " (for softmax use IDENTITY and crossEntropyWithLogits) [" + g.backend.name() + "]");
        }
        // the fused kernel's own checks would name biasActivation: check here, naming the user's call
        Tensor xv = x.value, wv = w.value, bv = b.value;
        if (xv.cols() != wv.rows() || bv.rows() != 1 || bv.cols() != wv.cols()) {
            throw new dev.nabla.ShapeMismatchException("linear: x " + xv.shape() + ", w " + wv.shape() + " and b "
                    + bv.shape() + " do not fit: x is n × in, w in × out, b 1 × out [" + g.backend.name() + "]");
        }
        if (xv.dtype() != wv.dtype() || bv.dtype() != wv.dtype()) {
            throw new dev.nabla.DTypeMismatchException("linear: dtypes differ: x " + xv.dtype() + ", w " + wv.dtype()
                    + ", b " + bv.dtype() + " [" + g.backend.name() + "]");
        }
        Tensor z = x.value.matmul(w.value);
        Tensor a;
        try {
            a = g.backend.empty(z.rows(), z.cols(), z.dtype());
            try {
                g.backend.ops().biasActivation(activation.forwardOp(), z, b.value, a);
            } catch (RuntimeException | Error e) {
                a.close();
                throw e;
            }
        } finally {
            z.close();
        }
        return Var.record(g, "linear(" + activation + ")", a, (G, sink) -> {
            try (Tensor delta = g.backend.empty(G.rows(), G.cols(), G.dtype())) {
                g.backend.ops().activationBackward(activation.gradFromOutputOp(), a, G, delta);
                if (sink.wants(0)) {
                    sink.add(0, delta.matmulTransB(w.value));
                }
                if (sink.wants(1)) {
                    sink.add(1, x.value.matmulTransA(delta));
                }
                if (sink.wants(2)) {
                    sink.add(2, delta.sumColumns());
                }
            }
        }, x, w, b);
    }
}
