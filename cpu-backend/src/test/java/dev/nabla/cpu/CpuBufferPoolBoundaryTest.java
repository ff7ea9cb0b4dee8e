package dev.nabla.cpu;

import dev.nabla.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The edges of {@link CpuBufferPool}'s rules: a buffer of exactly {@link CpuBufferPool#MIN_BYTES} is kept and given
 * back, one element less is not, in every dtype; a pool filled to exactly its capacity keeps the last buffer; a
 * negative capacity keeps nothing. (The cpu-backend PIT part's survivors: the MIN_BYTES boundaries.)
 */
class CpuBufferPoolBoundaryTest {

    private static int lengthOf(DType dtype, long bytes) {
        return (int) (bytes / dtype.bytes());
    }

    @Test
    void aBufferOfExactlyTheMinimumIsKeptAndGivenBack() {
        for (DType dtype : DType.values()) {
            CpuBufferPool pool = new CpuBufferPool(1 << 20);
            int length = lengthOf(dtype, CpuBufferPool.MIN_BYTES);
            CpuBuffer b = CpuBuffer.allocate(dtype, length);
            pool.give(b);
            assertEquals(CpuBufferPool.MIN_BYTES, pool.pooledBytes(), dtype + " × " + length);
            assertSame(b, pool.take(dtype, length), dtype + " × " + length);
            assertEquals(0, pool.pooledBytes());
            assertEquals(1, pool.reused());
        }
    }

    @Test
    void oneElementBelowTheMinimumIsNotKept() {
        for (DType dtype : DType.values()) {
            CpuBufferPool pool = new CpuBufferPool(1 << 20);
            int length = lengthOf(dtype, CpuBufferPool.MIN_BYTES) - 1;
            pool.give(CpuBuffer.allocate(dtype, length));
            assertEquals(0, pool.pooledBytes(), dtype + " × " + length);
            assertNull(pool.take(dtype, length), dtype + " × " + length);
            assertEquals(0, pool.reused());
        }
    }

    @Test
    void aPoolFilledToExactlyItsCapacityKeepsTheLastBuffer() {
        long bytes = 4 * CpuBufferPool.MIN_BYTES;
        int length = lengthOf(DType.FLOAT64, bytes);
        CpuBufferPool pool = new CpuBufferPool(2 * bytes);
        CpuBuffer first = CpuBuffer.allocate(DType.FLOAT64, length);
        CpuBuffer second = CpuBuffer.allocate(DType.FLOAT64, length);
        pool.give(first);
        pool.give(second);
        assertEquals(2 * bytes, pool.pooledBytes(), "exactly full");
        pool.give(CpuBuffer.allocate(DType.FLOAT64, length));
        assertEquals(2 * bytes, pool.pooledBytes(), "one more does not fit");
        assertSame(second, pool.take(DType.FLOAT64, length));
        assertSame(first, pool.take(DType.FLOAT64, length));
        assertNull(pool.take(DType.FLOAT64, length));
    }

    @Test
    void aNegativeCapacityKeepsNothing() {
        CpuBufferPool pool = new CpuBufferPool(-1);
        int length = lengthOf(DType.FLOAT32, 4 * CpuBufferPool.MIN_BYTES);
        pool.give(CpuBuffer.allocate(DType.FLOAT32, length));
        assertEquals(0, pool.pooledBytes());
        assertNull(pool.take(DType.FLOAT32, length));
    }
}
