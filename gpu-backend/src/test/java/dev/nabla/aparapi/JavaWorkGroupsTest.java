package dev.nabla.aparapi;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.JavaDevice;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JavaWorkGroups}, the executor of the {@code aparapi-jtp} backend: every item of a work-group runs at once and
 * meets the others at the barrier, ids follow OpenCL, a failing item stops its group instead of hanging it, and
 * close ends the threads. Aparapi's own thread pool hung in CI at gemm's 16 × 16 barrier (see the class comment).
 */
class JavaWorkGroupsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /**
     * Each item stores its local id in the group's local array; after the barrier it reads the item at the mirrored
     * position, which only another live thread of the same group can have written; after a second barrier it
     * writes the value again (so a group that started before the previous left would be caught reading it).
     */
    static final class MirrorKernel extends Kernel {
        final int[] out;
        @Local
        final int[] scratch;
        int failAtGlobal = -1;

        MirrorKernel(int global, int local) {
            this.out = new int[global];
            this.scratch = new int[local];
        }

        @Override
        public void run() {
            int lid = getLocalId();
            int size = getLocalSize();
            int gid = getGlobalId();
            if (gid == failAtGlobal) {
                throw new IllegalStateException("planted failure at item " + gid);
            }
            scratch[lid] = getGroupId() * 1000 + lid;
            localBarrier();
            out[gid] = scratch[size - 1 - lid];
            localBarrier();
        }
    }

    /** Writes every id the kernel sees, to check them against OpenCL's formulas. */
    static final class IdKernel2D extends Kernel {
        final int[] globals0;
        final int[] globals1;
        final int[] groups;
        final int[] locals;
        final int width0;

        IdKernel2D(int global0, int global1) {
            int n = global0 * global1;
            this.globals0 = new int[n];
            this.globals1 = new int[n];
            this.groups = new int[n];
            this.locals = new int[n];
            this.width0 = global0;
        }

        @Override
        public void run() {
            int at = getGlobalId(1) * width0 + getGlobalId(0);
            globals0[at] += getGlobalId(0) + 1;
            globals1[at] = getGlobalId(1);
            groups[at] = getGroupId(1) * 100 + getGroupId(0);
            locals[at] = getLocalId(1) * 100 + getLocalId(0);
        }
    }

    private static Range range(int global, int local) {
        return Range.create(JavaDevice.THREAD_POOL, global, local);
    }

    @Test
    void everyItemOfAGroupMeetsTheOthersAtTheBarrier() {
        int local = 256;
        int global = local * 7;
        try (JavaWorkGroups items = new JavaWorkGroups("test")) {
            MirrorKernel k = new MirrorKernel(global, local);
            assertTimeoutPreemptively(LIMIT, () -> items.execute(k, range(global, local)));
            for (int gid = 0; gid < global; gid++) {
                int group = gid / local;
                int lid = gid % local;
                assertEquals(group * 1000 + (local - 1 - lid), k.out[gid], "item " + gid);
            }
        }
    }

    /** The load that hung Aparapi's pool: hundreds of launches of 256-wide groups with barriers, on one pool. */
    @Test
    void hundredsOfBarrierLaunchesFinish() {
        int local = 256;
        try (JavaWorkGroups items = new JavaWorkGroups("test")) {
            MirrorKernel k = new MirrorKernel(local * 3, local);
            assertTimeoutPreemptively(LIMIT, () -> {
                for (int launch = 0; launch < 300; launch++) {
                    items.execute(k, range(local * 3, local));
                }
            });
            assertEquals(2 * 1000 + 255, k.out[2 * local]);
        }
    }

    @Test
    void idsFollowOpenClIn2D() {
        int g0 = 48;
        int g1 = 20;
        try (JavaWorkGroups items = new JavaWorkGroups("test")) {
            IdKernel2D k = new IdKernel2D(g0, g1);
            items.execute(k, Range.create2D(JavaDevice.THREAD_POOL, g0, g1, 16, 4));
            for (int y = 0; y < g1; y++) {
                for (int x = 0; x < g0; x++) {
                    int at = y * g0 + x;
                    String where = "item (" + x + ", " + y + ")";
                    assertEquals(x + 1, k.globals0[at], where + " ran exactly once with global id 0 = x");
                    assertEquals(y, k.globals1[at], where);
                    assertEquals((y / 4) * 100 + x / 16, k.groups[at], where);
                    assertEquals((y % 4) * 100 + x % 16, k.locals[at], where);
                }
            }
        }
    }

    @Test
    void aFailingItemStopsItsGroupAndIsRethrown() {
        int local = 64;
        try (JavaWorkGroups items = new JavaWorkGroups("test")) {
            MirrorKernel k = new MirrorKernel(local * 4, local);
            k.failAtGlobal = 2 * local + 17;
            IllegalStateException e = assertTimeoutPreemptively(LIMIT,
                    () -> assertThrows(IllegalStateException.class, () -> items.execute(k, range(local * 4, local))));
            assertEquals("planted failure at item " + (2 * local + 17), e.getMessage());
            k.failAtGlobal = -1;
            assertTimeoutPreemptively(LIMIT, () -> items.execute(k, range(local * 4, local)));
            assertEquals(3 * 1000, k.out[4 * local - 1], "the executor still works after a failed launch");
        }
    }

    @Test
    void closeEndsTheThreads() throws InterruptedException {
        JavaWorkGroups items = new JavaWorkGroups("closing-test");
        MirrorKernel k = new MirrorKernel(128, 128);
        items.execute(k, range(128, 128));
        assertTrue(itemThreadsAlive("closing-test") > 0, "the items ran on the executor's own threads");
        items.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (itemThreadsAlive("closing-test") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, itemThreadsAlive("closing-test"));
        assertThrows(RuntimeException.class, () -> items.execute(k, range(128, 128)));
    }

    @Test
    void theJavaThreadPoolBackendRunsOnTheseThreads() {
        try (AparapiBackend backend = AparapiBackend.onJavaThreadPool()) {
            assertSame(AparapiBackend.THREAD_POOL_NAME, backend.name());
            dev.nabla.spi.DeviceBuffer a = backend.allocate(dev.nabla.DType.FLOAT32, 40 * 40);
            dev.nabla.spi.DeviceBuffer c = backend.allocate(dev.nabla.DType.FLOAT32, 40 * 40);
            float[] ones = new float[40 * 40];
            java.util.Arrays.fill(ones, 1f);
            backend.write(a, ones);
            assertTimeoutPreemptively(LIMIT, () -> backend.gemm(false, false, 40, 40, 40, 1.0, a, a, 0, c));
            float[] out = new float[40 * 40];
            backend.read(c, out);
            for (float v : out) {
                assertEquals(40f, v);
            }
            assertTrue(itemThreadsAlive("nabla-" + AparapiBackend.THREAD_POOL_NAME) >= 256,
                    "gemm's 16 × 16 items ran on the backend's own threads");
            backend.release(a);
            backend.release(c);
        }
    }

    private static long itemThreadsAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix.startsWith("nabla-") ? prefix : "nabla-" + prefix))
                .filter(Thread::isAlive).count();
    }
}
