package dev.nabla.autograd;

import dev.nabla.Tensor;

/** Sums, means and maxima, each forward with its backward rule (the gradient spread back over what was reduced). */
final class Reductions {
    private Reductions() {
    }

    /** Σ x; ∂x = G repeated over x's shape. */
    static Var sum(Var x) {
        Graph g = Var.graphFor("sum", x);
        int r = x.value.rows(), c = x.value.cols();
        return Var.record(g, "sum", x.value.sum(), (G, sink) -> sink.add(0, G.broadcastTo(r, c)), x);
    }

    /** (1/n) Σ x; ∂x = G/n repeated. */
    static Var mean(Var x) {
        Graph g = Var.graphFor("mean", x);
        int r = x.value.rows(), c = x.value.cols();
        double n = x.value.size();
        return Var.record(g, "mean", x.value.mean(), (G, sink) -> {
            try (Tensor scaled = G.mul(1.0 / n)) {
                sink.add(0, scaled.broadcastTo(r, c));
            }
        }, x);
    }

    /** Row sums (rows × 1); ∂x = G repeated across each row. */
    static Var sumRows(Var x) {
        Graph g = Var.graphFor("sumRows", x);
        int r = x.value.rows(), c = x.value.cols();
        return Var.record(g, "sumRows", x.value.sumRows(), (G, sink) -> sink.add(0, G.broadcastTo(r, c)), x);
    }

    /** Column sums (1 × cols); ∂x = G repeated down each column. */
    static Var sumColumns(Var x) {
        Graph g = Var.graphFor("sumColumns", x);
        int r = x.value.rows(), c = x.value.cols();
        return Var.record(g, "sumColumns", x.value.sumColumns(), (G, sink) -> sink.add(0, G.broadcastTo(r, c)), x);
    }

    /** Row means (rows × 1); ∂x = G/cols repeated across each row. */
    static Var meanRows(Var x) {
        Graph g = Var.graphFor("meanRows", x);
        int r = x.value.rows(), c = x.value.cols();
        return Var.record(g, "meanRows", x.value.meanRows(), (G, sink) -> {
            try (Tensor scaled = G.mul(1.0 / c)) {
                sink.add(0, scaled.broadcastTo(r, c));
            }
        }, x);
    }

    /** Row maxima (rows × 1); ∂x = G[i] at each row's first maximum (argmaxRows), 0 elsewhere. */
    static Var maxRows(Var x) {
        Graph g = Var.graphFor("maxRows", x);
        int c = x.value.cols();
        return Var.record(g, "maxRows", x.value.maxRows(), (G, sink) -> {
            try (Tensor at = x.value.argmaxRows(); Tensor hot = at.oneHot(c, G.dtype())) {
                sink.add(0, hot.mulColumnVector(G));
            }
        }, x);
    }
}
