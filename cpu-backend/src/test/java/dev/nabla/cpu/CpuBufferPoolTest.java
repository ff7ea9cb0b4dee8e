package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.module.Linear;
import dev.nabla.module.ReLU;
import dev.nabla.module.Sequential;
import dev.nabla.optim.SGD;
import dev.nabla.spi.DeviceBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cpu backend's pool of released buffers: exact-size reuse, its bounds, and that a training loop reuses. */
class CpuBufferPoolTest {
    private static final int BIG = 8192;        // 32 KiB of FLOAT32: above the pool's minimum

    private static CpuBuffer buffer(DType dtype, int length) {
        return CpuBuffer.allocate(dtype, length);
    }

    @Test
    void aReleasedBufferComesBackOnlyForTheSameDtypeAndLength() {
        CpuBufferPool pool = new CpuBufferPool(1 << 20);
        CpuBuffer b = buffer(DType.FLOAT32, BIG);
        pool.give(b);
        assertEquals(BIG * 4L, pool.pooledBytes());
        assertNull(pool.take(DType.FLOAT32, BIG + 1), "another length");
        assertNull(pool.take(DType.INT32, BIG), "another dtype of the same size");
        assertSame(b, pool.take(DType.FLOAT32, BIG));
        assertEquals(0, pool.pooledBytes());
        assertEquals(1, pool.reused());
        assertNull(pool.take(DType.FLOAT32, BIG), "taken once");
    }

    @Test
    void smallBuffersAreLeftToTheCollector() {
        CpuBufferPool pool = new CpuBufferPool(1 << 20);
        int small = (int) (CpuBufferPool.MIN_BYTES / 4) - 1;
        pool.give(buffer(DType.FLOAT32, small));
        assertEquals(0, pool.pooledBytes());
        assertNull(pool.take(DType.FLOAT32, small));
    }

    @Test
    void theCapacityBoundsWhatIsKept() {
        CpuBufferPool pool = new CpuBufferPool(3L * BIG * 4);
        CpuBuffer[] kept = new CpuBuffer[4];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = buffer(DType.FLOAT32, BIG);
            pool.give(kept[i]);
        }
        assertEquals(3L * BIG * 4, pool.pooledBytes(), "the fourth did not fit");
        for (int i = 2; i >= 0; i--) {
            assertSame(kept[i], pool.take(DType.FLOAT32, BIG), "last in, first out");
        }
        assertNull(pool.take(DType.FLOAT32, BIG));
        CpuBufferPool none = new CpuBufferPool(0);
        none.give(buffer(DType.FLOAT64, BIG));
        assertEquals(0, none.pooledBytes(), "capacity 0 keeps nothing");
    }

    @Test
    void clearAndCloseDropEverything() {
        CpuBufferPool pool = new CpuBufferPool(1 << 20);
        pool.give(buffer(DType.FLOAT64, BIG));
        pool.clear();
        assertEquals(0, pool.pooledBytes());
        assertNull(pool.take(DType.FLOAT64, BIG));
        pool.give(buffer(DType.FLOAT64, BIG));
        pool.close();
        assertEquals(0, pool.pooledBytes());
        pool.give(buffer(DType.FLOAT64, BIG));
        assertEquals(0, pool.pooledBytes(), "a closed pool keeps nothing");
    }

    @Test
    void theBackendReusesReleasedBuffersAndCountsThem() {
        CpuBackend cpu = new CpuBackend(CpuPath.SCALAR, 1);
        try {
            DeviceBuffer a = cpu.allocate(DType.FLOAT32, BIG);
            cpu.release(a);
            assertEquals(BIG * 4L, cpu.counters().get("pooledBytes"));
            DeviceBuffer b = cpu.allocate(DType.FLOAT32, BIG);
            assertSame(a, b);
            assertEquals(1L, cpu.counters().get("reusedBuffers"));
            assertEquals(1L, cpu.counters().get("liveBuffers"));
            if (Boolean.getBoolean(CpuBackend.POISON_PROPERTY)) {
                float[] f = new float[BIG];
                cpu.read(b, f);
                assertTrue(Float.isNaN(f[0]) && Float.isNaN(f[BIG - 1]), "poisoned on allocation, reused too");
            }
            DeviceBuffer c = cpu.allocate(DType.FLOAT32, BIG);
            assertNotSame(b, c, "a live buffer is never handed out twice");
            cpu.release(b);
            cpu.release(c);
        } finally {
            cpu.close();
        }
    }

    /** The loop autograd users write allocates the same tensors every step: after the first, they come from the pool. */
    @Test
    void anAutogradTrainingStepIsServedFromThePoolAfterTheFirst() {
        try (Backend be = Backend.wrap(new CpuBackend(CpuPath.SCALAR, 1), true);
             Sequential model = new Sequential(new Linear(128, 256, be, 1), new ReLU(), new Linear(256, 64, be, 2));
             SGD opt = new SGD(model.parameters(), 0.01, 0.9, 0, 0, false);
             Tensor x = be.randn(128, 128, 3); Tensor t = be.randn(128, 64, 4)) {
            long[] reusedAfter = new long[3];
            for (int step = 0; step < 3; step++) {
                opt.zeroGrad();
                try (Graph g = Graph.record(be)) {
                    model.forward(Var.constant(x)).mse(t).backward();
                }
                opt.step();
                reusedAfter[step] = be.stats().backendCounters().get("reusedBuffers");
            }
            long perStep = reusedAfter[2] - reusedAfter[1];
            assertTrue(perStep >= 6, "the second and third steps reuse the activations, δs and gradients "
                    + "(reused per step: " + perStep + ")");
            assertEquals(perStep, reusedAfter[1] - reusedAfter[0], 2, "every step after the first alike");
        }
    }
}
