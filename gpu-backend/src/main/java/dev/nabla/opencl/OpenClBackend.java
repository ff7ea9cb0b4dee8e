package dev.nabla.opencl;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.DeviceException;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_queue_properties;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code opencl} backend: hand-written kernels (the .cl resources of this package) through JOCL.
 *
 * <ul>
 *   <li>Tensors live in device buffers from a size-bucketed {@link BufferPool}; after the first training step no
 *       new device buffers are created.</li>
 *   <li>One in-order command queue. Kernels are enqueued without waiting; only {@link #read} (the tensor API's
 *       toFloatArray and friends), {@link #write} (fromArray: the host array is the caller's) and
 *       {@link #synchronize()} block.</li>
 *   <li>Host↔device bytes, buffer creations and kernel launches are counted ({@link #counters()}).</li>
 *   <li>OpenCL errors become typed exceptions ({@link ClErrors}); a failed build carries its build log.</li>
 *   <li>FLOAT64 only where the device has cl_khr_fp64. INT32 (labels, indices, masks) everywhere: its kernels, and
 *       the bit copies that serve every dtype, are in the FLOAT32 program.</li>
 * </ul>
 * Calls are serialised (kernel objects hold their arguments), so the backend is safe to share between threads.
 */
public final class OpenClBackend implements ComputeBackend {
    public static final String NAME = "opencl";
    /** Kernel names of both programs (each in its precision). */
    static final List<String> KERNELS = List.of("unary_op", "unary_op4", "binary_op", "axpy", "sum_columns",
            "reduce_rows", "sum_partials", "sum_final", "bias_activation", "bias_activation4", "activation_backward",
            "activation_backward4", "loss_delta_partials", "softmax_rows", "sgd_step", "adam_step", "gemm",
            "gemm_scale", "argmax_rows", "scatter_add_rows", "one_hot", "compare_real", "where_real",
            "cast_real_to_int", "cast_int_to_real");
    /**
     * Kernels of the FLOAT32 program only: the bit copies for every dtype, INT32 comparisons, and the casts between
     * the 16-bit types and FLOAT32 or INT32 (halfcast.cl), and the fused activations and column sums on them
     * (halffused.cl, halfreduce.cl).
     */
    static final List<String> FLOAT_PROGRAM_KERNELS = List.of("copy_strided_u16", "copy_strided_u32",
            "copy_strided_u64", "gather_rows_u16", "gather_rows_u32", "gather_rows_u64", "compare_int",
            "cast_f16_to_float", "cast_bf16_to_float", "cast_float_to_f16", "cast_float_to_bf16", "cast_int_to_f16",
            "cast_int_to_bf16", "cast_f16_to_int", "cast_bf16_to_int", "cast_f16_to_bf16", "cast_bf16_to_f16",
            "bias_activation_h", "activation_backward_h", "sum_columns_h", "gemm_h", "gemm_scale_h");
    /**
     * Kernels of the FLOAT64 program only: the casts between FLOAT32 and FLOAT64, and between FLOAT64 and the 16-bit
     * types, which need double.
     */
    static final List<String> DOUBLE_PROGRAM_KERNELS = List.of("cast_float_to_real", "cast_real_to_float",
            "cast_f16_to_real", "cast_bf16_to_real", "cast_real_to_f16", "cast_real_to_bf16");
    /** Most work-groups of a two-pass full sum; sizes the scratch buffer of partial sums. */
    static final int MAX_PARTIALS = 1024;
    static final int COLS_PER_GROUP = 32;

    private final ClDevice device;
    private final GemmConfig gemmConfig;
    /** Tiles for products too small to occupy every compute unit with gemmConfig's tiles; null: none. */
    private final GemmConfig smallConfig;
    private final cl_context context;
    private final cl_command_queue queue;
    private final ClProgram floatProgram;
    private final ClProgram smallProgram;
    private final ClProgram doubleProgram;
    private final BufferPool pool;
    private final ClBuffer floatPartials;
    private final ClBuffer doublePartials;
    private final int group;
    private long hostToDeviceBytes;
    private long deviceToHostBytes;
    private long launches;
    private boolean closed;

    /** The device chosen by {@code -Dnabla.opencl.device} / {@code NABLA_OPENCL_DEVICE}, else the first GPU. */
    public OpenClBackend() {
        this(ClDiscovery.select(ClDiscovery.devices(), ClDiscovery.requestedSelector()));
    }

    /** The tuned configurations ({@link GemmTuning}): the main one, and on GPUs a small-tile one. */
    public OpenClBackend(ClDevice device) {
        this(device, GemmTuning.configFor(device), device.isGpu() ? GemmTuning.smallConfigFor(device) : null, true);
    }

    /** Exactly {@code gemmConfig} for every FLOAT32 product. */
    public OpenClBackend(ClDevice device, GemmConfig gemmConfig) {
        this(device, gemmConfig, null, true);
    }

    /**
     * {@code withFloat64 = false} builds only the FLOAT32 program (half the build time): for the GEMM tuner, which
     * builds one backend per candidate configuration. FLOAT64 is then unsupported.
     */
    public OpenClBackend(ClDevice device, GemmConfig gemmConfig, boolean withFloat64) {
        this(device, gemmConfig, null, withFloat64);
    }

    /**
     * FLOAT32 products use {@code gemmConfig}, or {@code smallConfig} (when not null) for those with fewer tiles
     * than the device has compute units; FLOAT64 products use {@link GemmConfig#SMALL} (speed in double precision is
     * not what a GPU is lent for, and its tiles must fit twice the local memory).
     */
    public OpenClBackend(ClDevice device, GemmConfig gemmConfig, GemmConfig smallConfig, boolean withFloat64) {
        this.device = device;
        this.gemmConfig = gemmConfig.validate(device.maxWorkGroupSize(), device.localMemBytes(), 4);
        this.smallConfig = smallConfig == null || smallConfig.equals(gemmConfig) ? null
                : smallConfig.validate(device.maxWorkGroupSize(), device.localMemBytes(), 4);
        this.group = (int) Math.min(256, Integer.highestOneBit((int) Math.min(Integer.MAX_VALUE,
                device.maxWorkGroupSize())));
        cl_context ctx = null;
        cl_command_queue q = null;
        ClProgram fp = null;
        ClProgram sp = null;
        ClProgram dp = null;
        try {
            CL.setExceptionsEnabled(true);
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL.CL_CONTEXT_PLATFORM, device.platform());
            ctx = CL.clCreateContext(props, 1, new cl_device_id[]{device.device()}, null, null, null);
            q = createQueue(ctx, device);
            String acc = device.fp64() ? " -DACC_DOUBLE" : "";      // float sums accumulate in double (prelude.cl)
            fp = ClProgram.build(ctx, device, "nabla", DType.FLOAT32, KernelSources.program(DType.FLOAT32),
                    "-cl-std=CL1.2 " + this.gemmConfig.defines() + acc, concat(KERNELS, FLOAT_PROGRAM_KERNELS));
            if (this.smallConfig != null) {
                sp = ClProgram.build(ctx, device, "nabla-small-gemm", DType.FLOAT32,
                        KernelSources.program(DType.FLOAT32), "-cl-std=CL1.2 " + this.smallConfig.defines() + acc,
                        List.of("gemm"));
            }
            if (device.fp64() && withFloat64) {
                GemmConfig.SMALL.validate(device.maxWorkGroupSize(), device.localMemBytes(), 8);
                dp = ClProgram.build(ctx, device, "nabla", DType.FLOAT64, KernelSources.program(DType.FLOAT64),
                        "-cl-std=CL1.2 " + GemmConfig.SMALL.defines() + " -DUSE_DOUBLE",
                        concat(KERNELS, DOUBLE_PROGRAM_KERNELS));
            }
        } catch (CLException e) {
            release(fp, sp, dp, q, ctx);
            throw ClErrors.translate("starting OpenCL on " + device.name(), e);
        } catch (RuntimeException e) {
            release(fp, sp, dp, q, ctx);
            throw e;
        }
        this.context = ctx;
        this.queue = q;
        this.floatProgram = fp;
        this.smallProgram = sp;
        this.doubleProgram = dp;
        this.pool = new BufferPool(ctx);
        this.floatPartials = pool.acquire(device.fp64() ? DType.FLOAT64 : DType.FLOAT32, MAX_PARTIALS);  // acc_t
        this.doublePartials = dp == null ? null : pool.acquire(DType.FLOAT64, MAX_PARTIALS);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private static cl_command_queue createQueue(cl_context ctx, ClDevice device) {
        if (device.platformVersion().contains("OpenCL 1.")) {
            @SuppressWarnings("deprecation")
            cl_command_queue q = CL.clCreateCommandQueue(ctx, device.device(), 0, null);
            return q;
        }
        return CL.clCreateCommandQueueWithProperties(ctx, device.device(), new cl_queue_properties(), null);
    }

    private static void release(ClProgram fp, ClProgram sp, ClProgram dp, cl_command_queue q, cl_context ctx) {
        if (dp != null) {
            dp.close();
        }
        if (sp != null) {
            sp.close();
        }
        if (fp != null) {
            fp.close();
        }
        if (q != null) {
            CL.clReleaseCommandQueue(q);
        }
        if (ctx != null) {
            CL.clReleaseContext(ctx);
        }
    }

    public ClDevice device() {
        return device;
    }

    public GemmConfig gemmConfig() {
        return gemmConfig;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return device.name() + " (" + device.type() + ", " + device.platformName() + ", " + device.version()
                + (device.fp64() ? ", fp64" : ", no fp64") + "; gemm tile " + gemmConfig.tm() + "×" + gemmConfig.tn()
                + "×" + gemmConfig.tk() + ", " + gemmConfig.wptm() + "×" + gemmConfig.wptn() + " per work-item"
                + (smallConfig == null ? "" : ", " + smallConfig.tm() + "×" + smallConfig.tn() + " for small products")
                + ")";
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype != DType.FLOAT64 || doubleProgram != null;
    }

    @Override
    public long maxElements(DType dtype) {
        return device.maxAllocBytes() / dtype.bytes();
    }

    // ---- memory ------------------------------------------------------------------------------------------------------

    @Override
    public synchronized DeviceBuffer allocate(DType dtype, long length) {
        checkOpen("allocate");
        return pool.acquire(dtype, length);
    }

    @Override
    public synchronized void release(DeviceBuffer buffer) {
        if (!closed) {
            pool.release((ClBuffer) buffer);   // later commands on the in-order queue are the only ones to reuse it
        }
    }

    @Override
    public synchronized void write(DeviceBuffer dst, float[] src) {
        transfer("write", () -> CL.clEnqueueWriteBuffer(queue, b(dst).mem, CL.CL_TRUE, 0, (long) src.length * 4,
                Pointer.to(src), 0, null, null));
        hostToDeviceBytes += (long) src.length * 4;
    }

    @Override
    public synchronized void write(DeviceBuffer dst, double[] src) {
        transfer("write", () -> CL.clEnqueueWriteBuffer(queue, b(dst).mem, CL.CL_TRUE, 0, (long) src.length * 8,
                Pointer.to(src), 0, null, null));
        hostToDeviceBytes += (long) src.length * 8;
    }

    @Override
    public synchronized void read(DeviceBuffer src, float[] dst) {
        transfer("read", () -> CL.clEnqueueReadBuffer(queue, b(src).mem, CL.CL_TRUE, 0, (long) dst.length * 4,
                Pointer.to(dst), 0, null, null));
        deviceToHostBytes += (long) dst.length * 4;
    }

    @Override
    public synchronized void read(DeviceBuffer src, double[] dst) {
        transfer("read", () -> CL.clEnqueueReadBuffer(queue, b(src).mem, CL.CL_TRUE, 0, (long) dst.length * 8,
                Pointer.to(dst), 0, null, null));
        deviceToHostBytes += (long) dst.length * 8;
    }

    @Override
    public synchronized void write(DeviceBuffer dst, int[] src) {
        transfer("write", () -> CL.clEnqueueWriteBuffer(queue, b(dst).mem, CL.CL_TRUE, 0, (long) src.length * 4,
                Pointer.to(src), 0, null, null));
        hostToDeviceBytes += (long) src.length * 4;
    }

    @Override
    public synchronized void read(DeviceBuffer src, int[] dst) {
        transfer("read", () -> CL.clEnqueueReadBuffer(queue, b(src).mem, CL.CL_TRUE, 0, (long) dst.length * 4,
                Pointer.to(dst), 0, null, null));
        deviceToHostBytes += (long) dst.length * 4;
    }

    @Override
    public synchronized void write(DeviceBuffer dst, short[] src) {
        transfer("write", () -> CL.clEnqueueWriteBuffer(queue, b(dst).mem, CL.CL_TRUE, 0, (long) src.length * 2,
                Pointer.to(src), 0, null, null));
        hostToDeviceBytes += (long) src.length * 2;
    }

    @Override
    public synchronized void read(DeviceBuffer src, short[] dst) {
        transfer("read", () -> CL.clEnqueueReadBuffer(queue, b(src).mem, CL.CL_TRUE, 0, (long) dst.length * 2,
                Pointer.to(dst), 0, null, null));
        deviceToHostBytes += (long) dst.length * 2;
    }

    private void transfer(String what, Runnable call) {
        checkOpen(what);
        try {
            call.run();
        } catch (CLException e) {
            throw ClErrors.translate(what, e);
        }
    }

    @Override
    public synchronized void copy(DeviceBuffer src, DeviceBuffer dst, long n) {
        if (n == 0) {
            return;
        }
        long bytes = n * src.dtype().bytes();
        transfer("copy", () -> CL.clEnqueueCopyBuffer(queue, b(src).mem, b(dst).mem, 0, 0, bytes, 0, null, null));
    }

    @Override
    public synchronized void fill(DeviceBuffer dst, long n, double value) {
        if (n == 0) {
            return;
        }
        if (dst.dtype() == DType.FLOAT32) {
            transfer("fill", () -> CL.clEnqueueFillBuffer(queue, b(dst).mem, Pointer.to(new float[]{(float) value}),
                    Sizeof.cl_float, 0, n * 4, 0, null, null));
        } else if (dst.dtype().isHalf()) {              // the pattern, rounded on the host as HalfFloats does
            short bits = HalfFloats.fromDouble(dst.dtype(), value);
            transfer("fill", () -> CL.clEnqueueFillBuffer(queue, b(dst).mem, Pointer.to(new short[]{bits}),
                    Sizeof.cl_short, 0, n * 2, 0, null, null));
        } else if (dst.dtype() == DType.INT32) {        // core passes an integer in the int range
            transfer("fill", () -> CL.clEnqueueFillBuffer(queue, b(dst).mem, Pointer.to(new int[]{(int) value}),
                    Sizeof.cl_int, 0, n * 4, 0, null, null));
        } else {
            transfer("fill", () -> CL.clEnqueueFillBuffer(queue, b(dst).mem, Pointer.to(new double[]{value}),
                    Sizeof.cl_double, 0, n * 8, 0, null, null));
        }
    }

    @Override
    public synchronized void synchronize() {
        transfer("synchronize", () -> CL.clFinish(queue));
    }

    // ---- launching ---------------------------------------------------------------------------------------------------

    /**
     * A kernel of the program for {@code dtype}: FLOAT64's, or the FLOAT32 program for FLOAT32 and INT32 (which
     * holds the INT32 kernels, so that they run on devices without fp64). The launch's scalars are of the
     * program's precision.
     */
    private Launch launch(String kernel, DType dtype) {
        checkOpen(kernel);
        DType precision = dtype == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        ClProgram p = precision == DType.FLOAT32 ? floatProgram : doubleProgram;
        if (p == null) {
            throw new DeviceException(kernel + ": " + device.name() + " has no fp64 [opencl]");
        }
        cl_kernel k = p.kernel(kernel);
        return new Launch(k, precision);
    }

    private void run(String what, Launch l, long[] global, long[] local) {
        try {
            l.run(queue, global, local);
            launches++;
        } catch (CLException e) {
            throw ClErrors.translate(what, e);
        }
    }

    private static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }

    /** A power-of-two work-group size for a row of {@code cols} elements, at most the backend's group size. */
    private int rowGroup(int cols) {
        int p = Integer.highestOneBit(Math.max(1, cols));
        if (p < cols) {
            p <<= 1;
        }
        return Math.min(group, Math.max(1, p));
    }

    /** 1-D launch over n elements. */
    private long[] flat(long n) {
        return new long[]{roundUp(n, group)};
    }

    private long[] flatLocal() {
        return new long[]{group};
    }

    // ---- primitives --------------------------------------------------------------------------------------------------

    @Override
    public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, DeviceBuffer a,
                                  DeviceBuffer bm, double beta, DeviceBuffer c) {
        if (a.dtype().isHalf()) {
            gemmOnHalves(transA, transB, m, n, k, alpha, a, bm, beta, c);
            return;
        }
        gemmWithEpilogue(transA, transB, m, n, k, alpha, a, bm, beta, c, 0, null);
    }

    /**
     * 16-bit A and B, float32 accumulation, C FLOAT32 or their 16-bit type (halfgemm.cl: gemm.cl's tiles, with the
     * tuned configuration, decoding as they load).
     */
    private void gemmOnHalves(boolean transA, boolean transB, int m, int n, int k, double alpha, DeviceBuffer a,
                              DeviceBuffer bm, double beta, DeviceBuffer c) {
        if (m == 0 || n == 0) {
            return;
        }
        long mn = (long) m * n;
        int bf = a.dtype() == DType.BFLOAT16 ? 1 : 0;
        boolean cHalf = c.dtype().isHalf();
        if (k == 0 || alpha == 0) {
            Launch l = cHalf ? launch("gemm_scale_h", DType.FLOAT32).i64(mn).i32(bf).real(beta).mem(b(c))
                    : launch("gemm_scale", DType.FLOAT32).i64(mn).real(beta).mem(b(c));
            run("gemm", l, flat(mn), flatLocal());
            return;
        }
        GemmConfig g = gemmConfig;
        int rtsm = g.tm() / g.wptm();
        int rtsn = g.tn() / g.wptn();
        Launch l = launch("gemm_h", DType.FLOAT32).i32(m).i32(n).i32(k).real(alpha).i32(bf)
                .mem(b(a)).i32(transA ? m : k).i32(transA ? 1 : 0)
                .mem(b(bm)).i32(transB ? k : n).i32(transB ? 1 : 0)
                .real(beta).mem(b(c)).i32(cHalf ? 1 : 0);
        long[] global = {(long) ((n + g.tn() - 1) / g.tn()) * rtsn, (long) ((m + g.tm() - 1) / g.tm()) * rtsm};
        run("gemm", l, global, new long[]{rtsn, rtsm});
    }

    /** gemm on BFLOAT16/FLOAT16 inputs, float32 accumulation (halfgemm.cl). */
    @Override
    public boolean gemmOnHalves() {
        return true;
    }

    private void gemmWithEpilogue(boolean transA, boolean transB, int m, int n, int k, double alpha, DeviceBuffer a,
                                  DeviceBuffer bm, double beta, DeviceBuffer c, int epilogue, DeviceBuffer aux) {
        if (m == 0 || n == 0) {
            return;
        }
        DType dt = c.dtype();
        long mn = (long) m * n;
        if (k == 0 || alpha == 0) {
            // β·C, and an epilogue multiplies that: with β = 0 the result is 0 either way
            Launch l = launch("gemm_scale", dt).i64(mn).real(beta).mem(b(c));
            run("gemm", l, flat(mn), flatLocal());
            if (epilogue != 0 && beta != 0) {
                Launch e = launch("activation_backward", dt).i32(epilogue).mem(b(aux)).mem(b(c)).mem(b(c)).i64(mn);
                run("gemm epilogue", e, flat(mn), flatLocal());
            }
            return;
        }
        GemmConfig g = dt == DType.FLOAT64 ? GemmConfig.SMALL : gemmConfig;
        Launch l;
        if (dt == DType.FLOAT32 && smallConfig != null
                && tiles(m, n, gemmConfig) < device.computeUnits() && tiles(m, n, smallConfig) > tiles(m, n, gemmConfig)) {
            g = smallConfig;                               // too few big tiles to occupy the device: smaller ones
            checkOpen("gemm");
            l = new Launch(smallProgram.kernel("gemm"), dt);
        } else {
            l = launch("gemm", dt);
        }
        int rtsm = g.tm() / g.wptm();
        int rtsn = g.tn() / g.wptn();
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        l.i32(m).i32(n).i32(k).real(alpha)
                .mem(b(a)).i32(lda).i32(transA ? 1 : 0).i32(lda % g.vw() == 0 ? 1 : 0)
                .mem(b(bm)).i32(ldb).i32(transB ? 1 : 0).i32(ldb % g.vw() == 0 ? 1 : 0)
                .real(beta).mem(b(c)).i32(epilogue).mem(b(aux == null ? c : aux));
        long[] global = {(long) ((n + g.tn() - 1) / g.tn()) * rtsn, (long) ((m + g.tm() - 1) / g.tm()) * rtsm};
        run("gemm", l, global, new long[]{rtsn, rtsm});
    }

    private static long tiles(int m, int n, GemmConfig g) {
        return (long) ((m + g.tm() - 1) / g.tm()) * ((n + g.tn() - 1) / g.tn());
    }

    @Override
    public synchronized void unary(UnaryOp op, double param, DeviceBuffer x, DeviceBuffer out, long n) {
        if (n == 0) {
            return;
        }
        if (n % 4 == 0) {                                  // 16-byte accesses, 4 elements per work-item
            Launch l = launch("unary_op4", x.dtype()).i32(KernelSources.code(op)).real(param).mem(b(x)).mem(b(out))
                    .i64(n / 4);
            run("unary " + op, l, flat(n / 4), flatLocal());
            return;
        }
        Launch l = launch("unary_op", x.dtype()).i32(KernelSources.code(op)).real(param).mem(b(x)).mem(b(out)).i64(n);
        run("unary " + op, l, flat(n), flatLocal());
    }

    @Override
    public synchronized void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer bb, Broadcast broadcast,
                                    DeviceBuffer out, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        Launch l = launch("binary_op", a.dtype()).i32(KernelSources.code(op)).mem(b(a)).mem(b(bb))
                .i32(KernelSources.code(broadcast)).mem(b(out)).i32(rows).i32(cols);
        run("binary " + op, l, grid2d(rows, cols), local2d(cols));
    }

    private long[] local2d(int cols) {
        int lx = rowGroup(cols);
        return new long[]{lx, Math.max(1, group / lx)};
    }

    private long[] grid2d(int rows, int cols) {
        long[] local = local2d(cols);
        return new long[]{roundUp(cols, local[0]), roundUp(rows, local[1])};
    }

    @Override
    public synchronized void sumColumns(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        if (cols == 0) {
            return;
        }
        int ry = Math.max(1, Math.min(8, group / COLS_PER_GROUP));
        if (x.dtype().isHalf()) {                          // 16-bit x into a FLOAT32 out (halfreduce.cl)
            Launch l = launch("sum_columns_h", DType.FLOAT32).i32(x.dtype() == DType.BFLOAT16 ? 1 : 0).mem(b(x))
                    .i32(rows).i32(cols).mem(b(out)).local((long) COLS_PER_GROUP * ry, accBytes(DType.FLOAT32));
            run("sumColumns", l, new long[]{roundUp(cols, COLS_PER_GROUP), ry}, new long[]{COLS_PER_GROUP, ry});
            return;
        }
        Launch l = launch("sum_columns", x.dtype()).mem(b(x)).i32(rows).i32(cols).mem(b(out))
                .local((long) COLS_PER_GROUP * ry, accBytes(x.dtype()));
        run("sumColumns", l, new long[]{roundUp(cols, COLS_PER_GROUP), ry}, new long[]{COLS_PER_GROUP, ry});
    }

    @Override
    public synchronized void reduceRows(RowReduction op, DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        if (rows == 0) {
            return;
        }
        int lx = rowGroup(cols);
        Launch l = launch("reduce_rows", x.dtype()).mem(b(x)).i32(rows).i32(cols)
                .i32(KernelSources.code(op)).mem(b(out)).local(lx, accBytes(x.dtype()));
        run("reduceRows " + op, l, new long[]{lx, rows}, new long[]{lx, 1});
    }

    /** Work-groups of a grid-stride pass over n elements: a function of n only, so sums are reproducible. */
    private int partialGroups(long n) {
        return (int) Math.max(1, Math.min(MAX_PARTIALS, (n + group * 4L - 1) / (group * 4L)));
    }

    @Override
    public synchronized void sumAll(DeviceBuffer x, long n, DeviceBuffer out) {
        if (n == 0) {
            fill(out, 1, 0);
            return;
        }
        DType dt = x.dtype();
        ClBuffer partials = partials(dt);
        int groups = partialGroups(n);
        int acc = accBytes(dt);
        run("sumAll", launch("sum_partials", dt).mem(b(x)).i64(n).mem(partials).local(group, acc),
                new long[]{(long) groups * group}, flatLocal());
        run("sumAll", launch("sum_final", dt).mem(partials).i32(groups).acc(1.0, acc).mem(b(out)).local(group, acc),
                new long[]{group}, flatLocal());
    }

    @Override
    public synchronized void axpy(double alpha, DeviceBuffer x, DeviceBuffer y, long n) {
        if (n == 0) {
            return;
        }
        run("axpy", launch("axpy", x.dtype()).real(alpha).mem(b(x)).mem(b(y)).i64(n), flat(n), flatLocal());
    }

    // ---- fused -------------------------------------------------------------------------------------------------------

    @Override
    public synchronized void biasActivation(UnaryOp activation, DeviceBuffer z, DeviceBuffer bias, DeviceBuffer out,
                                            int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (z.dtype().isHalf()) {                          // 16-bit storage, float32 inside (halffused.cl)
            Launch l = launch("bias_activation_h", DType.FLOAT32).i32(z.dtype() == DType.BFLOAT16 ? 1 : 0)
                    .i32(KernelSources.code(activation)).mem(b(z)).mem(b(bias)).mem(b(out)).i32(rows).i32(cols);
            run("biasActivation", l, grid2d(rows, cols), local2d(cols));
            return;
        }
        if (cols % 4 == 0) {                               // 16-byte accesses, 4 columns per work-item
            Launch l = launch("bias_activation4", z.dtype()).i32(KernelSources.code(activation)).mem(b(z))
                    .mem(b(bias)).mem(b(out)).i32(rows).i32(cols / 4);
            run("biasActivation", l, grid2d(rows, cols / 4), local2d(cols / 4));
            return;
        }
        Launch l = launch("bias_activation", z.dtype()).i32(KernelSources.code(activation)).mem(b(z)).mem(b(bias))
                .mem(b(out)).i32(rows).i32(cols);
        run("biasActivation", l, grid2d(rows, cols), local2d(cols));
    }

    @Override
    public synchronized void softmaxRows(DeviceBuffer x, DeviceBuffer out, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        int lx = rowGroup(cols);
        Launch l = launch("softmax_rows", x.dtype()).mem(b(x)).mem(b(out)).i32(rows).i32(cols).local(lx);
        run("softmaxRows", l, new long[]{lx, rows}, new long[]{lx, 1});
    }

    @Override
    public synchronized void activationBackward(UnaryOp gradFromOutput, DeviceBuffer a, DeviceBuffer d,
                                                DeviceBuffer out, int rows, int cols) {
        long n = (long) rows * cols;
        if (n == 0) {
            return;
        }
        if (a.dtype().isHalf()) {
            Launch l = launch("activation_backward_h", DType.FLOAT32).i32(a.dtype() == DType.BFLOAT16 ? 1 : 0)
                    .i32(KernelSources.code(gradFromOutput)).mem(b(a)).mem(b(d)).mem(b(out)).i64(n);
            run("activationBackward", l, flat(n), flatLocal());
            return;
        }
        if (n % 4 == 0) {
            Launch l = launch("activation_backward4", a.dtype()).i32(KernelSources.code(gradFromOutput)).mem(b(a))
                    .mem(b(d)).mem(b(out)).i64(n / 4);
            run("activationBackward", l, flat(n / 4), flatLocal());
            return;
        }
        Launch l = launch("activation_backward", a.dtype()).i32(KernelSources.code(gradFromOutput)).mem(b(a))
                .mem(b(d)).mem(b(out)).i64(n);
        run("activationBackward", l, flat(n), flatLocal());
    }

    /** One kernel: the gemm δ·Wᵀ with the ⊙ g'(aPrev) epilogue applied as each result is stored. */
    @Override
    public synchronized void backpropDelta(UnaryOp gradFromOutput, DeviceBuffer delta, DeviceBuffer w,
                                           DeviceBuffer aPrev, DeviceBuffer out, int rows, int nOut, int nIn) {
        int epilogue = gradFromOutput == UnaryOp.IDENTITY_GRAD_FROM_OUTPUT ? 0 : KernelSources.code(gradFromOutput);
        gemmWithEpilogue(false, true, rows, nIn, nOut, 1.0, delta, w, 0.0, out, epilogue, aPrev);
    }

    @Override
    public synchronized void lossAndDelta(BinaryOp lossTerm, UnaryOp outputGrad, DeviceBuffer f, DeviceBuffer t,
                                          DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        long n = (long) rows * cols;
        if (n == 0) {
            fill(loss, 1, 0);
            return;
        }
        DType dt = f.dtype();
        double invN = 1.0 / rows;
        ClBuffer partials = partials(dt);
        int groups = partialGroups(n);
        run("lossAndDelta", launch("loss_delta_partials", dt).i32(KernelSources.code(lossTerm))
                        .i32(KernelSources.code(outputGrad)).mem(b(f)).mem(b(t)).mem(b(delta)).real(invN).i64(n)
                        .mem(partials).local(group, accBytes(dt)),
                new long[]{(long) groups * group}, flatLocal());
        run("lossAndDelta", launch("sum_final", dt).mem(partials).i32(groups).acc(invN, accBytes(dt)).mem(b(loss))
                        .local(group, accBytes(dt)),
                new long[]{group}, flatLocal());
    }

    @Override
    public synchronized void sgdStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer velocity, int rows, int cols,
                                     double lr, double momentum, double weightDecay) {
        long n = (long) rows * cols;
        if (n == 0) {
            return;
        }
        Launch l = launch("sgd_step", w.dtype()).mem(b(w)).mem(b(g)).mem(b(velocity == null ? w : velocity))
                .i32(velocity == null ? 0 : 1).i64(n).real(lr).real(momentum).real(weightDecay);
        run("sgdStep", l, flat(n), flatLocal());
    }

    @Override
    public synchronized void adamStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, int rows,
                                      int cols, double lr, double beta1, double beta2, double epsilon,
                                      double weightDecay, long step) {
        long n = (long) rows * cols;
        if (n == 0) {
            return;
        }
        double invC1 = 1.0 / (1.0 - Math.pow(beta1, step));
        double invC2 = 1.0 / (1.0 - Math.pow(beta2, step));
        Launch l = launch("adam_step", w.dtype()).mem(b(w)).mem(b(g)).mem(b(m)).mem(b(v)).i64(n).real(lr)
                .real(beta1).real(beta2).real(epsilon).real(weightDecay).real(invC1).real(invC2);
        run("adamStep", l, flat(n), flatLocal());
    }

    // ---- copies, casts, indexing and masks ---------------------------------------------------------------------------

    /**
     * Bit copies: ushort for the 2-byte dtypes (BFLOAT16, FLOAT16), uint for the 4-byte ones (FLOAT32, INT32), ulong
     * for FLOAT64; all in the FLOAT32 program.
     */
    private static String bits(String kernel, DType dtype) {
        return kernel + (dtype.bytes() == 2 ? "_u16" : dtype.bytes() == 4 ? "_u32" : "_u64");
    }

    @Override
    public synchronized void copyStrided(DeviceBuffer src, long srcOffset, long srcRowStride, long srcColStride,
                                         DeviceBuffer dst, long dstOffset, long dstRowStride, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        Launch l = launch(bits("copy_strided", src.dtype()), DType.FLOAT32).mem(b(src)).i64(srcOffset)
                .i64(srcRowStride).i64(srcColStride).mem(b(dst)).i64(dstOffset).i64(dstRowStride).i32(rows).i32(cols);
        run("copyStrided", l, grid2d(rows, cols), local2d(cols));
    }

    @Override
    public synchronized void cast(DeviceBuffer src, DeviceBuffer dst, long n) {
        if (n == 0) {
            return;
        }
        DType from = src.dtype();
        DType to = dst.dtype();
        if (from == to) {
            copy(src, dst, n);
            return;
        }
        Launch l;
        if (from.isHalf() || to.isHalf()) {
            l = halfCast(from, to);
        } else if (to == DType.INT32) {
            l = launch("cast_real_to_int", from);
        } else if (from == DType.INT32) {
            l = launch("cast_int_to_real", to);
        } else {                                           // between FLOAT32 and FLOAT64: the double program
            l = launch(to == DType.FLOAT64 ? "cast_float_to_real" : "cast_real_to_float", DType.FLOAT64);
        }
        run("cast " + from + " to " + to, l.mem(b(src)).mem(b(dst)).i64(n), flat(n), flatLocal());
    }

    /** The halfcast.cl kernel for a cast from or to a 16-bit type: FLOAT64's in the double program. */
    private Launch halfCast(DType from, DType to) {
        if (from == DType.FLOAT64 || to == DType.FLOAT64) {
            return launch(from == DType.FLOAT64 ? "cast_real_to_" + code(to) : "cast_" + code(from) + "_to_real",
                    DType.FLOAT64);
        }
        return launch("cast_" + code(from) + "_to_" + code(to), DType.FLOAT32);
    }

    /** A dtype's name in the halfcast.cl kernel names. */
    private static String code(DType dtype) {
        return switch (dtype) {
            case BFLOAT16 -> "bf16";
            case FLOAT16 -> "f16";
            case FLOAT32 -> "float";
            case INT32 -> "int";
            case FLOAT64 -> "real";
        };
    }

    /** biasActivation and activationBackward on BFLOAT16/FLOAT16 buffers, float32 inside (halffused.cl). */
    @Override
    public boolean fusedActivationsOnHalves() {
        return true;
    }

    /** sumColumns of BFLOAT16/FLOAT16 into FLOAT32, sum_columns' layout and accumulator (halfreduce.cl). */
    @Override
    public boolean sumColumnsOnHalves() {
        return true;
    }

    @Override
    public synchronized void gatherRows(DeviceBuffer src, int srcRows, int cols, DeviceBuffer indices, int n,
                                        DeviceBuffer dst) {
        if (n == 0 || cols == 0) {
            return;
        }
        Launch l = launch(bits("gather_rows", src.dtype()), DType.FLOAT32).mem(b(src)).i32(srcRows).i32(cols)
                .mem(b(indices)).i32(n).mem(b(dst));
        run("gatherRows", l, grid2d(n, cols), local2d(cols));
    }

    /** One work-item per column adds the rows of src in increasing order: deterministic, no float atomics. */
    @Override
    public synchronized void scatterAddRows(DeviceBuffer src, DeviceBuffer indices, int n, int cols, DeviceBuffer dst,
                                            int dstRows) {
        if (n == 0 || cols == 0) {
            return;
        }
        Launch l = launch("scatter_add_rows", src.dtype()).mem(b(src)).mem(b(indices)).i32(n).i32(cols).mem(b(dst))
                .i32(dstRows);
        run("scatterAddRows", l, flat(cols), flatLocal());
    }

    @Override
    public synchronized void argmaxRows(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        if (rows == 0) {
            return;
        }
        int lx = rowGroup(cols);
        Launch l = launch("argmax_rows", x.dtype()).mem(b(x)).i32(rows).i32(cols).mem(b(out)).local(lx)
                .local(lx, Sizeof.cl_int);
        run("argmaxRows", l, new long[]{lx, rows}, new long[]{lx, 1});
    }

    @Override
    public synchronized void oneHot(DeviceBuffer labels, int n, int classes, DeviceBuffer out) {
        if (n == 0 || classes == 0) {
            return;
        }
        Launch l = launch("one_hot", out.dtype()).mem(b(labels)).i32(n).i32(classes).mem(b(out));
        run("oneHot", l, grid2d(n, classes), local2d(classes));
    }

    @Override
    public synchronized void compare(CompareOp op, DeviceBuffer a, DeviceBuffer bb, Broadcast broadcast,
                                     DeviceBuffer out, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        String kernel = a.dtype() == DType.INT32 ? "compare_int" : "compare_real";
        Launch l = launch(kernel, a.dtype()).i32(KernelSources.code(op)).mem(b(a)).mem(b(bb))
                .i32(KernelSources.code(broadcast)).mem(b(out)).i32(rows).i32(cols);
        run("compare " + op, l, grid2d(rows, cols), local2d(cols));
    }

    @Override
    public synchronized void where(DeviceBuffer mask, DeviceBuffer a, DeviceBuffer bb, DeviceBuffer out, long n) {
        if (n == 0) {
            return;
        }
        Launch l = launch("where_real", a.dtype()).mem(b(mask)).mem(b(a)).mem(b(bb)).mem(b(out)).i64(n);
        run("where", l, flat(n), flatLocal());
    }

    // ---- bookkeeping -------------------------------------------------------------------------------------------------

    /** Bytes of acc_t, the sums' accumulator (prelude.cl): double in the double program and on fp64 devices. */
    private int accBytes(DType dtype) {
        return dtype == DType.FLOAT64 || device.fp64() ? 8 : 4;
    }

    private ClBuffer partials(DType dtype) {
        return dtype == DType.FLOAT32 ? floatPartials : doublePartials;
    }

    private static ClBuffer b(DeviceBuffer buffer) {
        return (ClBuffer) buffer;
    }

    private void checkOpen(String what) {
        if (closed) {
            throw new DeviceException(what + ": the opencl backend is closed");
        }
    }

    /** hostToDeviceBytes, deviceToHostBytes, deviceBuffersCreated/Reused/Released, pooledBytes, liveDeviceBytes, kernelLaunches. */
    @Override
    public synchronized Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("hostToDeviceBytes", hostToDeviceBytes);
        c.put("deviceToHostBytes", deviceToHostBytes);
        c.put("deviceBuffersCreated", pool.created());
        c.put("deviceBuffersReused", pool.reused());
        c.put("deviceBuffersReleased", pool.releasedToDevice());
        c.put("pooledBytes", pool.pooledBytes());
        c.put("liveDeviceBytes", pool.liveBytes());
        c.put("kernelLaunches", launches);
        return c;
    }

    /** Waits for the queue, then releases in reverse order of creation: buffers, kernels, programs, queue, context. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            CL.clFinish(queue);
        } catch (CLException e) {
            // the device may be gone; release what can be released anyway
        }
        closed = true;
        pool.close();
        release(floatProgram, smallProgram, doubleProgram, queue, context);
    }
}
