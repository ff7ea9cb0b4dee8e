package dev.nabla.autograd;

import dev.nabla.Tensor;
import dev.nabla.spi.BinaryOp;

/**
 * Ops that lay a row, a column or a scalar over a matrix, with backward rules that sum the gradient back over the
 * repeated dimension (the adjoint of a repetition is a sum).
 */
final class Broadcasts {
    private Broadcasts() {
    }

    /**
     * x op 1·b for a 1 × cols row b (ADD, SUB, MUL, DIV). ∂x = G (ADD, SUB), G ⊙ b (MUL), G / b (DIV), row-wise;
     * ∂b = 1ᵀG, −1ᵀG, 1ᵀ(G ⊙ x), −1ᵀ(G ⊙ x) / b².
     */
    static Var rowVector(Var x, Var b, BinaryOp op) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT) + "RowVector";
        Graph g = Var.graphFor(name, x, b);
        Tensor out = switch (op) {
            case ADD -> x.value.addRowVector(b.value);
            case SUB -> x.value.subRowVector(b.value);
            case MUL -> x.value.mulRowVector(b.value);
            case DIV -> x.value.divRowVector(b.value);
            default -> throw new IllegalArgumentException(op.name());
        };
        return Var.record(g, name, out, (G, sink) -> {
            if (sink.wants(0)) {
                sink.add(0, switch (op) {
                    case ADD, SUB -> G.copy();
                    case MUL -> G.mulRowVector(b.value);
                    default -> G.divRowVector(b.value);
                });
            }
            if (sink.wants(1)) {
                sink.add(1, switch (op) {
                    case ADD -> G.sumColumns();
                    case SUB -> negated(G.sumColumns());
                    case MUL -> sumColumnsOfProduct(G, x.value);
                    default -> {
                        try (Tensor s = sumColumnsOfProduct(G, x.value); Tensor b2 = b.value.square();
                             Tensor q = s.div(b2)) {
                            yield q.neg();
                        }
                    }
                });
            }
        }, x, b);
    }

    /** x op b·1ᵀ for a rows × 1 column b; the rules of {@link #rowVector} with row sums in place of column sums. */
    static Var columnVector(Var x, Var b, BinaryOp op) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT) + "ColumnVector";
        Graph g = Var.graphFor(name, x, b);
        Tensor out = switch (op) {
            case ADD -> x.value.addColumnVector(b.value);
            case SUB -> x.value.subColumnVector(b.value);
            case MUL -> x.value.mulColumnVector(b.value);
            case DIV -> x.value.divColumnVector(b.value);
            default -> throw new IllegalArgumentException(op.name());
        };
        return Var.record(g, name, out, (G, sink) -> {
            if (sink.wants(0)) {
                sink.add(0, switch (op) {
                    case ADD, SUB -> G.copy();
                    case MUL -> G.mulColumnVector(b.value);
                    default -> G.divColumnVector(b.value);
                });
            }
            if (sink.wants(1)) {
                sink.add(1, switch (op) {
                    case ADD -> G.sumRows();
                    case SUB -> negated(G.sumRows());
                    case MUL -> sumRowsOfProduct(G, x.value);
                    default -> {
                        try (Tensor s = sumRowsOfProduct(G, x.value); Tensor b2 = b.value.square();
                             Tensor q = s.div(b2)) {
                            yield q.neg();
                        }
                    }
                });
            }
        }, x, b);
    }

    /** x (1 × 1, 1 × cols or rows × 1) repeated to rows × cols; ∂x = G summed over the repeated dimensions. */
    static Var broadcastTo(Var x, int rows, int cols) {
        Graph g = Var.graphFor("broadcastTo", x);
        int r0 = x.value.rows(), c0 = x.value.cols();
        return Var.record(g, "broadcastTo", x.value.broadcastTo(rows, cols), (G, sink) -> {
            boolean overRows = r0 == 1 && rows != 1, overCols = c0 == 1 && cols != 1;
            if (overRows && overCols) {
                sink.add(0, G.sum());
            } else if (overRows) {
                sink.add(0, G.sumColumns());
            } else if (overCols) {
                sink.add(0, G.sumRows());
            } else {
                sink.add(0, G.copy());
            }
        }, x);
    }

    private static Tensor negated(Tensor t) {
        try (t) {
            return t.neg();
        }
    }

    private static Tensor sumColumnsOfProduct(Tensor a, Tensor b) {
        try (Tensor p = a.mul(b)) {
            return p.sumColumns();
        }
    }

    private static Tensor sumRowsOfProduct(Tensor a, Tensor b) {
        try (Tensor p = a.mul(b)) {
            return p.sumRows();
        }
    }
}
