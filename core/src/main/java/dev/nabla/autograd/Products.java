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
     * A = g(X·W + 1·b) through the fused bias+activation kernel (W in × out); backward: δ = G ⊙ g′(A) through the
     * fused activationBackward kernel (g′ from the stored output), then ∂X = δ·Wᵀ, ∂W = Xᵀ·δ, ∂b = 1ᵀ·δ.
     */
    static Var linear(Var x, Var w, Var b, Activation activation) {
        return dense("linear", x, w, b, activation, false);
    }

    /**
     * A = g(X·Wᵀ + 1·b) with W out × in (torch.nn.Linear's layout), fused as {@link #linear}; backward:
     * δ = G ⊙ g′(A) (δ = G for IDENTITY), ∂X = δ·W, ∂W = δᵀ·X, ∂b = 1ᵀ·δ.
     */
    static Var linearTransB(Var x, Var w, Var b, Activation activation) {
        return dense("linearTransB", x, w, b, activation, true);
    }

    /**
     * The dense layer A = g(X·op(W) + 1·b), op(W) = Wᵀ when {@code transB}. The product lands in A's buffer and the
     * bias and activation are applied there in place, so the forward allocates one tensor and makes one extra pass.
     */
    private static Var dense(String call, Var x, Var w, Var b, Activation activation, boolean transB) {
        Graph g = Var.graphFor(call, x, w, b);
        if (activation == null || activation == Activation.SOFTMAX) {
            throw new InvalidArgumentException(call + ": the activation must be SIGMOID, TANH, RELU or IDENTITY, got "
                    + activation + " (for softmax use IDENTITY and crossEntropyWithLogits) [" + g.backend.name() + "]");
        }
        // the fused kernel's own checks would name biasActivation: check here, naming the user's call
        Tensor xv = x.value, wv = w.value, bv = b.value;
        int in = transB ? wv.cols() : wv.rows();
        int out = transB ? wv.rows() : wv.cols();
        if (xv.cols() != in || bv.rows() != 1 || bv.cols() != out) {
            throw new dev.nabla.ShapeMismatchException(call + ": x " + xv.shape() + ", w " + wv.shape() + " and b "
                    + bv.shape() + " do not fit: x is n × in, w " + (transB ? "out × in" : "in × out")
                    + ", b 1 × out [" + g.backend.name() + "]");
        }
        if (xv.dtype() != wv.dtype() || bv.dtype() != wv.dtype()) {
            throw new dev.nabla.DTypeMismatchException(call + ": dtypes differ: x " + xv.dtype() + ", w "
                    + wv.dtype() + ", b " + bv.dtype() + " [" + g.backend.name() + "]");
        }
        Tensor a = transB ? xv.matmulTransB(wv) : xv.matmul(wv);
        try {
            g.backend.ops().biasActivation(activation.forwardOp(), a, bv, a);
        } catch (RuntimeException | Error e) {
            a.close();
            throw e;
        }
        boolean identity = activation == Activation.IDENTITY;
        return Var.record(g, call + "(" + activation + ")", a, (G, sink) -> {
            Tensor delta = identity ? G : g.backend.empty(G.rows(), G.cols(), G.dtype());
            try {
                if (!identity) {
                    g.backend.ops().activationBackward(activation.gradFromOutputOp(), a, G, delta);
                }
                if (sink.wants(0)) {
                    sink.add(0, transB ? delta.matmul(wv) : delta.matmulTransB(wv));
                }
                if (sink.wants(1)) {
                    sink.add(1, transB ? delta.matmulTransA(xv) : xv.matmulTransA(delta));
                }
                if (sink.wants(2)) {
                    sink.add(2, delta.sumColumns());
                }
            } finally {
                if (!identity) {
                    delta.close();
                }
            }
        }, x, w, b);
    }
}
