package dev.nabla.autograd;

import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;

/** Transposes, reshapes, slices, gathers, concatenations and where: each moves elements, and its rule moves back. */
final class Layout {
    private Layout() {
    }

    /** xᵀ; ∂x = Gᵀ. */
    static Var transpose(Var x) {
        Graph g = Var.graphFor("transpose", x);
        return Var.record(g, "transpose", x.value.transpose(), (G, sink) -> sink.add(0, G.transpose()), x);
    }

    /** The same elements as rows × cols (a copy: the graph owns its values); ∂x = G reshaped back. */
    static Var reshape(Var x, int rows, int cols) {
        Graph g = Var.graphFor("reshape", x);
        int r = x.value.rows(), c = x.value.cols();
        Tensor out;
        try (Tensor view = x.value.reshape(rows, cols)) {
            out = view.copy();
        }
        return Var.record(g, "reshape", out, (G, sink) -> {
            try (Tensor back = G.reshape(r, c)) {
                sink.add(0, back.copy());
            }
        }, x);
    }

    /** Rows [from, to) (a copy); ∂x = zeros with G in those rows. */
    static Var sliceRows(Var x, int from, int to) {
        Graph g = Var.graphFor("sliceRows", x);
        Tensor out;
        try (Tensor view = x.value.sliceRows(from, to)) {
            out = view.copy();
        }
        int r = x.value.rows(), c = x.value.cols();
        return Var.record(g, "sliceRows", out, (G, sink) -> {
            Tensor dx = g.backend.zeros(r, c, G.dtype());
            try (Tensor rowsOf = dx.sliceRows(from, to)) {
                rowsOf.copyFrom(G);
            } catch (RuntimeException | Error e) {
                dx.close();
                throw e;
            }
            sink.add(0, dx);
        }, x);
    }

    /** Columns [from, to) (a copy); ∂x = zeros with G in those columns (G placed by a concatenation with zeros). */
    static Var sliceColumns(Var x, int from, int to) {
        Graph g = Var.graphFor("sliceColumns", x);
        int r = x.value.rows(), c = x.value.cols();
        return Var.record(g, "sliceColumns", x.value.sliceColumns(from, to), (G, sink) -> {
            try (Tensor left = g.backend.zeros(r, from, G.dtype());
                 Tensor right = g.backend.zeros(r, c - to, G.dtype())) {
                sink.add(0, Tensor.concatColumns(left, G, right));
            }
        }, x);
    }

    /** Rows indices[i] of x (an embedding lookup); ∂x = scatterAddRows(G, indices): repeated rows sum. */
    static Var gatherRows(Var x, Tensor indices) {
        Graph g = Var.graphFor("gatherRows", x);
        int r = x.value.rows();
        return Var.record(g, "gatherRows", x.value.gatherRows(indices), (G, sink) ->
                sink.add(0, G.scatterAddRows(indices, r)), x);
    }

    /** The parts stacked; each part's gradient is its rows of G. */
    static Var concatRows(Var... parts) {
        Graph g = Var.graphFor("concatRows", parts);
        Tensor[] values = values("concatRows", g, parts);
        return Var.record(g, "concatRows", Tensor.concatRows(values), (G, sink) -> {
            int at = 0;
            for (int i = 0; i < parts.length; i++) {
                int n = values[i].rows();
                if (sink.wants(i)) {
                    try (Tensor rowsOf = G.sliceRows(at, at + n)) {
                        sink.add(i, rowsOf.copy());
                    }
                }
                at += n;
            }
        }, parts);
    }

    /** The parts side by side; each part's gradient is its columns of G. */
    static Var concatColumns(Var... parts) {
        Graph g = Var.graphFor("concatColumns", parts);
        Tensor[] values = values("concatColumns", g, parts);
        return Var.record(g, "concatColumns", Tensor.concatColumns(values), (G, sink) -> {
            int at = 0;
            for (int i = 0; i < parts.length; i++) {
                int n = values[i].cols();
                if (sink.wants(i)) {
                    sink.add(i, G.sliceColumns(at, at + n));
                }
                at += n;
            }
        }, parts);
    }

    /** mask ? a : b; ∂a = G where mask, ∂b = G elsewhere. */
    static Var where(Tensor mask, Var a, Var b) {
        Graph g = Var.graphFor("where", a, b);
        return Var.record(g, "where", Tensor.where(mask, a.value, b.value), (G, sink) -> {
            try (Tensor zero = g.backend.zeros(G.rows(), G.cols(), G.dtype())) {
                if (sink.wants(0)) {
                    sink.add(0, Tensor.where(mask, G, zero));
                }
                if (sink.wants(1)) {
                    sink.add(1, Tensor.where(mask, zero, G));
                }
            }
        }, a, b);
    }

    private static Tensor[] values(String op, Graph g, Var[] parts) {
        if (parts == null || parts.length == 0) {
            throw new InvalidArgumentException(op + ": there are no parts to concatenate [" + g.backend.name() + "]");
        }
        Tensor[] values = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parts[i].value;
        }
        return values;
    }
}
