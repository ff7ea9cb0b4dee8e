package dev.nabla.autograd;

import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;

/** Elementwise ops, each forward with its backward rule ∂x = G ⊙ f′(x). */
final class Pointwise {
    private Pointwise() {
    }

    /** a + b; ∂a = G, ∂b = G. */
    static Var add(Var a, Var b) {
        Graph g = Var.graphFor("add", a, b);
        return Var.record(g, "add", a.value.add(b.value), (G, sink) -> {
            if (sink.wants(0)) {
                sink.add(0, G.copy());
            }
            if (sink.wants(1)) {
                sink.add(1, G.copy());
            }
        }, a, b);
    }

    /** a − b; ∂a = G, ∂b = −G. */
    static Var sub(Var a, Var b) {
        Graph g = Var.graphFor("sub", a, b);
        return Var.record(g, "sub", a.value.sub(b.value), (G, sink) -> {
            if (sink.wants(0)) {
                sink.add(0, G.copy());
            }
            if (sink.wants(1)) {
                sink.add(1, G.neg());
            }
        }, a, b);
    }

    /** a ⊙ b; ∂a = G ⊙ b, ∂b = G ⊙ a. */
    static Var mul(Var a, Var b) {
        Graph g = Var.graphFor("mul", a, b);
        return Var.record(g, "mul", a.value.mul(b.value), (G, sink) -> {
            if (sink.wants(0)) {
                sink.add(0, G.mul(b.value));
            }
            if (sink.wants(1)) {
                sink.add(1, G.mul(a.value));
            }
        }, a, b);
    }

    /** a / b; ∂a = G / b, ∂b = −G ⊙ a / b². */
    static Var div(Var a, Var b) {
        Graph g = Var.graphFor("div", a, b);
        return Var.record(g, "div", a.value.div(b.value), (G, sink) -> {
            if (sink.wants(0)) {
                sink.add(0, G.div(b.value));
            }
            if (sink.wants(1)) {
                try (Tensor ga = G.mul(a.value); Tensor b2 = b.value.square()) {
                    Tensor q = ga.div(b2);
                    try (q) {
                        sink.add(1, q.neg());
                    }
                }
            }
        }, a, b);
    }

    /** x + s; ∂x = G. */
    static Var addScalar(Var x, double s) {
        Graph g = Var.graphFor("add", x);
        return Var.record(g, "add(scalar)", x.value.add(s), (G, sink) -> sink.add(0, G.copy()), x);
    }

    /** s·x; ∂x = s·G. */
    static Var mulScalar(Var x, double s) {
        Graph g = Var.graphFor("mul", x);
        return Var.record(g, "mul(scalar)", x.value.mul(s), (G, sink) -> sink.add(0, G.mul(s)), x);
    }

    /** −x; ∂x = −G. */
    static Var neg(Var x) {
        Graph g = Var.graphFor("neg", x);
        return Var.record(g, "neg", x.value.neg(), (G, sink) -> sink.add(0, G.neg()), x);
    }

    /** s − x; ∂x = −G. */
    static Var rsub(Var x, double s) {
        Graph g = Var.graphFor("rsub", x);
        return Var.record(g, "rsub", x.value.rsub(s), (G, sink) -> sink.add(0, G.neg()), x);
    }

    /** y = eˣ; ∂x = G ⊙ y. */
    static Var exp(Var x) {
        Graph g = Var.graphFor("exp", x);
        Tensor y = x.value.exp();
        return Var.record(g, "exp", y, (G, sink) -> sink.add(0, G.mul(y)), x);
    }

    /** ln x; ∂x = G / x. */
    static Var log(Var x) {
        Graph g = Var.graphFor("log", x);
        return Var.record(g, "log", x.value.log(), (G, sink) -> sink.add(0, G.div(x.value)), x);
    }

    /** y = g(x) for SIGMOID, TANH, RELU; ∂x = G ⊙ g′ taken from y by the fused activationBackward kernel. */
    static Var activation(Var x, Activation activation) {
        String op = activation.name().toLowerCase(java.util.Locale.ROOT);
        Graph g = Var.graphFor(op, x);
        // through the Tensor API, so that a bad operand (INT32) is reported as the user's call, not as "unary"
        Tensor y = switch (activation) {
            case SIGMOID -> x.value.sigmoid();
            case TANH -> x.value.tanh();
            case RELU -> x.value.relu();
            default -> throw new IllegalArgumentException(activation.name());
        };
        return Var.record(g, op, y, (G, sink) -> {
            Tensor dx = g.backend.empty(G.rows(), G.cols(), G.dtype());
            try {
                g.backend.ops().activationBackward(activation.gradFromOutputOp(), y, G, dx);
            } catch (RuntimeException | Error e) {
                dx.close();
                throw e;
            }
            sink.add(0, dx);
        }, x);
    }

    /** y = √x; ∂x = G / (2y). */
    static Var sqrt(Var x) {
        Graph g = Var.graphFor("sqrt", x);
        Tensor y = x.value.sqrt();
        return Var.record(g, "sqrt", y, (G, sink) -> {
            try (Tensor twoY = y.mul(2)) {
                sink.add(0, G.div(twoY));
            }
        }, x);
    }

    /** x²; ∂x = 2x ⊙ G. */
    static Var square(Var x) {
        Graph g = Var.graphFor("square", x);
        return Var.record(g, "square", x.value.square(), (G, sink) -> {
            try (Tensor twoX = x.value.mul(2)) {
                sink.add(0, G.mul(twoX));
            }
        }, x);
    }

    /** xᵖ; ∂x = G ⊙ p·xᵖ⁻¹. */
    static Var pow(Var x, double p) {
        Graph g = Var.graphFor("pow", x);
        return Var.record(g, "pow", x.value.pow(p), (G, sink) -> {
            try (Tensor d = x.value.pow(p - 1); Tensor pd = d.mul(p)) {
                sink.add(0, G.mul(pd));
            }
        }, x);
    }

    /** |x|; ∂x = G ⊙ sign(x), with sign(0) = 0 (PyTorch's choice). */
    static Var abs(Var x) {
        Graph g = Var.graphFor("abs", x);
        return Var.record(g, "abs", x.value.abs(), (G, sink) -> {
            try (Tensor pos = x.value.gt(0); Tensor neg = x.value.lt(0);
                 Tensor posF = pos.cast(G.dtype()); Tensor negF = neg.cast(G.dtype());
                 Tensor sign = posF.sub(negF)) {
                sink.add(0, G.mul(sign));
            }
        }, x);
    }

    /** clamp(x, lo, hi); ∂x = G where lo &lt; x &lt; hi, else 0. */
    static Var clamp(Var x, double lo, double hi) {
        Graph g = Var.graphFor("clamp", x);
        if (!(lo <= hi)) {
            throw new InvalidArgumentException("clamp: the bounds [" + lo + ", " + hi + "] are not lo ≤ hi ["
                    + g.backend.name() + "]");
        }
        return Var.record(g, "clamp", x.value.clamp(lo, hi), (G, sink) -> {
            try (Tensor above = x.value.gt(lo); Tensor below = x.value.lt(hi);
                 Tensor a = above.cast(G.dtype()); Tensor b = below.cast(G.dtype()); Tensor inside = a.mul(b)) {
                sink.add(0, G.mul(inside));
            }
        }, x);
    }
}
