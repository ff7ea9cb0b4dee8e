package dev.nabla.contract;

import dev.nabla.DType;
import dev.nabla.Shape;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The aliasing table: every {@link dev.nabla.spi.ComputeBackend} method that takes two or more buffers, called
 * through {@link dev.nabla.Ops} with each of its variants (op codes, activations, broadcasts, transpositions), its
 * operands, and the pairs the SPI javadoc allows to alias. It is written from the javadoc's rules, not from Ops, so
 * that {@link AliasContract} checks Ops against the rules:
 * <ul>
 *   <li>elementwise ops (unary, binary, axpy, biasActivation, activationBackward), softmaxRows and the δ of
 *       lossAndDelta and logitLossAndDelta may write over any input but logitLossAndDelta's z;</li>
 *   <li>gemm's c, reduction outputs, backpropDelta's out, lossAndDelta's and logitLossAndDelta's loss and every buffer of sgdStep and
 *       adamStep must be buffers of their own;</li>
 *   <li>operands an op only reads may always alias;</li>
 *   <li>the layout ops built on copyStrided (transpose, concatenation, broadcastTo), casts, gatherRows,
 *       scatterAddRows, argmaxRows, oneHot and compare write outputs of their own; where may write over a or b.</li>
 * </ul>
 * Ops.copy onto the same tensor is allowed too: it has nothing to do (the SPI's copy never sees one buffer twice).
 * Index, label and mask operands are INT32 with values their op accepts (rows of the source, classes, 0 or 1).
 */
public final class AliasCases {
    /** Sizes for elementwise and row-wise ops: one element, vector bodies and tails, a column, several threads. */
    private static final List<int[]> ELEMENTWISE = List.of(new int[]{1, 1}, new int[]{1, 37}, new int[]{37, 1},
            new int[]{19, 37}, new int[]{1, 70001});
    /** Sizes for products (square ones let C, A and B share a shape). */
    private static final List<int[]> PRODUCTS = List.of(new int[]{1, 1}, new int[]{3, 3}, new int[]{19, 37},
            new int[]{37, 37});

    /** The dtypes of the arithmetic ops. */
    private static final List<DType> FLOATS = List.of(DType.FLOAT32, DType.FLOAT64);
    /** The dtypes of the ops that move or compare elements without arithmetic. */
    private static final List<DType> ANY = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32);

    private final List<AliasCase> cases = new ArrayList<>();

    private AliasCases() {
    }

    /** Every case, in a fixed order. */
    public static List<AliasCase> all() {
        AliasCases c = new AliasCases();
        c.primitives();
        c.fused();
        c.layout();
        c.indexing();
        return List.copyOf(c.cases);
    }

    private static AliasCase.Role in(String name) {
        return new AliasCase.Role(name, false, -1, 1);
    }

    private static AliasCase.Role in(String name, double lo, double hi) {
        return new AliasCase.Role(name, false, lo, hi);
    }

    private static AliasCase.Role out(String name) {
        return new AliasCase.Role(name, true, -1, 1);
    }

    private static AliasCase.Role out(String name, double lo, double hi) {
        return new AliasCase.Role(name, true, lo, hi);
    }

    /** An INT32 operand the op reads whose values index something: integers in [0, bound). */
    private static AliasCase.Role index(String name, AliasCase.Bound bound) {
        return new AliasCase.Role(name, false, 0, 0, DType.INT32, bound);
    }

    /** An INT32 output (its initial values, zeros, are never read). */
    private static AliasCase.Role intOut(String name) {
        return new AliasCase.Role(name, true, 0, 1, DType.INT32, null);
    }

    private static Shape s(int rows, int cols) {
        return new Shape(rows, cols);
    }

    private void add(String spi, String op, String variant, List<AliasCase.Role> roles, Set<String> allowed,
                     List<int[]> sizes, AliasCase.Shapes shapes, AliasCase.Reduction reduction, AliasCase.Call call) {
        add(spi, op, variant, roles, allowed, FLOATS, sizes, shapes, reduction, call);
    }

    private void add(String spi, String op, String variant, List<AliasCase.Role> roles, Set<String> allowed,
                     List<DType> dtypes, List<int[]> sizes, AliasCase.Shapes shapes, AliasCase.Reduction reduction,
                     AliasCase.Call call) {
        cases.add(new AliasCase(spi, op, variant, roles, allowed, dtypes, sizes, shapes, reduction, call));
    }

    private void primitives() {
        // gemm: c (read too, β ≠ 0) = 0.75·op(a)·op(b) + 0.5·c; m = rows, n = k = cols
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                add("gemm", "gemm", "transA=" + ta + " transB=" + tb, List.of(in("a"), in("b"), out("c")), Set.of(),
                        PRODUCTS, (r, k) -> new Shape[]{ta ? s(k, r) : s(r, k), s(k, k), s(r, k)}, (r, k) -> k,
                        (ops, t) -> ops.gemm(ta, tb, 0.75, t[0], t[1], 0.5, t[2]));
            }
        }
        for (UnaryOp u : UnaryOp.values()) {
            double p = u == UnaryOp.SCALE ? 1.5 : u == UnaryOp.ADD_SCALAR ? 0.25 : u == UnaryOp.POW ? 1.5 : 0;
            boolean positive = u == UnaryOp.SQRT || u == UnaryOp.LOG || u == UnaryOp.POW;
            add("unary", u.name().toLowerCase(), "", List.of(positive ? in("x", 0.05, 2) : in("x"), out("out")),
                    Set.of("out=x"), ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), s(r, c)}, (r, c) -> 1,
                    (ops, t) -> ops.unary(u, p, t[0], t[1]));
        }
        for (BinaryOp b : BinaryOp.values()) {
            for (Broadcast bc : Broadcast.values()) {
                if (b.isLossTerm() && bc != Broadcast.NONE) {
                    continue;
                }
                boolean probabilities = b.isLossTerm();
                AliasCase.Role a = probabilities ? in("a", 0.05, 0.95) : in("a");
                AliasCase.Role bb = probabilities ? in("b", 0.05, 0.95) : in("b", 0.25, 1);  // no division by ~0
                add("binary", b.name().toLowerCase(), bc.name(), List.of(a, bb, out("out")), Set.of("out=a", "out=b"),
                        ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), switch (bc) {
                            case NONE -> s(r, c);
                            case ROW -> s(1, c);
                            case COLUMN -> s(r, 1);
                        }, s(r, c)}, (r, c) -> 1, (ops, t) -> ops.binary(b, t[0], t[1], bc, t[2]));
            }
        }
        add("copy", "copy", "", List.of(in("src", -100, 100), out("dst")), Set.of("dst=src"), ANY, ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, c)}, (r, c) -> 1, (ops, t) -> ops.copy(t[0], t[1]));
        add("axpy", "axpy", "", List.of(in("x"), out("y")), Set.of("y=x"), ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, c)}, (r, c) -> 1, (ops, t) -> ops.axpy(0.5, t[0], t[1]));
        add("sumColumns", "sumColumns", "", List.of(in("x"), out("out")), Set.of(), ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(1, c)}, (r, c) -> r, (ops, t) -> ops.sumColumns(t[0], t[1]));
        for (RowReduction red : RowReduction.values()) {
            add("reduceRows", "reduceRows(" + red + ")", "", List.of(in("x"), out("out")), Set.of(), ELEMENTWISE,
                    (r, c) -> new Shape[]{s(r, c), s(r, 1)}, (r, c) -> c, (ops, t) -> ops.reduceRows(red, t[0], t[1]));
        }
        add("sumAll", "sumAll", "", List.of(in("x"), out("out")), Set.of(), ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(1, 1)}, (r, c) -> r * c, (ops, t) -> ops.sumAll(t[0], t[1]));
    }

    private static final UnaryOp[] ACTIVATIONS = {UnaryOp.IDENTITY, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU};
    private static final UnaryOp[] GRADS = {UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, UnaryOp.SIGMOID_GRAD_FROM_OUTPUT,
            UnaryOp.TANH_GRAD_FROM_OUTPUT, UnaryOp.RELU_GRAD_FROM_OUTPUT};

    private void fused() {
        for (UnaryOp act : ACTIVATIONS) {
            add("biasActivation", "biasActivation(" + act + ")", "", List.of(in("z"), in("bias"), out("out")),
                    Set.of("out=z", "out=bias"), ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), s(1, c), s(r, c)},
                    (r, c) -> 1, (ops, t) -> ops.biasActivation(act, t[0], t[1], t[2]));
        }
        add("softmaxRows", "softmaxRows", "", List.of(in("x", -3, 3), out("out")), Set.of("out=x"), ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, c)}, (r, c) -> c, (ops, t) -> ops.softmaxRows(t[0], t[1]));
        for (UnaryOp g : GRADS) {
            add("activationBackward", "activationBackward(" + g + ")", "", List.of(in("a"), in("d"), out("out")),
                    Set.of("out=a", "out=d"), ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), s(r, c), s(r, c)},
                    (r, c) -> 1, (ops, t) -> ops.activationBackward(g, t[0], t[1], t[2]));
        }
        // backpropDelta: rows = N, nOut = nIn = cols
        for (UnaryOp g : GRADS) {
            add("backpropDelta", "backpropDelta(" + g + ")", "",
                    List.of(in("delta"), in("w"), in("aPrev"), out("out")), Set.of(), PRODUCTS,
                    (r, c) -> new Shape[]{s(r, c), s(c, c), s(r, c), s(r, c)}, (r, c) -> c,
                    (ops, t) -> ops.backpropDelta(g, t[0], t[1], t[2], t[3]));
        }
        List<BinaryOp> terms = List.of(BinaryOp.HALF_SQUARED_ERROR, BinaryOp.BINARY_CROSS_ENTROPY,
                BinaryOp.CROSS_ENTROPY);
        for (BinaryOp term : terms) {
            for (UnaryOp g : term == BinaryOp.HALF_SQUARED_ERROR ? GRADS
                    : new UnaryOp[]{UnaryOp.IDENTITY_GRAD_FROM_OUTPUT}) {
                add("lossAndDelta", "lossAndDelta(" + term + ")", g.toString(),
                        List.of(in("f", 0.05, 0.95), in("t", 0.05, 0.95), out("delta"), out("loss")),
                        Set.of("delta=f", "delta=t"), ELEMENTWISE,
                        (r, c) -> new Shape[]{s(r, c), s(r, c), s(r, c), s(1, 1)}, (r, c) -> r * c,
                        (ops, t) -> ops.lossAndDelta(term, g, t[0], t[1], t[2], t[3]));
            }
        }
        // logitLossAndDelta: z, f, t read; δ written after the loss is taken (may be f or t, not z)
        for (BinaryOp term : List.of(BinaryOp.BINARY_CROSS_ENTROPY, BinaryOp.CROSS_ENTROPY)) {
            add("logitLossAndDelta", "logitLossAndDelta(" + term + ")", "",
                    List.of(in("z", -3, 3), in("f", 0.05, 0.95), in("t", 0.05, 0.95), out("delta"), out("loss")),
                    Set.of("delta=f", "delta=t"), ELEMENTWISE,
                    (r, c) -> new Shape[]{s(r, c), s(r, c), s(r, c), s(r, c), s(1, 1)}, (r, c) -> r * c,
                    (ops, t) -> ops.logitLossAndDelta(term, t[0], t[1], t[2], t[3], t[4]));
        }
        add("sgdStep", "sgdStep", "with momentum", List.of(out("w"), in("g"), out("velocity")), Set.of(), ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, c), s(r, c)}, (r, c) -> 1,
                (ops, t) -> ops.sgdStep(t[0], t[1], t[2], 0.1, 0.9, 0.01));
        add("sgdStep", "sgdStep", "without velocity", List.of(out("w"), in("g")), Set.of(), ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, c)}, (r, c) -> 1,
                (ops, t) -> ops.sgdStep(t[0], t[1], null, 0.1, 0, 0.01));
        add("adamStep", "adamStep", "", List.of(out("w"), in("g"), out("m"), out("v", 0, 1)), Set.of(), ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, c), s(r, c), s(r, c)}, (r, c) -> 1,
                (ops, t) -> ops.adamStep(t[0], t[1], t[2], t[3], 0.01, 0.9, 0.999, 1e-8, 0.01, 3));
    }

    /**
     * The layout ops, which Ops builds on copyStrided (views, transposition, concatenation, explicit broadcasting): any
     * dtype; out must not overlap an input (copyStrided's dst must not be its src).
     */
    private void layout() {
        add("copyStrided", "transpose", "", List.of(in("x", -100, 100), out("out")), Set.of(), ANY, PRODUCTS,
                (r, c) -> new Shape[]{s(r, c), s(c, r)}, (r, c) -> 1, (ops, t) -> ops.transpose(t[0], t[1]));
        add("copyStrided", "broadcastTo", "a row", List.of(in("x", -100, 100), out("out")), Set.of(), ANY, ELEMENTWISE,
                (r, c) -> new Shape[]{s(1, c), s(r, c)}, (r, c) -> 1, (ops, t) -> ops.broadcastTo(t[0], t[1]));
        add("copyStrided", "broadcastTo", "a column", List.of(in("x", -100, 100), out("out")), Set.of(), ANY,
                ELEMENTWISE, (r, c) -> new Shape[]{s(r, 1), s(r, c)}, (r, c) -> 1,
                (ops, t) -> ops.broadcastTo(t[0], t[1]));
        add("copyStrided", "broadcastTo", "a scalar", List.of(in("x", -100, 100), out("out")), Set.of(), ANY,
                ELEMENTWISE, (r, c) -> new Shape[]{s(1, 1), s(r, c)}, (r, c) -> 1,
                (ops, t) -> ops.broadcastTo(t[0], t[1]));
        // two parts and out (Ops names every part "part" in its messages); out never has a part's shape, so out and a
        // part meet only as overlapping views
        add("copyStrided", "concatRows", "", List.of(in("part0", -100, 100), in("part1", -100, 100), out("out")),
                Set.of(), ANY, ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), s(r, c), s(2 * r, c)}, (r, c) -> 1,
                (ops, t) -> ops.concatRows(List.of(t[0], t[1]), t[2]));
        add("copyStrided", "concatColumns", "", List.of(in("part0", -100, 100), in("part1", -100, 100), out("out")),
                Set.of(), ANY, ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), s(r, c), s(r, 2 * c)}, (r, c) -> 1,
                (ops, t) -> ops.concatColumns(List.of(t[0], t[1]), t[2]));
        // casts between a floating dtype and INT32 (a cast to the same dtype is Ops.copy): a tensor has one dtype,
        // so src and dst can never share an element; the cases run them on views
        add("cast", "cast", "to INT32", List.of(in("src", -20, 20), intOut("dst")), Set.of(), FLOATS, ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, c)}, (r, c) -> 1, (ops, t) -> ops.cast(t[0], t[1]));
        add("cast", "cast", "from INT32", List.of(new AliasCase.Role("src", false, -20, 20, DType.INT32, null),
                        out("dst")), Set.of(), FLOATS, ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), s(r, c)},
                (r, c) -> 1, (ops, t) -> ops.cast(t[0], t[1]));
    }

    /** Indexing and masks: gathers, scatters, argmax, one-hot rows, comparisons and where. */
    private void indexing() {
        // src r×c, indices r×1 (rows of src), out r×c: at one column all three have one shape; an INT32 src holds
        // valid indices too, so that it may be the indices (both read)
        add("gatherRows", "gatherRows", "", List.of(new AliasCase.Role("src", false, -100, 100, null, (r, c) -> r),
                        index("indices", (r, c) -> r), out("out")), Set.of(), ANY, ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, 1), s(r, c)}, (r, c) -> 1,
                (ops, t) -> ops.gatherRows(t[0], t[1], t[2]));
        // dst (r×c) += src rows at indices: a row may receive all r rows of src
        add("scatterAddRows", "scatterAddRows", "", List.of(in("src"), index("indices", (r, c) -> r), out("dst")),
                Set.of(), FLOATS, ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), s(r, 1), s(r, c)}, (r, c) -> r + 1,
                (ops, t) -> ops.scatterAddRows(t[0], t[1], t[2]));
        add("argmaxRows", "argmaxRows", "", List.of(in("x"), intOut("out")), Set.of(), FLOATS, ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, 1)}, (r, c) -> 1, (ops, t) -> ops.argmaxRows(t[0], t[1]));
        add("oneHot", "oneHot", "", List.of(index("labels", (r, c) -> c), out("out")), Set.of(), FLOATS, ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, 1), s(r, c)}, (r, c) -> 1, (ops, t) -> ops.oneHot(t[0], t[1]));
        for (CompareOp cmp : CompareOp.values()) {
            for (Broadcast bc : Broadcast.values()) {
                add("compare", cmp.name().toLowerCase(), bc.name(), List.of(in("a", -3, 3), in("b", -3, 3),
                                intOut("out")), Set.of(), ANY, ELEMENTWISE, (r, c) -> new Shape[]{s(r, c), switch (bc) {
                            case NONE -> s(r, c);
                            case ROW -> s(1, c);
                            case COLUMN -> s(r, 1);
                        }, s(r, c)}, (r, c) -> 1, (ops, t) -> ops.compare(cmp, t[0], t[1], bc, t[2]));
            }
        }
        add("where", "where", "", List.of(index("mask", (r, c) -> 2), in("a"), in("b"), out("out")),
                Set.of("out=a", "out=b"), FLOATS, ELEMENTWISE,
                (r, c) -> new Shape[]{s(r, c), s(r, c), s(r, c), s(r, c)}, (r, c) -> 1,
                (ops, t) -> ops.where(t[0], t[1], t[2], t[3]));
    }
}
