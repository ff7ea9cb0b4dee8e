package dev.nabla.aparapi;

import com.aparapi.Kernel;
import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;
import dev.nabla.BackendUnavailableException;
import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.DeviceException;
import dev.nabla.NablaException;
import dev.nabla.UnsupportedDTypeException;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The aparapi backend: every SPI primitive and fused op as Aparapi kernels written in Java ({@link FloatKernel} and
 * its derived DoubleKernel), on one OpenCL device, with tensors resident in a per-dtype device arena.
 *
 * <ul>
 *   <li>Device: {@link AparapiDevices#choose()}. Aparapi's shared-memory path (the device using the Java array in
 *       place) is switched off for it: the arena is device memory and its Java array only a host mirror, the same on
 *       a CPU, an integrated and a discrete GPU.</li>
 *   <li>Every launch is verified to have run on that device ({@link ExecutionGuard}); a fallback to Aparapi's Java
 *       thread pool is an {@link AparapiFallbackException}, never a silent CPU run.</li>
 *   <li>The Java thread pool is used only when asked for ({@code -D}{@value #ALLOW_THREAD_POOL_PROPERTY}{@code =true}
 *       and no OpenCL device, or {@link #onJavaThreadPool()}); the backend is then named {@value #THREAD_POOL_NAME}
 *       and says so in its description.</li>
 *   <li>FLOAT32 always; FLOAT64 when DoubleKernel builds on the device (cl_khr_fp64), checked on first use.</li>
 *   <li>INT32 always: every INT32 tensor lives in the INT32 arena of the FLOAT32 kernel, which FLOAT32 ops read and
 *       write in the same launch. A FLOAT64 op that reads or writes INT32 moves those INT32 operands through the
 *       host ({@link IntBridge}), the only ops here that do; so does a cast between FLOAT32 and FLOAT64.</li>
 *   <li>BFLOAT16 and FLOAT16 as storage types: every 16-bit tensor lives in the 16-bit arena of the FLOAT32 kernel
 *       (2 bytes per element); gemm with 16-bit inputs (float32 accumulation, C FLOAT32 or 16-bit) and the fused
 *       activations on them decode, compute in float and round once inside that kernel, as do copies, gathers and
 *       the casts between them, FLOAT32 and INT32 (see {@link #cast} for the ones that go through the host).</li>
 * </ul>
 */
public final class AparapiBackend implements ComputeBackend {
    public static final String NAME = "aparapi";
    /** The name of this backend when it runs on Aparapi's Java thread pool instead of OpenCL (opt-in). */
    public static final String THREAD_POOL_NAME = "aparapi-jtp";
    /** {@code -Dnabla.aparapi.allowJavaThreadPool=true}: without an OpenCL device, run on Aparapi's Java thread pool. */
    public static final String ALLOW_THREAD_POOL_PROPERTY = "nabla.aparapi.allowJavaThreadPool";

    private final String name;
    private final Device device;
    private final String deviceDescription;
    private final TransferCounters counters = new TransferCounters();
    private final ExecutionGuard guard;
    private final long maxBufferBytes;
    private final long minArenaBytes;
    private final FloatLauncher floats;
    private volatile DoubleLauncher doubles;
    /** Why FLOAT64 is unavailable; null while unknown or when available. */
    private volatile String float64Problem;
    private volatile boolean float64Checked;

    private AparapiBackend(Device device) {
        AparapiLogging.install();
        this.device = device;
        if (device instanceof OpenCLDevice cl) {
            String gc = HostMirrorSafety.problem(HostMirrorSafety.collectors());
            if (gc != null) {
                throw new DeviceException("aparapi: cannot keep tensors on " + AparapiDevices.label(cl) + ": " + gc);
            }
            checkLimits(cl);
            cl.setSharedMemory(false);
            this.name = NAME;
            this.deviceDescription = "OpenCL device " + AparapiDevices.describe(cl);
            this.maxBufferBytes = cl.getMaxMemAllocSize();
            this.minArenaBytes = HostMirrorSafety.minimumArenaBytes(HostMirrorSafety.g1RegionBytes());
        } else {
            this.name = THREAD_POOL_NAME;
            this.deviceDescription = "Aparapi's Java thread pool, NOT OpenCL (opted in)";
            this.maxBufferBytes = Long.MAX_VALUE;
            this.minArenaBytes = Geometry.MIN_ARENA_BYTES;
        }
        this.guard = new ExecutionGuard(device, name, counters);
        this.floats = new FloatLauncher(DType.FLOAT32, guard, counters, maxBufferBytes, minArenaBytes);
    }

    /**
     * The backend on the device {@link AparapiDevices#choose()} picks; without one, on the Java thread pool if
     * {@value #ALLOW_THREAD_POOL_PROPERTY} is true, else a {@link BackendUnavailableException} with the reason.
     */
    public static AparapiBackend create() {
        AparapiDevices.Choice choice = AparapiDevices.choose();
        if (choice.device() != null) {
            return new AparapiBackend(choice.device());
        }
        if (Boolean.getBoolean(ALLOW_THREAD_POOL_PROPERTY)) {
            return new AparapiBackend(JavaDevice.THREAD_POOL);
        }
        throw new BackendUnavailableException("aparapi: " + choice.problem() + "; Aparapi would run its kernels on a "
                + "Java thread pool instead, which this backend does only with -D" + ALLOW_THREAD_POOL_PROPERTY + "=true");
    }

    /** The backend on a given OpenCL device. */
    public static AparapiBackend onDevice(OpenCLDevice device) {
        return new AparapiBackend(device);
    }

    /** The backend on Aparapi's Java thread pool, named {@value #THREAD_POOL_NAME}: kernels run as Java, not OpenCL. */
    public static AparapiBackend onJavaThreadPool() {
        return new AparapiBackend(JavaDevice.THREAD_POOL);
    }

    /** The kernels need 16 × 16 and 256-wide work-groups and local tiles of (2·TK·TS + WG) doubles. */
    private static void checkLimits(OpenCLDevice d) {
        long localBytes = (2L * Geometry.TK * Geometry.TS + Geometry.WG) * Double.BYTES;
        int[] items = d.getMaxWorkItemSize();
        if (d.getMaxWorkGroupSize() < Geometry.WG || items.length < 2 || items[0] < Geometry.WG
                || items[1] < Geometry.WG / Geometry.COL_GROUP || d.getLocalMemSize() < localBytes) {
            throw new DeviceException("aparapi: " + AparapiDevices.describe(d) + " is too small for the kernels: they "
                    + "need work-groups of " + Geometry.WG + " items (16 × 16 in 2-D) and " + localBytes
                    + " bytes of local memory");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        String f64 = !float64Checked ? "FLOAT64 checked on first use"
                : float64Problem == null ? "FLOAT64 too" : "no FLOAT64: " + float64Problem;
        DoubleLauncher d = doubles;
        return "Aparapi kernels written in Java on " + deviceDescription + "; FLOAT32 " + floats.describeMemory()
                + (d == null ? "" : ", " + d.describeMemory()) + "; " + f64;
    }

    /** Whether the kernels run on OpenCL (false only on the opted-in Java thread pool). */
    public boolean onOpenCL() {
        return guard.onOpenCL();
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype == DType.FLOAT32 || dtype == DType.INT32 || dtype.isHalf() || float64() != null;
    }

    @Override
    public long maxElements(DType dtype) {
        if (dtype.isHalf()) {
            return floats.maxHalfElements();
        }
        if (dtype == DType.FLOAT32) {
            return floats.maxElements();
        }
        if (dtype == DType.INT32) {
            return floats.maxIntElements();
        }
        return Math.min(maxBufferBytes / Double.BYTES, Geometry.MAX_ARRAY) / Geometry.ALIGN * Geometry.ALIGN
                - Geometry.SCRATCH;
    }

    /** The FLOAT64 launcher, built on first use; null (with the reason kept) when the device cannot run it. */
    private DoubleLauncher float64() {
        DoubleLauncher d = doubles;
        if (d != null || float64Checked) {
            return d;
        }
        synchronized (this) {
            if (!float64Checked) {
                try {
                    doubles = new DoubleLauncher(DType.FLOAT64, guard, counters, maxBufferBytes, minArenaBytes);
                } catch (NablaException e) {
                    float64Problem = e.getMessage().lines().findFirst().orElse(e.toString());
                }
                float64Checked = true;
            }
            return doubles;
        }
    }

    private Launcher launcher(DType dtype) {
        if (dtype == DType.FLOAT32) {
            return floats;
        }
        DoubleLauncher d = float64();
        if (d == null) {
            throw new UnsupportedDTypeException("FLOAT64 is not available on " + deviceDescription + ": "
                    + float64Problem + " [" + name + "]");
        }
        return d;
    }

    private static AparapiBuffer buf(DeviceBuffer b) {
        return (AparapiBuffer) b;
    }

    private static Launcher of(DeviceBuffer b) {
        return buf(b).owner;
    }

    // ---- memory ------------------------------------------------------------------------------------------------------

    @Override
    public DeviceBuffer allocate(DType dtype, long length) {
        if (dtype.isHalf()) {
            return floats.allocateHalves(dtype, Math.toIntExact(length));
        }
        if (dtype == DType.INT32) {
            return floats.allocateInts(Math.toIntExact(length));
        }
        return launcher(dtype).allocate(Math.toIntExact(length));
    }

    @Override
    public void release(DeviceBuffer buffer) {
        of(buffer).release(buf(buffer));
    }

    @Override
    public void write(DeviceBuffer dst, float[] src) {
        ((FloatLauncher) of(dst)).write(buf(dst), src);
    }

    @Override
    public void write(DeviceBuffer dst, double[] src) {
        ((DoubleLauncher) of(dst)).write(buf(dst), src);
    }

    @Override
    public void read(DeviceBuffer src, float[] dst) {
        ((FloatLauncher) of(src)).read(buf(src), dst);
    }

    @Override
    public void read(DeviceBuffer src, double[] dst) {
        ((DoubleLauncher) of(src)).read(buf(src), dst);
    }

    @Override
    public void copy(DeviceBuffer src, DeviceBuffer dst, long n) {
        of(dst).copy(buf(src), buf(dst), (int) n);
    }

    @Override
    public void fill(DeviceBuffer dst, long n, double value) {
        if (buf(dst).halves) {
            floats.fillHalves(buf(dst), (int) n, HalfFloats.fromDouble(dst.dtype(), value));
            return;
        }
        of(dst).fill(buf(dst), (int) n, value);
    }

    // ---- BFLOAT16 and FLOAT16: the 16-bit arena of the FLOAT32 kernel ------------------------------------------------

    @Override
    public void write(DeviceBuffer dst, short[] src) {
        floats.writeHalves(buf(dst), src);
    }

    @Override
    public void read(DeviceBuffer src, short[] dst) {
        floats.readHalves(buf(src), dst);
    }

    /**
     * A cast from or to a 16-bit type. On the device (one launch of the FLOAT32 kernel) between the 16-bit types,
     * from them to FLOAT32 and INT32, and from FLOAT32 to them; a FLOAT32 source that holds a NaN is cast to FLOAT16
     * again on the host, where {@link HalfFloats} keeps each NaN's sign (the kernel cannot read it). Through the host
     * with {@link HalfFloats}' rounding (once, from the exact value: never through float) from FLOAT64 and INT32 and
     * to FLOAT64, whose tensors the FLOAT32 kernel cannot read; each such move counted as a transfer.
     */
    private void castHalves(DeviceBuffer src, DeviceBuffer dst, int count) {
        DType from = src.dtype();
        DType to = dst.dtype();
        if ((from.isHalf() && to != DType.FLOAT64) || from == DType.FLOAT32) {
            if (!floats.castHalves(buf(src), buf(dst), count)) {
                return;
            }
            float[] in = new float[count];                     // FLOAT32 → FLOAT16 with a NaN: on the host
            read(src, in);
            short[] out = new short[count];
            for (int i = 0; i < count; i++) {
                out[i] = HalfFloats.fromFloat(to, in[i]);
            }
            write(dst, out);
        } else if (from.isHalf()) {                            // → FLOAT64
            short[] in = new short[count];
            read(src, in);
            double[] out = new double[count];
            for (int i = 0; i < count; i++) {
                out[i] = HalfFloats.toFloat(from, in[i]);
            }
            write(dst, out);
        } else {                                               // FLOAT64 or INT32 →
            double[] in = new double[count];
            if (from == DType.FLOAT64) {
                read(src, in);
            } else {
                int[] ints = new int[count];
                read(src, ints);
                for (int i = 0; i < count; i++) {
                    in[i] = ints[i];
                }
            }
            short[] out = new short[count];
            for (int i = 0; i < count; i++) {
                out[i] = HalfFloats.fromDouble(to, in[i]);
            }
            write(dst, out);
        }
    }

    /** gemm on BFLOAT16/FLOAT16 inputs with float32 accumulation, in the FLOAT32 kernel (FloatKernel.gemmHalves). */
    @Override
    public boolean gemmOnHalves() {
        return true;
    }

    /** biasActivation and activationBackward on BFLOAT16/FLOAT16 buffers, float32 inside, in the FLOAT32 kernel. */
    @Override
    public boolean fusedActivationsOnHalves() {
        return true;
    }

    /** sumColumns of BFLOAT16/FLOAT16 into FLOAT32 in the FLOAT32 kernel (FloatKernel.sumColumns with halfIn). */
    @Override
    public boolean sumColumnsOnHalves() {
        return true;
    }

    /** Nothing to wait for: every Aparapi launch returns when the device has finished it. */
    @Override
    public void synchronize() {
    }

    // ---- primitives --------------------------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, DeviceBuffer a, DeviceBuffer b,
                     double beta, DeviceBuffer c) {
        if (a.dtype().isHalf()) {
            floats.gemmHalves(transA, transB, m, n, k, alpha, buf(a), buf(b), beta, buf(c));
            return;
        }
        of(c).gemm(transA, transB, m, n, k, alpha, buf(a), buf(b), beta, buf(c), -1, null);
    }

    @Override
    public void unary(UnaryOp op, double param, DeviceBuffer x, DeviceBuffer out, long n) {
        of(out).unary(Op.of(op), param, buf(x), buf(out), (int) n);
    }

    @Override
    public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows,
                       int cols) {
        of(out).binary(Op.of(op), buf(a), buf(b), Op.of(broadcast), buf(out), rows, cols);
    }

    @Override
    public void sumColumns(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        of(out).sumColumns(buf(x), rows, cols, buf(out));
    }

    @Override
    public void reduceRows(RowReduction op, DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        of(out).reduceRows(Op.of(op), buf(x), rows, cols, buf(out));
    }

    @Override
    public void sumAll(DeviceBuffer x, long n, DeviceBuffer out) {
        of(out).sumAll(buf(x), (int) n, buf(out));
    }

    @Override
    public void axpy(double alpha, DeviceBuffer x, DeviceBuffer y, long n) {
        of(y).axpy(alpha, buf(x), buf(y), (int) n);
    }

    /**
     * The {@link TransferCounters}, and liveArenaElements: arena elements held by live tensors, in every arena of
     * both kernels, INT32 ones included (what {@link Arena#used()} says; 0 again once every tensor is released).
     */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>(counters.snapshot());
        DoubleLauncher d = doubles;
        m.put("liveArenaElements", floats.arenaElementsInUse() + (d == null ? 0 : d.arenaElementsInUse()));
        return Collections.unmodifiableMap(m);
    }

    // ---- fused ops: one kernel launch each (two for the ones that end in a sum) -------------------------------------------

    @Override
    public void biasActivation(UnaryOp activation, DeviceBuffer z, DeviceBuffer bias, DeviceBuffer out, int rows,
                               int cols) {
        of(out).biasActivation(Op.of(activation), buf(z), buf(bias), buf(out), rows, cols);
    }

    @Override
    public void softmaxRows(DeviceBuffer x, DeviceBuffer out, int rows, int cols) {
        of(out).softmaxRows(buf(x), buf(out), rows, cols);
    }

    @Override
    public void activationBackward(UnaryOp gradFromOutput, DeviceBuffer a, DeviceBuffer d, DeviceBuffer out, int rows,
                                   int cols) {
        of(out).activationBackward(Op.of(gradFromOutput), buf(a), buf(d), buf(out), rows, cols);
    }

    /** (δ·Wᵀ) ⊙ g'(aPrev) in one GEMM launch: the derivative is applied as each output element is stored. */
    @Override
    public void backpropDelta(UnaryOp gradFromOutput, DeviceBuffer delta, DeviceBuffer w, DeviceBuffer aPrev,
                              DeviceBuffer out, int rows, int nOut, int nIn) {
        int grad = gradFromOutput == UnaryOp.IDENTITY_GRAD_FROM_OUTPUT ? -1 : Op.of(gradFromOutput);
        of(out).gemm(false, true, rows, nIn, nOut, 1.0, buf(delta), buf(w), 0.0, buf(out), grad, buf(aPrev));
    }

    @Override
    public void lossAndDelta(BinaryOp lossTerm, UnaryOp outputGrad, DeviceBuffer f, DeviceBuffer t, DeviceBuffer delta,
                             DeviceBuffer loss, int rows, int cols) {
        double invN = rows == 0 ? 0.0 : 1.0 / rows;
        of(loss).lossAndDelta(Op.of(lossTerm), Op.of(outputGrad), buf(f), buf(t), buf(delta), buf(loss), rows * cols,
                invN);
    }

    @Override
    public void sgdStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer velocity, int rows, int cols, double lr,
                        double momentum, double weightDecay) {
        of(w).sgdStep(buf(w), buf(g), velocity == null ? null : buf(velocity), rows * cols, lr, momentum, weightDecay);
    }

    @Override
    public void adamStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, int rows, int cols, double lr,
                         double beta1, double beta2, double epsilon, double weightDecay, long step) {
        double invC1 = 1.0 / (1.0 - Math.pow(beta1, step));
        double invC2 = 1.0 / (1.0 - Math.pow(beta2, step));
        of(w).adamStep(buf(w), buf(g), buf(m), buf(v), rows * cols, lr, beta1, beta2, epsilon, weightDecay, invC1,
                invC2);
    }

    @Override
    public synchronized void close() {
        floats.close();
        DoubleLauncher d = doubles;
        if (d != null) {
            d.close();
        }
        guard.close();
    }

    /**
     * Aparapi's version, for descriptions: from its Maven pom.properties, which survives shading (a shaded jar's
     * manifest is the application's, so the package's implementation version would name the application's), else
     * from its own manifest when that manifest is Aparapi's.
     */
    static String aparapiVersion() {
        try (java.io.InputStream in = Kernel.class.getResourceAsStream("/META-INF/maven/com.aparapi/aparapi/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return "Aparapi " + v.trim();
                }
            }
        } catch (java.io.IOException e) {
            // fall through to the manifest
        }
        Package pkg = Kernel.class.getPackage();
        String title = pkg.getImplementationTitle();
        String v = pkg.getImplementationVersion();
        return v != null && title != null && title.toLowerCase(java.util.Locale.ROOT).contains("aparapi")
                ? "Aparapi " + v : "Aparapi";
    }

    // ---- indexing and masks: FLOAT32 and INT32 on the FLOAT32 kernel; FLOAT64 bridges its INT32 operands ----------

    @Override
    public void write(DeviceBuffer dst, int[] src) {
        of(dst).writeInts(buf(dst), src);
    }

    @Override
    public void read(DeviceBuffer src, int[] dst) {
        of(src).readInts(buf(src), dst);
    }

    @Override
    public void copyStrided(DeviceBuffer src, long srcOffset, long srcRowStride, long srcColStride,
                            DeviceBuffer dst, long dstOffset, long dstRowStride, int rows, int cols) {
        // every addressed element lies inside its buffer (core checks), and a buffer is an int range of an arena
        of(dst).copyStrided(buf(src), (int) srcOffset, (int) srcRowStride, (int) srcColStride, buf(dst),
                (int) dstOffset, (int) dstRowStride, rows, cols);
    }

    /**
     * On the device between FLOAT32 and INT32 and (through {@link IntBridge}) between FLOAT64 and INT32; between
     * FLOAT32 and FLOAT64 through the host, the two arenas being two kernels' arrays (Java's float/double
     * conversions round to nearest even, as the SPI asks).
     */
    @Override
    public void cast(DeviceBuffer src, DeviceBuffer dst, long n) {
        int count = Math.toIntExact(n);
        DType from = src.dtype();
        DType to = dst.dtype();
        if (from == to) {
            copy(src, dst, n);
        } else if (from.isHalf() || to.isHalf()) {
            castHalves(src, dst, count);
        } else if (to == DType.INT32) {
            Launcher l = of(src);
            AparapiBuffer out = IntBridge.writableOn(l, buf(dst), count);
            try {
                l.castToInts(buf(src), out, count);
                IntBridge.giveBack(out, buf(dst), count);
            } finally {
                IntBridge.drop(out, buf(dst));
            }
        } else if (from == DType.INT32) {
            Launcher l = of(dst);
            AparapiBuffer in = IntBridge.readableOn(l, buf(src), count);
            try {
                l.castFromInts(in, buf(dst), count);
            } finally {
                IntBridge.drop(in, buf(src));
            }
        } else if (to == DType.FLOAT64) {
            float[] host = new float[count];
            read(src, host);
            double[] wide = new double[count];
            for (int i = 0; i < count; i++) {
                wide[i] = host[i];
            }
            write(dst, wide);                                   // writes count elements, dst[0, count)
        } else {
            double[] host = new double[count];
            read(src, host);
            float[] narrow = new float[count];
            for (int i = 0; i < count; i++) {
                narrow[i] = (float) host[i];
            }
            write(dst, narrow);
        }
    }

    @Override
    public void gatherRows(DeviceBuffer src, int srcRows, int cols, DeviceBuffer indices, int n, DeviceBuffer dst) {
        Launcher l = of(dst);
        AparapiBuffer idx = IntBridge.readableOn(l, buf(indices), n);
        try {
            l.gatherRows(buf(src), srcRows, cols, idx, n, buf(dst));
        } finally {
            IntBridge.drop(idx, buf(indices));
        }
    }

    @Override
    public void scatterAddRows(DeviceBuffer src, DeviceBuffer indices, int n, int cols, DeviceBuffer dst,
                               int dstRows) {
        Launcher l = of(dst);
        AparapiBuffer idx = IntBridge.readableOn(l, buf(indices), n);
        try {
            l.scatterAddRows(buf(src), idx, n, cols, buf(dst), dstRows);
        } finally {
            IntBridge.drop(idx, buf(indices));
        }
    }

    @Override
    public void argmaxRows(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        Launcher l = of(x);
        AparapiBuffer o = IntBridge.writableOn(l, buf(out), rows);
        try {
            l.argmaxRows(buf(x), rows, cols, o);
            IntBridge.giveBack(o, buf(out), rows);
        } finally {
            IntBridge.drop(o, buf(out));
        }
    }

    @Override
    public void oneHot(DeviceBuffer labels, int n, int classes, DeviceBuffer out) {
        Launcher l = of(out);
        AparapiBuffer lab = IntBridge.readableOn(l, buf(labels), n);
        try {
            l.oneHot(lab, n, classes, buf(out));
        } finally {
            IntBridge.drop(lab, buf(labels));
        }
    }

    @Override
    public void compare(CompareOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows,
                        int cols) {
        Launcher l = of(a);
        int n = rows * cols;
        AparapiBuffer o = IntBridge.writableOn(l, buf(out), n);
        try {
            l.compare(Op.of(op), buf(a), buf(b), Op.of(broadcast), o, rows, cols);
            IntBridge.giveBack(o, buf(out), n);
        } finally {
            IntBridge.drop(o, buf(out));
        }
    }

    @Override
    public void where(DeviceBuffer mask, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
        Launcher l = of(out);
        int count = Math.toIntExact(n);
        AparapiBuffer m = IntBridge.readableOn(l, buf(mask), count);
        try {
            l.where(m, buf(a), buf(b), buf(out), count);
        } finally {
            IntBridge.drop(m, buf(mask));
        }
    }
}
