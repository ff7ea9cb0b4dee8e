package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidShapeException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static dev.nabla.io.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** HostTensor: immutable, compared by raw bits, and turned into 2-D tensors by rank. */
class HostTensorTest {
    @Test
    void itCopiesWhatItIsGivenAndWhatItGivesOut() {
        float[] values = {1, 2, 3, 4, 5, 6};
        int[] shape = {2, 3};
        HostTensor t = HostTensor.of(values, shape);
        values[0] = 99;
        shape[0] = 7;
        t.floats()[1] = 99;
        t.shape()[1] = 7;
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, t.floats());
        assertArrayEquals(new int[]{2, 3}, t.shape());
        assertEquals(6, t.size());
        assertEquals(DType.FLOAT32, t.dtype());
        assertArrayEquals(new double[]{1, 2, 3, 4, 5, 6}, t.toDoubleArray());
        assertMessage(assertThrows(InvalidArgumentException.class, t::doubles), "FLOAT32");
    }

    @Test
    void int32ValuesAreCopiedInAndOutAndWidenExactly() {
        int[] values = {Integer.MIN_VALUE, -1, 0, 1, 16_777_217, Integer.MAX_VALUE};
        HostTensor t = HostTensor.of(values, 3, 2);
        values[0] = 99;
        t.ints()[1] = 99;
        assertEquals(DType.INT32, t.dtype());
        assertArrayEquals(new int[]{3, 2}, t.shape());
        assertArrayEquals(new int[]{Integer.MIN_VALUE, -1, 0, 1, 16_777_217, Integer.MAX_VALUE}, t.ints());
        // 16777217 = 2²⁴ + 1 has no float32, but every int is a double exactly
        assertArrayEquals(new double[]{-2147483648.0, -1, 0, 1, 16_777_217.0, 2147483647.0}, t.toDoubleArray());
        assertMessage(assertThrows(InvalidArgumentException.class, t::floats), "HostTensor.floats", "INT32",
                "use ints()");
        assertMessage(assertThrows(InvalidArgumentException.class, t::doubles), "HostTensor.doubles", "INT32",
                "use ints()");
        assertMessage(assertThrows(InvalidArgumentException.class, HostTensor.of(new float[]{1}, 1)::ints),
                "HostTensor.ints", "FLOAT32", "floats()", "cast(DType.INT32)");
        assertMessage(assertThrows(InvalidArgumentException.class, HostTensor.of(new double[]{1}, 1)::ints),
                "HostTensor.ints", "FLOAT64", "doubles()");
        assertArrayEquals(new int[]{5}, HostTensor.of(new int[]{5}).ints(), "rank 0 holds one value");
    }

    @Test
    void valuesMustFillTheShape() {
        assertMessage(assertThrows(InvalidArgumentException.class, () -> HostTensor.of(new int[7], 2, 3)),
                "7 values cannot fill shape [2, 3] (needs 6)");
        assertMessage(assertThrows(InvalidArgumentException.class, () -> HostTensor.of((int[]) null, 2)),
                "values are null");
        assertMessage(assertThrows(InvalidShapeException.class, () -> HostTensor.of(new int[0], -1, 0)),
                "dimensions must be ≥ 0");
        assertMessage(assertThrows(InvalidArgumentException.class, () -> HostTensor.of(new double[5], 2, 3)),
                "5 values cannot fill shape [2, 3] (needs 6)");
        assertMessage(assertThrows(InvalidShapeException.class, () -> HostTensor.of(new double[0], 2, -3)),
                "dimensions must be ≥ 0");
        assertEquals(1, HostTensor.of(new double[]{4}).size(), "rank 0 holds one value");
        assertEquals(0, HostTensor.of(new float[0], 0, Integer.MAX_VALUE, Integer.MAX_VALUE).size());
    }

    @Test
    void equalityComparesRawBitsSoNaNPayloadsCount() {
        float nan1 = Float.intBitsToFloat(0x7FC00001);
        float nan2 = Float.intBitsToFloat(0x7FC00002);
        assertEquals(HostTensor.of(new float[]{nan1}, 1), HostTensor.of(new float[]{nan1}, 1));
        assertNotEquals(HostTensor.of(new float[]{nan1}, 1), HostTensor.of(new float[]{nan2}, 1));
        assertNotEquals(HostTensor.of(new double[]{0.0}, 1), HostTensor.of(new double[]{-0.0}, 1));
        assertNotEquals(HostTensor.of(new double[]{1}, 1), HostTensor.of(new float[]{1}, 1), "dtypes differ");
        assertNotEquals(HostTensor.of(new double[]{1, 2}, 2), HostTensor.of(new double[]{1, 2}, 1, 2), "shapes differ");
        assertEquals(HostTensor.of(new double[]{nan1}, 1).hashCode(), HostTensor.of(new double[]{nan1}, 1).hashCode());
        assertEquals(HostTensor.of(new int[]{1, -2}, 2), HostTensor.of(new int[]{1, -2}, 2));
        assertEquals(HostTensor.of(new int[]{1, -2}, 2).hashCode(), HostTensor.of(new int[]{1, -2}, 2).hashCode());
        assertNotEquals(HostTensor.of(new int[]{1, -2}, 2), HostTensor.of(new int[]{1, -3}, 2));
        assertNotEquals(HostTensor.of(new int[]{1}, 1), HostTensor.of(new float[]{1}, 1), "INT32 is not FLOAT32");
        assertNotEquals(HostTensor.of(new int[]{0}, 1), HostTensor.of(new float[]{0}, 1), "not even when the bits"
                + " agree");
        assertNotEquals(HostTensor.of(new int[]{1, 2}, 2), HostTensor.of(new int[]{1, 2}, 2, 1), "shapes differ");
    }

    @Test
    void ranksZeroOneAndTwoBecomeTensorsAndHigherRanksDoNot() {
        try (Backend be = Backend.wrap(new ReferenceBackend()); Scope scope = be.scope()) {
            Tensor scalar = HostTensor.of(new double[]{3}).toTensor(be);
            assertEquals("1×1", scalar.shape().toString());
            assertEquals(DType.FLOAT64, scalar.dtype());
            assertEquals("1×4", HostTensor.of(new float[4], 4).toTensor(be).shape().toString());
            Tensor m = HostTensor.of(new float[]{1, 2, 3, 4, 5, 6}, 3, 2).toTensor(be);
            assertEquals("3×2", m.shape().toString());
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, m.toFloatArray());
            assertEquals(HostTensor.of(new float[]{1, 2, 3, 4, 5, 6}, 3, 2), HostTensor.of(m));
            assertMessage(assertThrows(InvalidShapeException.class,
                    () -> HostTensor.of(new float[8], 2, 2, 2).toTensor(be)), "[2, 2, 2] has rank 3");
            assertMessage(assertThrows(InvalidShapeException.class,
                    () -> HostTensor.of(new int[8], 2, 2, 2).toTensor(be)), "[2, 2, 2] has rank 3");
        }
    }

    @Test
    void int32HostTensorsBecomeInt32TensorsAndBack() {
        try (Backend be = Backend.wrap(new ReferenceBackend()); Scope scope = be.scope()) {
            Tensor labels = HostTensor.of(new int[]{3, 1, 4}, 3).toTensor(be);
            assertEquals(DType.INT32, labels.dtype());
            assertEquals("1×3", labels.shape().toString());
            assertArrayEquals(new int[]{3, 1, 4}, labels.toIntArray());
            Tensor scalar = HostTensor.of(new int[]{-7}).toTensor(be);
            assertEquals("1×1", scalar.shape().toString());
            assertArrayEquals(new int[]{-7}, scalar.toIntArray());
            Tensor m = be.fromArray(new int[]{1, 2, 3, 4, 5, Integer.MIN_VALUE}, 2, 3);
            HostTensor h = HostTensor.of(m);
            assertEquals(HostTensor.of(new int[]{1, 2, 3, 4, 5, Integer.MIN_VALUE}, 2, 3), h);
            Tensor back = h.toTensor(be);
            assertEquals(DType.INT32, back.dtype());
            assertEquals("2×3", back.shape().toString());
            assertArrayEquals(m.toIntArray(), back.toIntArray());
            assertEquals(0, HostTensor.of(new int[0], 0, 4).toTensor(be).rows());
        }
    }
}
