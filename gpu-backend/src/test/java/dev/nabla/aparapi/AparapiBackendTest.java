package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.DeviceException;
import dev.nabla.HalfFloats;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.contract.Tolerance;
import dev.nabla.cpu.CpuBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the contract suites do not see: residency, transfer and buffer counters, arena growth, naming. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
@SuppressWarnings("try") // scopes close what each test creates without being referenced
class AparapiBackendTest {
    private static final long WINDOW_256 = 256L * Float.BYTES;
    private static final long WINDOW_4096 = 4096L * Float.BYTES;

    private Backend be;
    private Backend cpu;

    @BeforeAll
    void start() {
        be = AparapiTestBackends.fresh();
        cpu = Backend.wrap(new CpuBackend());
    }

    @AfterAll
    void stop() {
        if (be != null) {
            be.close();
        }
        cpu.close();
    }

    private long counter(String name) {
        Map<String, Long> c = be.stats().backendCounters();
        assertTrue(c.containsKey(name), "counter " + name + " in " + c);
        return c.get(name);
    }

    private static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Test
    void saysItRunsOnOpenClThroughAparapi() {
        assertEquals("aparapi", be.name());
        assertTrue(((AparapiBackend) be.compute()).onOpenCL());
        assertTrue(be.description().contains("OpenCL device"), be.description());
        assertTrue(be.description().startsWith("Aparapi kernels written in Java"), be.description());
    }

    @Test
    void opsBetweenUploadAndDownloadMoveNothingAndCreateNoBuffers() {
        try (Scope s = be.scope(); Scope c = cpu.scope()) {
            float[] xs = random(1, 64 * 32), ws = random(2, 32 * 16), bs = random(3, 16);
            Tensor x = be.fromArray(xs, 64, 32), w = be.fromArray(ws, 32, 16), b = be.fromArray(bs, 1, 16);
            long h2d = counter("hostToDeviceBytes"), d2h = counter("deviceToHostBytes");
            long buffers = counter("deviceBuffersCreated"), launches = counter("kernelLaunches");

            Tensor h = x.matmul(w).addRowVector(b).sigmoid();
            Tensor g = x.matmulTransA(h).scale(0.5).tanh();
            Tensor total = g.sumColumns().sum();

            assertEquals(h2d, counter("hostToDeviceBytes"), "nothing uploaded between ops");
            assertEquals(d2h, counter("deviceToHostBytes"), "nothing downloaded between ops");
            assertEquals(buffers, counter("deviceBuffersCreated"), "new tensors are arena ranges, not device buffers");
            assertTrue(counter("kernelLaunches") >= launches + 7, "every op was a verified launch");

            double[] got = h.toDoubleArray();                    // 1024 elements: one 4096-element window
            assertEquals(d2h + WINDOW_4096, counter("deviceToHostBytes"));
            assertEquals(h2d, counter("hostToDeviceBytes"));

            Tensor hc = cpu.fromArray(xs, 64, 32).matmul(cpu.fromArray(ws, 32, 16))
                    .addRowVector(cpu.fromArray(bs, 1, 16)).sigmoid();
            Tolerance.of(DType.FLOAT32, 32).assertClose("σ(X·W + b) [aparapi vs cpu]", hc.toDoubleArray(), got, 16);
            Tensor gc = cpu.fromArray(xs, 64, 32).matmulTransA(hc).scale(0.5).tanh();
            Tolerance.of(DType.FLOAT32, 64 * 16).assertClose("Σ tanh(XᵀH/2) [aparapi vs cpu]",
                    new double[]{gc.sumColumns().sum().item()}, new double[]{total.item()}, 0);
        }
    }

    @Test
    void transfersGoThroughTheSmallestWindowThatHoldsThem() {
        try (Scope s = be.scope()) {
            long h2d = counter("hostToDeviceBytes"), d2h = counter("deviceToHostBytes");
            Tensor t = be.fromArray(random(4, 300), 3, 100);
            assertEquals(h2d + WINDOW_4096, counter("hostToDeviceBytes"), "300 elements: one 4096-element window up");
            assertEquals(300, t.toFloatArray().length);
            assertEquals(d2h + WINDOW_4096, counter("deviceToHostBytes"), "and one down");
            Tensor one = be.full(1, 1, 2.5);
            assertEquals(h2d + WINDOW_4096, counter("hostToDeviceBytes"), "full() fills on the device");
            assertEquals(2.5, one.item());
            assertEquals(d2h + WINDOW_4096 + WINDOW_256, counter("deviceToHostBytes"), "item(): one 256-element window");
        }
    }

    @Test
    void aWarmTrainingStepReadsOnlyItsLossAndCreatesNothing() {
        try (Scope s = be.scope()) {
            Tensor x = be.fromArray(random(5, 32 * 8), 32, 8);
            Tensor t = be.fromArray(random(6, 32 * 3), 32, 3);
            Network net = Network.builder().input(8).dense(16, Activation.TANH).dense(3, Activation.SIGMOID)
                    .loss(Loss.MSE).seed(3).build(be);
            Optimizer sgd = Optimizers.sgd(0.1).momentum(0.9);
            net.trainStep(x, t, sgd);                              // warm-up: workspaces, velocities
            long h2d = counter("hostToDeviceBytes"), d2h = counter("deviceToHostBytes");
            long buffers = counter("deviceBuffersCreated"), tensors = be.stats().tensorsCreated();
            double first = net.trainStep(x, t, sgd);
            double last = first;
            for (int step = 0; step < 4; step++) {
                last = net.trainStep(x, t, sgd);
            }
            assertEquals(h2d, counter("hostToDeviceBytes"), "a training step uploads nothing");
            assertEquals(d2h + 5 * WINDOW_256, counter("deviceToHostBytes"), "each step reads back its loss only");
            assertEquals(buffers, counter("deviceBuffersCreated"));
            assertEquals(tensors, be.stats().tensorsCreated());
            assertTrue(last < first, "training lowers the loss: " + first + " → " + last);
            net.close();
            sgd.close();
        }
    }

    @Test
    void theArenaGrowsAndKeepsEveryTensor() {
        try (Backend own = AparapiTestBackends.fresh(); Scope s = own.scope()) {
            Map<String, Long> c0 = own.stats().backendCounters();
            assertEquals(12, c0.get("deviceBuffersCreated"), "per dtype: an arena, an INT32 and a 16-bit placeholder "
                    + "arena, the powers-of-two table and four staging windows of each: " + c0);
            float[] small = random(7, 1000);
            Tensor a = own.fromArray(small, 10, 100);
            int n = 9 << 20;                                          // more than the 8M-element initial arena
            float[] big = new float[n];
            for (int i = 0; i < n; i += 4099) {
                big[i] = i;
            }
            Tensor b = own.fromArray(big, 9, 1 << 20);
            Map<String, Long> c1 = own.stats().backendCounters();
            assertEquals(1, c1.get("arenaGrowths"), "the arena grew once: " + c1);
            assertEquals(13, c1.get("deviceBuffersCreated"), "the larger arena is one new device buffer");
            assertTrue(own.compute().maxElements(DType.FLOAT32) >= 1 << 24);
            assertEquals(java.util.Arrays.toString(small), java.util.Arrays.toString(a.toFloatArray()),
                    "a tensor from before the growth kept its values");
            float[] back = b.toFloatArray();
            for (int i = 0; i < n; i += 4099) {
                assertEquals(i, back[i], "element " + i + " of the tensor that made the arena grow");
            }
            float[] doubled = a.scale(2).toFloatArray();
            for (int i = 0; i < small.length; i++) {
                assertEquals(2 * small[i], doubled[i], "ops still run after the growth, element " + i);
            }
        }
    }

    /**
     * The 16-bit arena grows as the others do: the first 16-bit tensor replaces the placeholder (one growth), one past
     * the minimum arena doubles it (a second), and every pattern of the tensors from before is still there.
     */
    @Test
    void theSixteenBitArenaGrowsAndKeepsEveryTensor() {
        try (Backend own = AparapiTestBackends.fresh(); Scope s = own.scope()) {
            long g0 = own.stats().backendCounters().get("arenaGrowths");
            short[] all = new short[65536];
            for (int i = 0; i < all.length; i++) {
                all[i] = (short) i;
            }
            Tensor a = own.fromHalfBits(all, 256, 256, DType.BFLOAT16);
            assertEquals(g0 + 1, own.stats().backendCounters().get("arenaGrowths"), "the placeholder was replaced");
            int n = 17 << 20;                                         // more than the 16M-element (32 MiB) arena
            short[] big = new short[n];
            for (int i = 0; i < n; i += 4099) {
                big[i] = (short) (i * 31);
            }
            Tensor b = own.fromHalfBits(big, 17, 1 << 20, DType.FLOAT16);
            assertEquals(g0 + 2, own.stats().backendCounters().get("arenaGrowths"), "and it grew once more");
            assertArrayEquals(all, a.toHalfBits(), "a 16-bit tensor from before the growth kept its patterns");
            short[] back = b.toHalfBits();
            for (int i = 0; i < n; i += 4099) {
                assertEquals(big[i], back[i], "element " + i + " of the tensor that made the 16-bit arena grow");
            }
            short[] roundTrip = new short[all.length];                // NaN comes back as the canonical 0x7FC0
            for (int i = 0; i < all.length; i++) {
                roundTrip[i] = HalfFloats.fromFloat(DType.BFLOAT16, HalfFloats.toFloat(DType.BFLOAT16, all[i]));
            }
            assertArrayEquals(roundTrip, a.cast(DType.FLOAT32).cast(DType.BFLOAT16).toHalfBits(), "ops still run");
        }
    }

    @Test
    void float64HasItsOwnKernelAndArena() {
        try (Backend own = AparapiTestBackends.fresh(); Scope s = own.scope()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(own.supports(DType.FLOAT64),
                    "no FLOAT64 on this device: " + own.description());
            Tensor d = own.fromArray(new double[]{1e-300, Math.PI}, 1, 2);
            assertEquals(Math.PI, d.toDoubleArray()[1], "FLOAT64 keeps every bit");
            // the FLOAT64 kernel is the FLOAT32 one's derived twin: it binds a 16-bit placeholder and table it never uses
            assertEquals(24, own.stats().counter("deviceBuffersCreated"), "a FLOAT64 kernel's arenas and windows");
            assertTrue(own.description().contains("FLOAT64 too"), own.description());
        }
    }

    @Test
    void aparapiKeepsOneDeviceperKernelClassSoAMixedSecondBackendIsRefused() {
        DeviceException e = assertThrows(DeviceException.class, AparapiBackend::onJavaThreadPool,
                "the thread pool while an OpenCL backend is open");
        assertTrue(e.getMessage().contains("one device per Kernel class"), e.getMessage());
        assertFalse(be.isClosed());
        try (Scope s = be.scope()) {
            assertEquals(3.0, be.full(1, 1, 1.5).scale(2).item(), "the open backend is unaffected");
        }
    }

    @Test
    void int32OpsOnFloat32StayOnTheDeviceAndFloat64BridgesCountTheirTransfers() {
        try (Backend own = AparapiTestBackends.fresh()) {
            ComputeBackend cb = own.compute();
            Map<String, Long> c0 = own.stats().backendCounters();
            DeviceBuffer labels = cb.allocate(DType.INT32, 64);
            Map<String, Long> c1 = own.stats().backendCounters();
            assertEquals(c0.get("arenaGrowths") + 1, c1.get("arenaGrowths"),
                    "the first INT32 tensor replaces the placeholder INT32 arena: " + c1);
            assertEquals(c0.get("deviceBuffersCreated") + 1, c1.get("deviceBuffersCreated"));
            int[] l = new int[64];
            float[] x = new float[64 * 10];
            for (int i = 0; i < 64; i++) {
                l[i] = (i * 7) % 10;
                x[i * 10 + (i * 3) % 10] = 1f;
            }
            cb.write(labels, l);
            DeviceBuffer xs = cb.allocate(DType.FLOAT32, x.length);
            cb.write(xs, x);
            DeviceBuffer order = cb.allocate(DType.INT32, 64);
            DeviceBuffer gathered = cb.allocate(DType.FLOAT32, x.length);
            DeviceBuffer predicted = cb.allocate(DType.INT32, 64);
            DeviceBuffer hits = cb.allocate(DType.INT32, 64);
            DeviceBuffer hot = cb.allocate(DType.FLOAT32, x.length);
            DeviceBuffer picked = cb.allocate(DType.FLOAT32, x.length);
            DeviceBuffer mask = cb.allocate(DType.INT32, x.length);
            long h2d = counter(own, "hostToDeviceBytes"), d2h = counter(own, "deviceToHostBytes");
            long buffers = counter(own, "deviceBuffersCreated");

            cb.cast(xs, order, 64);                               // an accuracy step, DataLoader-style
            cb.gatherRows(xs, 64, 10, order, 64, gathered);
            cb.argmaxRows(gathered, 64, 10, predicted);
            cb.compare(CompareOp.EQ, predicted, labels, Broadcast.NONE, hits, 64, 1);
            cb.oneHot(labels, 64, 10, hot);
            cb.compare(CompareOp.GT, gathered, hot, Broadcast.NONE, mask, 64, 10);
            cb.where(mask, gathered, hot, picked, x.length);
            cb.copyStrided(gathered, 0, 10, 1, picked, 0, 10, 64, 10);

            assertEquals(h2d, counter(own, "hostToDeviceBytes"), "FLOAT32/INT32 index ops upload nothing");
            assertEquals(d2h, counter(own, "deviceToHostBytes"), "and download nothing");
            assertEquals(buffers, counter(own, "deviceBuffersCreated"), "INT32 tensors are INT32 arena ranges");
            int[] back = new int[64];
            cb.read(hits, back);
            for (int i = 0; i < 64; i++) {
                int row = (int) x[i];                                   // cast of x[i]: row 0 unless x[i] = 1
                int argmax = (row * 3) % 10;
                assertEquals(argmax == l[i] ? 1 : 0, back[i], "hit " + i);
            }

            if (cb.supports(DType.FLOAT64)) {
                DeviceBuffer wide = cb.allocate(DType.FLOAT64, x.length);
                DeviceBuffer wideHot = cb.allocate(DType.FLOAT64, x.length);
                cb.cast(xs, wide, x.length);
                cb.oneHot(labels, 64, 10, wideHot);              // first use: the FLOAT64 kernel's INT32 arena grows
                long up = counter(own, "hostToDeviceBytes"), down = counter(own, "deviceToHostBytes");
                cb.oneHot(labels, 64, 10, wideHot);
                assertEquals(down + 256L * Integer.BYTES, counter(own, "deviceToHostBytes"),
                        "a FLOAT64 op reads its INT32 operand from the FLOAT32 kernel: one 256-int window");
                assertEquals(up + 256L * Integer.BYTES, counter(own, "hostToDeviceBytes"), "and writes it over");
                double[] h = new double[x.length];
                cb.read(wideHot, h);
                for (int i = 0; i < h.length; i++) {
                    assertEquals(l[i / 10] == i % 10 ? 1.0 : 0.0, h[i], "FLOAT64 one-hot element " + i);
                }
                cb.release(wide);
                cb.release(wideHot);
            }
            for (DeviceBuffer b : new DeviceBuffer[]{labels, xs, order, gathered, predicted, hits, hot, picked, mask}) {
                cb.release(b);
            }
            assertEquals(0L, own.stats().backendCounters().get("liveArenaElements"), "every range given back");
        }
    }

    private static long counter(Backend b, String name) {
        return b.stats().backendCounters().get(name);
    }
}
