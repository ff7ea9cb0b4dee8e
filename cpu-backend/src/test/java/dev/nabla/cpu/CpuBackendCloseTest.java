package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.BackendClosedException;
import dev.nabla.DType;
import dev.nabla.NablaException;
import dev.nabla.Tensor;
import dev.nabla.spi.DeviceBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@link CpuBackend#close()} does: it empties the pool of released buffers and keeps none after, it ends the
 * thread pool's helper threads, a second close is harmless, and the {@link Backend} around it refuses use after with
 * {@link BackendClosedException}. The kernel suites never look at pooled bytes or threads after close (the
 * cpu-backend PIT part's survivors, docs/reliability.md). Both paths where the JVM has the Vector module (surefire's
 * default execution), the plain one where it has not.
 */
class CpuBackendCloseTest {
    /** Elements of a buffer: above the pool's minimum, and more than two {@link CpuBackend#MIN_CHUNK}s, so split. */
    private static final int BIG = 4 * CpuBackend.MIN_CHUNK;
    private static final long WAIT_S = 20;

    private static CpuBackend backend(CpuPath path, int threads) {
        assumeTrue(path == CpuPath.SCALAR || CpuPath.vectorModulePresent(), "no jdk.incubator.vector in this JVM");
        return new CpuBackend(path, threads);
    }

    private static long pooledBytes(CpuBackend cpu) {
        return cpu.counters().get("pooledBytes");
    }

    @ParameterizedTest
    @EnumSource(CpuPath.class)
    void closeEmptiesThePoolAndKeepsNothingReleasedAfter(CpuPath path) {
        CpuBackend cpu = backend(path, 2);
        Backend backend = Backend.wrap(cpu, false);
        Tensor released = backend.zeros(BIG / 256, 256);
        Tensor open = backend.zeros(BIG / 512, 512, DType.FLOAT64);
        released.close();
        assertEquals(BIG * 4L, pooledBytes(cpu), "a closed tensor's buffer is kept for reuse");
        DeviceBuffer raw = cpu.allocate(DType.FLOAT32, BIG);      // one the façade does not know of
        backend.close();                          // releases `open` into the pool, then closes the cpu backend
        assertTrue(open.isClosed());
        assertEquals(0, pooledBytes(cpu), "close drops every kept buffer");
        assertEquals(0, backend.stats().counter("pooledBytes"));
        cpu.release(raw);
        assertEquals(0, pooledBytes(cpu), "a buffer released after close is left to the collector");
        assertEquals(0, cpu.counters().get("liveBuffers"));
    }

    @ParameterizedTest
    @EnumSource(CpuPath.class)
    @Timeout(120)
    void closeEndsTheHelperThreads(CpuPath path) throws InterruptedException {
        // the pool's threads are made by the threads that hand it work, in their thread group: a group of this
        // test's own tells its helpers apart from those of every other backend in this JVM
        backend(path, 1).close();                                  // skips VECTOR without the module
        ThreadGroup group = new ThreadGroup("CpuBackendCloseTest");
        AtomicReference<CpuBackend> made = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread driver = new Thread(group, () -> {
            try {
                CpuBackend cpu = new CpuBackend(path, 2);
                made.set(cpu);
                DeviceBuffer x = cpu.allocate(DType.FLOAT32, BIG);
                DeviceBuffer y = cpu.allocate(DType.FLOAT32, BIG);
                cpu.fill(x, BIG, 1);
                cpu.fill(y, BIG, 2);
                cpu.axpy(3, x, y, BIG);                          // split over the two threads
                float[] out = new float[BIG];
                cpu.read(y, out);
                for (int i = 0; i < BIG; i += 997) {
                    assertEquals(5f, out[i], "element " + i);
                }
                cpu.release(x);
                cpu.release(y);
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "CpuBackendCloseTest-driver");
        driver.start();
        driver.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertFalse(driver.isAlive(), "the work took more than " + WAIT_S + " s");
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        List<Thread> helpers = new ArrayList<>();
        Thread[] all = new Thread[group.activeCount() + 16];
        int count = group.enumerate(all);
        for (int i = 0; i < count; i++) {
            if (all[i].getName().startsWith("nabla-cpu-")) {
                helpers.add(all[i]);
            }
        }
        assertFalse(helpers.isEmpty(), "the split work started a helper thread");
        CpuBackend cpu = made.get();
        cpu.close();
        for (Thread t : helpers) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            assertFalse(t.isAlive(), t.getName() + " still runs " + WAIT_S + " s after close");
        }
        cpu.close();                                                // twice is harmless
        assertEquals(0, pooledBytes(cpu));
    }

    @ParameterizedTest
    @EnumSource(CpuPath.class)
    void theBackendRefusesUseAfterCloseAndClosesTwiceHarmlessly(CpuPath path) {
        Backend backend = Backend.wrap(backend(path, 2), false);
        Tensor x = backend.fromArray(new float[]{1, 2, 3, 4}, 2, 2);
        backend.close();
        assertTrue(backend.isClosed());
        assertTrue(x.isClosed(), "its tensors closed with it");
        BackendClosedException e = assertThrows(BackendClosedException.class,
                () -> backend.fromArray(new float[]{1, 2}, 1, 2));
        assertTrue(e.getMessage().contains("cpu"), e.getMessage());
        assertThrows(BackendClosedException.class, () -> backend.zeros(2, 2));
        assertThrows(BackendClosedException.class, backend::synchronize);
        assertThrows(NablaException.class, x::toFloatArray, "a tensor closed with its backend");
        backend.close();                                            // twice is harmless
        assertTrue(backend.isClosed());
    }

    @ParameterizedTest
    @EnumSource(CpuPath.class)
    void theDescriptionNamesThePathAndTheThreads(CpuPath path) {
        try (CpuBackend two = backend(path, 2); CpuBackend one = backend(path, 1)) {
            String kernels = path == CpuPath.VECTOR ? "Vector API" : "plain Java";
            assertTrue(two.description().startsWith(kernels), two.description());
            if (path == CpuPath.SCALAR && CpuPath.detect() == CpuPath.VECTOR) {     // not why detect() chose: it did not
                assertTrue(two.description().endsWith("(chosen by the caller)"), two.description());
            }
            assertTrue(two.description().contains(", 2 threads"), two.description());
            assertTrue(one.description().contains(", 1 thread") && !one.description().contains("1 threads"),
                    one.description());
            assertEquals(path, two.path());
            assertEquals(2, two.threads());
            assertEquals(1, one.threads());
            assertEquals("cpu", two.name());
        }
    }
}
