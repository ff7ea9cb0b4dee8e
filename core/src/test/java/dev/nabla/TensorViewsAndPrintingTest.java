package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lifetime rules of views, and toString, on the reference backend. */
class TensorViewsAndPrintingTest {
    private static final Backend REF = Backend.wrap(new ReferenceBackend());

    @AfterAll
    static void close() {
        REF.close();
    }

    @Test
    void closingABaseClosesItsViewsAndClosingAViewFreesNothing() {
        long live = REF.stats().liveTensors();
        Tensor base = REF.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor view = base.sliceRows(1, 3);
        Tensor flat = view.reshape(1, 4);
        assertTrue(view.isView() && flat.isView() && !base.isView());
        assertArrayEquals(new float[]{3, 4, 5, 6}, flat.toFloatArray());
        view.close();
        assertTrue(view.isClosed());
        assertFalse(base.isClosed(), "closing a view leaves its base open");
        assertArrayEquals(new float[]{3, 4, 5, 6}, flat.toFloatArray(), "and its sibling views");
        assertEquals(live + 1, REF.stats().liveTensors(), "views are not tensors of their own");
        base.close();
        assertTrue(flat.isClosed());
        TensorClosedException e = assertThrows(TensorClosedException.class, flat::toFloatArray);
        assertTrue(e.getMessage().contains("toFloatArray"), e.getMessage());
        assertThrows(TensorClosedException.class, flat::buffer);
        assertEquals(live, REF.stats().liveTensors());
    }

    @Test
    void writesThroughAViewChangeOnlyItsRows() {
        try (Scope s = REF.scope()) {
            Tensor base = REF.zeros(4, 2);
            base.sliceRows(1, 3).copyFrom(REF.fromArray(new float[]{1, 2, 3, 4}, 2, 2));
            base.sliceRows(3, 4).fill(9);
            base.sliceRows(0, 1).axpyInPlace(2, REF.fromArray(new float[]{1, 1}, 1, 2));
            assertArrayEquals(new float[]{2, 2, 1, 2, 3, 4, 9, 9}, base.toFloatArray());
            Tensor sig = base.sliceRows(1, 3).sigmoid();
            assertFalse(sig.isView(), "an op on a view returns a tensor of its own");
            assertThrows(InvalidArgumentException.class, () -> base.sliceRows(1, 2).buffer(),
                    "a view at an offset has no buffer of its own");
            assertThrows(InvalidShapeException.class, () -> base.sliceRows(3, 5));
            assertThrows(InvalidShapeException.class, () -> base.reshape(3, 3));
        }
    }

    @Test
    void printsLikePyTorch() {
        try (Scope s = REF.scope()) {
            Tensor t = REF.fromArray(new float[]{0.5f, -1.25f, 3, 1, 0, Float.NaN}, 2, 3);
            assertEquals("Tensor(2×3 FLOAT32, reference)\n[[ 0.5000, -1.2500,  3.0000],\n [ 1.0000,  0.0000,     nan]]",
                    t.toString());
            assertEquals("Tensor(1×3 INT32, reference)\n[[ 1, -2, 30]]", REF.fromInts(1, -2, 30).toString());
            assertEquals("Tensor(1×2 FLOAT64, reference)\n[[1., 2.]]",
                    REF.fromArray(new double[]{1, 2}, 1, 2).toString());
            assertTrue(REF.fromArray(new double[]{1e-6, 1}, 1, 2).toString().contains("1.0000e-06"));
            Tensor big = REF.zeros(100, 50);
            String text = big.toString();
            assertTrue(text.contains("...") && text.split("\n").length == 8, text);
            Tensor closed = REF.zeros(2, 3);
            closed.close();
            assertEquals("Tensor(2×3 FLOAT32, reference, closed)", closed.toString());
            assertTrue(REF.zeros(4, 2).sliceRows(1, 2).toString().startsWith("Tensor(1×2 FLOAT32, reference, view)"));
        }
    }
}
