package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.RowReduction;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Core's indexing and layout ops ({@link Ops}) judged against values written in the test, not against the reference
 * backend: the indexing contract compares a backend with the reference through the same {@code Ops}, so a change in
 * {@code Ops} that every backend shares (a kernel call dropped, a view's result not copied back into its parent) is
 * invisible to it. PIT found such mutants alive (docs/reliability.md, "Mutation testing"). Each op runs once into a
 * fresh tensor and, where {@code Ops} takes an output, once into a view at an offset, whose parent must change in
 * exactly the view's rows.
 */
class OpsDirectFormulasTest {
    private Backend be;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    @AfterEach
    void stop() {
        be.close();
    }

    /** A 4 × 3 parent of −1s whose rows 1..2 are the view an op writes; the expected parent around {@code rows}. */
    private static double[] parentAround(double[] rows) {
        double[] p = new double[12];
        java.util.Arrays.fill(p, -1);
        System.arraycopy(rows, 0, p, 3, 6);
        return p;
    }

    @Test
    void gatherRowsCopiesTheNamedRowsAlsoIntoAView() {
        try (Scope s = be.scope()) {
            Tensor x = be.fromArray(new double[]{0, 1, 2, 10, 11, 12, 20, 21, 22}, 3, 3);
            Tensor idx = be.fromInts(2, 0);
            double[] expected = {20, 21, 22, 0, 1, 2};
            assertArrayEquals(expected, x.gatherRows(idx).toDoubleArray(), "gatherRows into a new tensor");
            Tensor parent = be.fromArray(parentAround(new double[6]), 4, 3);
            be.ops().gatherRows(x, idx, parent.sliceRows(1, 3));
            assertArrayEquals(parentAround(expected), parent.toDoubleArray(), "gatherRows into rows 1..2 of a 4×3");
        }
    }

    @Test
    void scatterAddRowsSumsEveryRowIntoItsIndex() {
        try (Scope s = be.scope()) {
            Tensor x = be.fromArray(new double[]{1, 2, 10, 20, 100, 200}, 3, 2);
            Tensor idx = be.fromInts(1, 1, 0);
            assertArrayEquals(new double[]{100, 200, 11, 22, 0, 0}, x.scatterAddRows(idx, 3).toDoubleArray(),
                    "scatterAddRows: row 1 gets rows 0 and 1, row 0 gets row 2, row 2 stays 0");
        }
    }

    @Test
    void argmaxRowsOneHotCompareAndWhereGiveTheirDefinitions() {
        try (Scope s = be.scope()) {
            Tensor x = be.fromArray(new double[]{1, 5, 5, 9, 2, 3, -1, -2, -3, 0, 7, 7}, 4, 3);
            int[] argmax = x.argmaxRows().toIntArray();
            assertArrayEquals(new int[]{1, 0, 0, 1}, argmax, "argmaxRows: the first maximum of each row");
            assertArrayEquals(new double[]{0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0},
                    x.argmaxRows().oneHot(3).toDoubleArray(), "oneHot of the argmax");
            Tensor y = be.fromArray(new double[]{1, 6, 4, 9, 3, 3, -1, -1, -4, 1, 7, 6}, 4, 3);
            assertArrayEquals(new int[]{0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1}, x.gt(y).toIntArray(), "x > y");
            assertArrayEquals(new int[]{1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1}, x.ge(y).toIntArray(), "x ≥ y");
            assertArrayEquals(new double[]{1, 6, 5, 9, 3, 3, -1, -1, -3, 1, 7, 7},
                    Tensor.where(x.ge(y), x, y).toDoubleArray(), "where(x ≥ y, x, y) = max(x, y)");
        }
    }

    @Test
    void layoutOpsMoveEachElementWhereTheirDefinitionSays() {
        try (Scope s = be.scope()) {
            Tensor x = be.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3);
            assertArrayEquals(new double[]{1, 4, 2, 5, 3, 6}, x.transpose().toDoubleArray(), "transpose");
            assertArrayEquals(new double[]{2, 3, 5, 6}, x.sliceColumns(1, 3).toDoubleArray(), "sliceColumns(1, 3)");
            assertArrayEquals(new double[]{1, 2, 3, 4, 5, 6, 1, 2, 3}, Tensor.concatRows(x, x.sliceRows(0, 1))
                    .toDoubleArray(), "concatRows");
            assertArrayEquals(new double[]{1, 2, 3, 1, 4, 5, 6, 4}, Tensor.concatColumns(x,
                    x.sliceColumns(0, 1)).toDoubleArray(), "concatColumns");
            assertArrayEquals(new double[]{1, 2, 3, 1, 2, 3, 1, 2, 3},
                    x.sliceRows(0, 1).broadcastTo(3, 3).toDoubleArray(), "broadcastTo of a row");
            assertArrayEquals(new int[]{1, 2, 3, 4, 5, 6}, x.cast(DType.INT32).toIntArray(), "cast to INT32");
        }
    }

    /**
     * An op into rows 1..r of an (r + 2)-row parent writes there exactly what it writes into a tensor of its own
     * (both start at −7 everywhere, for the ops that update their output), and nothing outside: a view output is
     * staged, and its result copied back into the parent (Staging.commit), which no other test checks.
     */
    private void intoAViewAsIntoItsOwn(String what, int r, int c, DType dtype, Consumer<Tensor> op) {
        double[] fill = new double[(r + 2) * c];
        java.util.Arrays.fill(fill, -7);
        Tensor own = be.fromArray(java.util.Arrays.copyOf(fill, r * c), r, c, dtype);
        op.accept(own);
        Tensor parent = be.fromArray(fill, r + 2, c, dtype);
        op.accept(parent.sliceRows(1, r + 1));
        double[] expected = fill.clone();
        System.arraycopy(own.toDoubleArray(), 0, expected, c, r * c);
        assertArrayEquals(expected, parent.toDoubleArray(), what + " into rows 1.." + r + " of a " + (r + 2) + "×" + c);
    }

    @Test
    void everyOpWritesIntoAViewWhatItWritesIntoATensorOfItsOwn() {
        try (Scope s = be.scope()) {
            Tensor x = be.fromArray(new double[]{1, -2, 3, 0.5, 4, 4, -1, 2, 0, 7, -3, 1}, 3, 4);
            Tensor y = be.fromArray(new double[]{1, 2, 2, 0.5, -4, 4, 0, 2, 1, 6, -3, 5}, 3, 4);
            Tensor a = be.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 3, 2);
            Tensor b = be.fromArray(new double[]{1, 0, -1, 2, 0.5, 1, 1, -2}, 2, 4);
            Tensor labels = be.fromArray(new int[]{2, 0, 4}, 3, 1);
            intoAViewAsIntoItsOwn("gemm α = 1, β = 0.5", 3, 4, DType.FLOAT64,
                    o -> be.ops().gemm(false, false, 1.0, a, b, 0.5, o));
            intoAViewAsIntoItsOwn("sumColumns", 1, 4, DType.FLOAT64, o -> be.ops().sumColumns(x, o));
            intoAViewAsIntoItsOwn("reduceRows MAX", 3, 1, DType.FLOAT64,
                    o -> be.ops().reduceRows(RowReduction.MAX, x, o));
            intoAViewAsIntoItsOwn("sumAll", 1, 1, DType.FLOAT64, o -> be.ops().sumAll(x, o));
            intoAViewAsIntoItsOwn("softmaxRows", 3, 4, DType.FLOAT64, o -> be.ops().softmaxRows(x, o));
            intoAViewAsIntoItsOwn("cast to FLOAT32", 3, 4, DType.FLOAT32, o -> be.ops().cast(x, o));
            intoAViewAsIntoItsOwn("scatterAddRows", 2, 4, DType.FLOAT64,
                    o -> be.ops().scatterAddRows(x, be.fromInts(1, 1, 0), o));
            intoAViewAsIntoItsOwn("argmaxRows", 3, 1, DType.INT32, o -> be.ops().argmaxRows(x, o));
            intoAViewAsIntoItsOwn("oneHot", 3, 5, DType.FLOAT64, o -> be.ops().oneHot(labels, o));
            intoAViewAsIntoItsOwn("compare GT", 3, 4, DType.INT32,
                    o -> be.ops().compare(CompareOp.GT, x, y, Broadcast.NONE, o));
            intoAViewAsIntoItsOwn("where", 3, 4, DType.FLOAT64, o -> be.ops().where(x.gt(y), x, y, o));
        }
    }

    /**
     * An INT32 tensor remembers the range of its values so that an index check need not read it back; every op that
     * overwrites one must update that range. Here each op writes 2s (or 1s) over a tensor known to hold 0s, and the
     * result, used as row indices into a source with fewer rows, must be refused: a stale range would let it through.
     */
    @Test
    void opsThatOverwriteIntsUpdateTheRangeIndexChecksTrust() {
        try (Scope s = be.scope()) {
            Tensor oneRow = be.fromArray(new double[]{1, 2}, 1, 2);
            Tensor twoRows = be.fromArray(new double[]{1, 2, 3, 4}, 2, 2);
            Tensor filled = be.fromInts(0, 0, 0);
            be.ops().fill(filled, 2);
            assertThrows(IndexOutOfRangeException.class, () -> twoRows.gatherRows(filled), "after fill");
            Tensor copied = be.fromInts(0, 0, 0);
            be.ops().copy(be.fromInts(2, 2, 2), copied);
            assertThrows(IndexOutOfRangeException.class, () -> twoRows.gatherRows(copied), "after copy");
            Tensor cast = be.fromInts(0, 0, 0);
            be.ops().cast(be.fromArray(new double[]{2, 2, 2}, 1, 3), cast);
            assertThrows(IndexOutOfRangeException.class, () -> twoRows.gatherRows(cast), "after cast");
            Tensor compared = be.fromArray(new int[]{0, 0}, 2, 1);
            be.ops().compare(CompareOp.GT, be.fromArray(new double[]{1, 1}, 2, 1),
                    be.fromArray(new double[]{0, 0}, 2, 1), Broadcast.NONE, compared);
            assertThrows(IndexOutOfRangeException.class, () -> oneRow.gatherRows(compared), "after compare");
            Tensor argmax = be.fromArray(new int[]{0, 0}, 2, 1);
            be.ops().argmaxRows(be.fromArray(new double[]{0, 1, 0, 1}, 2, 2), argmax);
            assertThrows(IndexOutOfRangeException.class, () -> oneRow.gatherRows(argmax), "after argmaxRows");
            Tensor gathered = be.fromArray(new int[]{0, 0}, 2, 1);
            be.ops().gatherRows(be.fromArray(new int[]{2, 2}, 2, 1), be.fromInts(0, 1), gathered);
            assertThrows(IndexOutOfRangeException.class, () -> twoRows.gatherRows(gathered), "after gatherRows");
            Tensor transposed = be.fromArray(new int[]{0, 0}, 2, 1);
            be.ops().transpose(be.fromArray(new int[]{2, 2}, 1, 2), transposed);
            assertThrows(IndexOutOfRangeException.class, () -> twoRows.gatherRows(transposed), "after transpose");
        }
    }
}
