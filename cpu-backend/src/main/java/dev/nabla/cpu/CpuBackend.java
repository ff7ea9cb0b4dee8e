package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.DeviceOutOfMemoryException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cpu backend: tensors are Java arrays, kernels are those of one {@link CpuPath} (Vector API or plain Java), and
 * every op of more than {@value #MIN_CHUNK} elements is split over all cores. Partial sums are combined in chunk
 * order, so results do not depend on timing. Overrides every fused op with a single pass over memory.
 */
public final class CpuBackend implements ComputeBackend {
    public static final String NAME = "cpu";
    /** Smallest piece of elementwise work worth handing to another thread. */
    static final int MIN_CHUNK = 1 << 15;

    private final CpuPath path;
    private final Parallel parallel;
    private final FloatKernels fk;
    private final DoubleKernels dk;
    private final HalfCodec hc;
    private final HalfInputGemm hg;
    private final HalfKernels hk;
    /** The float32 C of a gemm with 16-bit C, per calling thread (gemmOnHalves). */
    private static final FloatScratch HALF_C = new FloatScratch();
    /** Buffers allocated and not yet released (the garbage collector frees the arrays; this counts the SPI's calls). */
    private final AtomicLong liveBuffers = new AtomicLong();
    /**
     * The system property that sets how many bytes of released buffers the backend keeps for reuse (0: none). The
     * default is the smaller of 256 MiB and an eighth of the maximum heap.
     */
    public static final String POOL_BYTES_PROPERTY = "nabla.cpu.poolBytes";
    /**
     * A system property for tests: when "true", every allocated buffer (fresh or reused) is filled with NaN (INT32:
     * 0x7F7F7F7F; the 16-bit types: their quiet NaN) first, so that an op that reads an output before writing it, relying on Java's zeroed arrays,
     * fails its contract test instead of passing until a pooled buffer comes back dirty. cpu-backend's tests run
     * with it on.
     */
    public static final String POISON_PROPERTY = "nabla.cpu.poisonAllocations";
    private static final boolean POISON = Boolean.getBoolean(POISON_PROPERTY);
    /** Released buffers kept for reuse: autograd allocates the same intermediates every step. */
    private final CpuBufferPool pool = new CpuBufferPool(poolBytes());

    private static long poolBytes() {
        String v = System.getProperty(POOL_BYTES_PROPERTY);
        if (v != null) {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("cpu: -D" + POOL_BYTES_PROPERTY + " must be a number of bytes, got "
                        + v);
            }
        }
        return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * The path chosen by {@link CpuPath#detect()}, on every available core. On the plain path because the JVM lacks
     * {@code --add-modules jdk.incubator.vector}, the first one logs a WARNING that names the flag.
     */
    public CpuBackend() {
        this(CpuPath.detect(), Runtime.getRuntime().availableProcessors());
        VectorModuleWarning.onStart(path);
    }

    /** A chosen path and thread count (VECTOR needs {@code --add-modules jdk.incubator.vector}). */
    public CpuBackend(CpuPath path, int threads) {
        if (threads < 1) {
            throw new InvalidArgumentException("cpu: threads must be ≥ 1, got " + threads);
        }
        if (path == CpuPath.VECTOR && !CpuPath.vectorModulePresent()) {
            throw new InvalidArgumentException("cpu: the VECTOR path needs the jdk.incubator.vector module "
                    + "(run java with --add-modules jdk.incubator.vector)");
        }
        this.path = path;
        this.parallel = new Parallel(threads);
        if (path == CpuPath.VECTOR) {
            VectorInlining.install();                   // before any kernel runs: see VectorInlining
            this.fk = instantiate("dev.nabla.cpu.VectorFloatKernels");
            this.dk = instantiate("dev.nabla.cpu.VectorDoubleKernels");
            try {
                this.hc = (HalfCodec) Class.forName("dev.nabla.cpu.VectorHalfCodec").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("cpu: cannot start the Vector API half codec", e);
            }
            this.hg = instantiate("dev.nabla.cpu.VectorHalfGemm");
            try {
                this.hk = (HalfKernels) Class.forName("dev.nabla.cpu.VectorHalfKernels")
                        .getDeclaredConstructor(HalfKernels.class).newInstance(new TiledHalfKernels(hc, fk));
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("cpu: cannot start the Vector API half kernels", e);
            }
        } else {
            this.fk = new ScalarFloatKernels(parallel);
            this.dk = new ScalarDoubleKernels(parallel);
            this.hc = new ScalarHalfCodec();
            this.hg = new ScalarHalfGemm(fk);
            this.hk = new TiledHalfKernels(hc, fk);
        }
    }

    /** Loaded by name so that the Vector API classes are never touched on the plain path. */
    @SuppressWarnings("unchecked")
    private <T> T instantiate(String className) {
        try {
            return (T) Class.forName(className).getDeclaredConstructor(Parallel.class).newInstance(parallel);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cpu: cannot start the Vector API kernels " + className, e);
        }
    }

    public CpuPath path() {
        return path;
    }

    public int threads() {
        return parallel.threads();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        String inlining = VectorInlining.status();
        return fk.description() + ", " + parallel.threads() + " thread" + (parallel.threads() == 1 ? "" : "s")
                + (path == CpuPath.VECTOR && inlining != null && !inlining.equals(VectorInlining.INSTALLED)
                ? " (" + inlining + ")" : "")
                + (path != CpuPath.SCALAR ? ""
                : CpuPath.detect() == CpuPath.SCALAR ? " (" + CpuPath.reason() + ")" : " (chosen by the caller)");
    }

    @Override
    public boolean supports(DType dtype) {
        return true;
    }

    @Override
    public long maxElements(DType dtype) {
        return Integer.MAX_VALUE - 8;
    }

    // ---- memory ------------------------------------------------------------------------------------------------------

    /**
     * A Java array of {@code length} elements: the cpu backend's device memory is the Java heap. A heap that cannot
     * hold it is a {@link DeviceOutOfMemoryException} (the tensor API adds the op and shape in front); the failed
     * {@code new} allocated nothing, so the backend stays usable. Lengths above {@link #maxElements} are refused
     * before: the tensor API checks every shape first.
     */
    @Override
    public DeviceBuffer allocate(DType dtype, long length) {
        if (length < 0 || length > maxElements(dtype)) {
            throw new InvalidArgumentException("cpu: a buffer of " + length + " " + dtype + " elements is not between 0 "
                    + "and " + maxElements(dtype));
        }
        DeviceBuffer b = pool.take(dtype, (int) length);
        try {
            if (b == null) {
                b = CpuBuffer.allocate(dtype, (int) length);
            }
        } catch (OutOfMemoryError first) {
            pool.clear();                   // kept buffers first: the collector may need them to be unreachable
            try {
                b = CpuBuffer.allocate(dtype, (int) length);
            } catch (OutOfMemoryError e) {
                throw oom(length, dtype, e);
            }
        }
        if (POISON) {
            CpuBuffer c = (CpuBuffer) b;
            if (c.f != null) {
                java.util.Arrays.fill(c.f, Float.NaN);
            } else if (c.d != null) {
                java.util.Arrays.fill(c.d, Double.NaN);
            } else if (c.i != null) {
                java.util.Arrays.fill(c.i, 0x7F7F7F7F);
            } else {                        // a quiet NaN of the 16-bit type
                java.util.Arrays.fill(c.h, (short) (dtype == DType.BFLOAT16 ? 0x7FC0 : 0x7E00));
            }
        }
        liveBuffers.incrementAndGet();
        return b;
    }

    private static DeviceOutOfMemoryException oom(long length, DType dtype, OutOfMemoryError e) {
        return new DeviceOutOfMemoryException("the Java heap cannot hold another " + length * dtype.bytes()
                + " bytes (max " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " MiB; raise it with -Xmx, for ./nabla NABLA_JAVA_OPTS=-Xmx...)", e);
    }

    /** Back into the pool of kept buffers, or to the garbage collector when it is small or the pool is full. */
    @Override
    public void release(DeviceBuffer buffer) {
        liveBuffers.decrementAndGet();
        pool.give((CpuBuffer) buffer);
    }

    /**
     * liveBuffers: buffers allocated and not yet released; pooledBytes: released buffers kept for reuse;
     * reusedBuffers: allocations served from them so far.
     */
    @Override
    public Map<String, Long> counters() {
        return Map.of("liveBuffers", liveBuffers.get(), "pooledBytes", pool.pooledBytes(), "reusedBuffers",
                pool.reused());
    }

    @Override
    public void write(DeviceBuffer dst, float[] src) {
        System.arraycopy(src, 0, f(dst), 0, src.length);
    }

    @Override
    public void write(DeviceBuffer dst, double[] src) {
        System.arraycopy(src, 0, d(dst), 0, src.length);
    }

    @Override
    public void read(DeviceBuffer src, float[] dst) {
        System.arraycopy(f(src), 0, dst, 0, dst.length);
    }

    @Override
    public void read(DeviceBuffer src, double[] dst) {
        System.arraycopy(d(src), 0, dst, 0, dst.length);
    }

    @Override
    public void write(DeviceBuffer dst, int[] src) {
        System.arraycopy(src, 0, ints(dst), 0, src.length);
    }

    @Override
    public void read(DeviceBuffer src, int[] dst) {
        System.arraycopy(ints(src), 0, dst, 0, dst.length);
    }

    @Override
    public void write(DeviceBuffer dst, short[] src) {
        System.arraycopy(src, 0, ((CpuBuffer) dst).h, 0, src.length);
    }

    @Override
    public void read(DeviceBuffer src, short[] dst) {
        System.arraycopy(((CpuBuffer) src).h, 0, dst, 0, dst.length);
    }

    @Override
    public void copy(DeviceBuffer src, DeviceBuffer dst, long n) {
        System.arraycopy(((CpuBuffer) src).array(), 0, ((CpuBuffer) dst).array(), 0, (int) n);
    }

    /** INT32: core passes only integers in the int range, so the (int) conversion is exact. */
    @Override
    public void fill(DeviceBuffer dst, long n, double value) {
        CpuBuffer b = (CpuBuffer) dst;
        if (b.f != null) {
            Arrays.fill(b.f, 0, (int) n, (float) value);
        } else if (b.d != null) {
            Arrays.fill(b.d, 0, (int) n, value);
        } else if (b.h != null) {
            Arrays.fill(b.h, 0, (int) n, HalfFloats.fromDouble(b.dtype(), value));
        } else {
            Arrays.fill(b.i, 0, (int) n, (int) value);
        }
    }

    @Override
    public void synchronize() {
        // every op has finished when it returns
    }

    // ---- primitives --------------------------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, DeviceBuffer a,
                     DeviceBuffer b, double beta, DeviceBuffer c) {
        if (a.dtype().isHalf()) {
            gemmOnHalves(transA, transB, m, n, k, (float) alpha, (CpuBuffer) a, (CpuBuffer) b, (float) beta,
                    (CpuBuffer) c);
        } else if (isFloat(c)) {
            fk.gemm(transA, transB, m, n, k, (float) alpha, f(a), f(b), (float) beta, f(c));
        } else {
            dk.gemm(transA, transB, m, n, k, alpha, d(a), d(b), beta, d(c));
        }
    }

    /**
     * 16-bit A and B, float32 accumulation ({@link HalfInputGemm}); a 16-bit C is decoded into a float32 scratch C
     * (only when β ≠ 0), computed there and rounded once into C. The scratch is the calling thread's
     * ({@link FloatScratch}), kept between calls.
     */
    private void gemmOnHalves(boolean transA, boolean transB, int m, int n, int k, float alpha, CpuBuffer a,
                              CpuBuffer b, float beta, CpuBuffer c) {
        if (c.f != null) {
            hg.gemm(a.dtype(), transA, transB, m, n, k, alpha, a.h, b.h, beta, c.f);
            return;
        }
        int len = m * n;
        float[] cf = HALF_C.atLeast(len);
        if (beta != 0) {
            hc.decode(c.dtype(), c.h, 0, cf, 0, len);
        }
        hg.gemm(a.dtype(), transA, transB, m, n, k, alpha, a.h, b.h, beta, cf);
        hc.encode(c.dtype(), cf, 0, c.h, 0, len);
    }

    /** gemm on BFLOAT16/FLOAT16 inputs: decoded in the packing (VECTOR) or whole (SCALAR), float32 accumulation. */
    @Override
    public boolean gemmOnHalves() {
        return true;
    }

    @Override
    public void unary(UnaryOp op, double param, DeviceBuffer x, DeviceBuffer out, long n) {
        if (isFloat(x)) {
            float[] xs = f(x);
            float[] ys = f(out);
            float p = (float) param;
            parallel.forRange((int) n, MIN_CHUNK, (from, to) -> fk.unary(op, p, xs, ys, from, to));
        } else {
            double[] xs = d(x);
            double[] ys = d(out);
            parallel.forRange((int) n, MIN_CHUNK, (from, to) -> dk.unary(op, param, xs, ys, from, to));
        }
    }

    @Override
    public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows,
                       int cols) {
        if (broadcast == Broadcast.NONE) {
            int n = rows * cols;
            if (isFloat(a)) {
                float[] as = f(a), bs = f(b), os = f(out);
                parallel.forRange(n, MIN_CHUNK, (from, to) -> fk.binary(op, as, bs, os, from, to));
            } else {
                double[] as = d(a), bs = d(b), os = d(out);
                parallel.forRange(n, MIN_CHUNK, (from, to) -> dk.binary(op, as, bs, os, from, to));
            }
            return;
        }
        int rowChunk = rowsPerChunk(cols);
        if (isFloat(a)) {
            float[] as = f(a), bs = f(b), os = f(out);
            parallel.forRange(rows, rowChunk, (r0, r1) -> fk.binaryBroadcast(op, as, bs, broadcast, os, cols, r0, r1));
        } else {
            double[] as = d(a), bs = d(b), os = d(out);
            parallel.forRange(rows, rowChunk, (r0, r1) -> dk.binaryBroadcast(op, as, bs, broadcast, os, cols, r0, r1));
        }
    }

    @Override
    public void sumColumns(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        int colChunk = Math.max(64, (int) Math.min(Integer.MAX_VALUE, (long) MIN_CHUNK / Math.max(1, rows)));
        if (x.dtype().isHalf()) {
            sumColumnsHalves((CpuBuffer) x, rows, cols, f(out), colChunk);
            return;
        }
        if (isFloat(x)) {
            float[] xs = f(x), os = f(out);
            parallel.forRange(cols, colChunk, (c0, c1) -> fk.sumColumns(xs, rows, cols, os, c0, c1));
        } else {
            double[] xs = d(x), os = d(out);
            parallel.forRange(cols, colChunk, (c0, c1) -> dk.sumColumns(xs, rows, cols, os, c0, c1));
        }
    }

    /**
     * out (FLOAT32, 1 × cols) = 1ᵀ·x for a 16-bit x ({@link HalfKernels#sumColumns}): each row decoded and added to a
     * float32 accumulator row, so each addition rounds once, row after row (in registers on the VECTOR path, through
     * a per-thread float tile on the SCALAR one). A column whose float32 sum is not finite (it overflowed, or x holds
     * ±∞ or NaN) is summed again in double, which gives the IEEE result of the exact sum, as the float kernels do.
     */
    private void sumColumnsHalves(CpuBuffer x, int rows, int cols, float[] out, int colChunk) {
        DType dtype = x.dtype();
        parallel.forRange(cols, colChunk, (c0, c1) -> hk.sumColumns(dtype, x.h, rows, cols, out, c0, c1));
    }

    /** sumColumns of BFLOAT16/FLOAT16 into FLOAT32, decoded tile by tile, float32 accumulation. */
    @Override
    public boolean sumColumnsOnHalves() {
        return true;
    }

    @Override
    public void reduceRows(RowReduction op, DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        int rowChunk = rowsPerChunk(cols);
        if (isFloat(x)) {
            float[] xs = f(x), os = f(out);
            parallel.forRange(rows, rowChunk, (r0, r1) -> fk.reduceRows(op, xs, cols, os, r0, r1));
        } else {
            double[] xs = d(x), os = d(out);
            parallel.forRange(rows, rowChunk, (r0, r1) -> dk.reduceRows(op, xs, cols, os, r0, r1));
        }
    }

    /** Chunks of a full sum: MIN_CHUNK elements each whatever the thread count, so a sum is the same on any machine. */
    private static int sumChunks(int len) {
        return Math.max(1, (len + MIN_CHUNK - 1) / MIN_CHUNK);
    }

    @Override
    public void sumAll(DeviceBuffer x, long n, DeviceBuffer out) {
        int len = (int) n;
        int chunks = sumChunks(len);
        double[] partial = new double[chunks];
        boolean isF = isFloat(x);
        float[] xf = isF ? f(x) : null;
        double[] xd = isF ? null : d(x);
        parallel.forEach(chunks, c -> {
            int from = c * MIN_CHUNK;
            int to = Math.min(len, from + MIN_CHUNK);
            partial[c] = isF ? fk.sum(xf, from, to) : dk.sum(xd, from, to);
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        if (isF) {
            f(out)[0] = (float) total;
        } else {
            d(out)[0] = total;
        }
    }

    @Override
    public void axpy(double alpha, DeviceBuffer x, DeviceBuffer y, long n) {
        if (isFloat(x)) {
            float[] xs = f(x), ys = f(y);
            float a = (float) alpha;
            parallel.forRange((int) n, MIN_CHUNK, (from, to) -> fk.axpy(a, xs, ys, from, to));
        } else {
            double[] xs = d(x), ys = d(y);
            parallel.forRange((int) n, MIN_CHUNK, (from, to) -> dk.axpy(alpha, xs, ys, from, to));
        }
    }

    // ---- fused: one pass each ----------------------------------------------------------------------------------------

    /** biasActivation and activationBackward read and write BFLOAT16/FLOAT16 tiles, computing in float32. */
    @Override
    public boolean fusedActivationsOnHalves() {
        return true;
    }

    /**
     * out = g(z + 1·b) on 16-bit storage ({@link HalfKernels}: decode, float32 formula, encode; in registers where
     * the VECTOR path can, see {@link VectorHalfKernels}, else through per-thread float tiles; no allocation per
     * call). out may be z, or b when rows = 1.
     */
    private void biasActivationHalves(UnaryOp activation, CpuBuffer z, CpuBuffer bias, CpuBuffer out, int rows,
                                      int cols) {
        DType dtype = z.dtype();
        short[] zs = z.h, bs = bias.h, os = out.h;
        parallel.forRange(rows, rowsPerChunk(cols), (r0, r1) -> hk.biasActivation(dtype, activation, zs, bs, os, cols,
                r0, r1));
    }

    /** out = d ⊙ g′(a) on 16-bit storage, as {@link #biasActivationHalves}; out may be a or d. */
    private void activationBackwardHalves(UnaryOp gradFromOutput, CpuBuffer a, CpuBuffer d, CpuBuffer out, int n) {
        DType dtype = a.dtype();
        short[] as = a.h, ds = d.h, os = out.h;
        parallel.forRange(n, MIN_CHUNK, (from, to) -> hk.activationBackward(dtype, gradFromOutput, as, ds, os, from,
                to));
    }

    @Override
    public void biasActivation(UnaryOp activation, DeviceBuffer z, DeviceBuffer bias, DeviceBuffer out, int rows,
                               int cols) {
        if (z.dtype().isHalf()) {
            biasActivationHalves(activation, (CpuBuffer) z, (CpuBuffer) bias, (CpuBuffer) out, rows, cols);
            return;
        }
        int rowChunk = rowsPerChunk(cols);
        if (isFloat(z)) {
            float[] zs = f(z), bs = f(bias), os = f(out);
            parallel.forRange(rows, rowChunk, (r0, r1) -> fk.biasActivation(activation, zs, bs, os, cols, r0, r1));
        } else {
            double[] zs = d(z), bs = d(bias), os = d(out);
            parallel.forRange(rows, rowChunk, (r0, r1) -> dk.biasActivation(activation, zs, bs, os, cols, r0, r1));
        }
    }

    @Override
    public void softmaxRows(DeviceBuffer x, DeviceBuffer out, int rows, int cols) {
        int rowChunk = rowsPerChunk(cols);
        if (isFloat(x)) {
            float[] xs = f(x), os = f(out);
            parallel.forRange(rows, rowChunk, (r0, r1) -> fk.softmaxRows(xs, os, cols, r0, r1));
        } else {
            double[] xs = d(x), os = d(out);
            parallel.forRange(rows, rowChunk, (r0, r1) -> dk.softmaxRows(xs, os, cols, r0, r1));
        }
    }

    @Override
    public void activationBackward(UnaryOp gradFromOutput, DeviceBuffer a, DeviceBuffer dlt, DeviceBuffer out,
                                   int rows, int cols) {
        int n = rows * cols;
        if (a.dtype().isHalf()) {
            activationBackwardHalves(gradFromOutput, (CpuBuffer) a, (CpuBuffer) dlt, (CpuBuffer) out, n);
            return;
        }
        if (isFloat(a)) {
            float[] as = f(a), ds = f(dlt), os = f(out);
            parallel.forRange(n, MIN_CHUNK, (from, to) -> fk.activationBackward(gradFromOutput, as, ds, os, from, to));
        } else {
            double[] as = d(a), ds = d(dlt), os = d(out);
            parallel.forRange(n, MIN_CHUNK, (from, to) -> dk.activationBackward(gradFromOutput, as, ds, os, from, to));
        }
    }

    @Override
    public void backpropDelta(UnaryOp gradFromOutput, DeviceBuffer delta, DeviceBuffer w, DeviceBuffer aPrev,
                              DeviceBuffer out, int rows, int nOut, int nIn) {
        gemm(false, true, rows, nIn, nOut, 1.0, delta, w, 0.0, out);
        activationBackward(gradFromOutput, aPrev, out, out, rows, nIn);
    }

    @Override
    public void lossAndDelta(BinaryOp lossTerm, UnaryOp outputGrad, DeviceBuffer f, DeviceBuffer t,
                             DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        int len = rows * cols;
        double invN = rows == 0 ? 0 : 1.0 / rows;
        int chunks = sumChunks(len);
        double[] partial = new double[chunks];
        boolean isF = isFloat(f);
        parallel.forEach(chunks, c -> {
            int from = c * MIN_CHUNK;
            int to = Math.min(len, from + MIN_CHUNK);
            partial[c] = isF
                    ? fk.lossAndDelta(lossTerm, outputGrad, f(f), f(t), f(delta), (float) invN, from, to)
                    : dk.lossAndDelta(lossTerm, outputGrad, d(f), d(t), d(delta), invN, from, to);
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        if (isF) {
            f(loss)[0] = (float) (total * invN);
        } else {
            d(loss)[0] = total * invN;
        }
    }

    /**
     * CROSS_ENTROPY on float32 or float64 in one pass per row: the row's max, Σ e^(z − m), its log and the terms
     * t·((z − m) − ln Σ), then δ = (f − t)/N (the kernels' crossEntropyAndDelta). Row chunks depend on cols only, and
     * their sums are added in chunk order, so the loss does not depend on the thread count. BINARY_CROSS_ENTROPY and
     * the 16-bit dtypes take the composition of {@link ComputeBackend#logitLossAndDelta}.
     */
    @Override
    public void logitLossAndDelta(BinaryOp lossTerm, DeviceBuffer z, DeviceBuffer f, DeviceBuffer t,
                                  DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        boolean floats = isFloat(z) && isFloat(f) && isFloat(t) && isFloat(delta) && isFloat(loss);
        boolean doubles = isDouble(z) && isDouble(f) && isDouble(t) && isDouble(delta) && isDouble(loss);
        if (lossTerm != BinaryOp.CROSS_ENTROPY || !(floats || doubles) || rows == 0) {
            ComputeBackend.super.logitLossAndDelta(lossTerm, z, f, t, delta, loss, rows, cols);
            return;
        }
        double invN = 1.0 / rows;
        int rowChunk = rowsPerChunk(cols);
        int chunks = (rows + rowChunk - 1) / rowChunk;
        double total;
        if (chunks == 1) {                                   // a batch of outputs: no job, no partial sums
            total = floats
                    ? fk.crossEntropyAndDelta(f(z), f(f), f(t), f(delta), (float) invN, cols, 0, rows)
                    : dk.crossEntropyAndDelta(d(z), d(f), d(t), d(delta), invN, cols, 0, rows);
        } else {
            double[] partial = new double[chunks];
            parallel.forEach(chunks, c -> {
                int r0 = c * rowChunk;
                int r1 = Math.min(rows, r0 + rowChunk);
                partial[c] = floats
                        ? fk.crossEntropyAndDelta(f(z), f(f), f(t), f(delta), (float) invN, cols, r0, r1)
                        : dk.crossEntropyAndDelta(d(z), d(f), d(t), d(delta), invN, cols, r0, r1);
            });
            total = 0;
            for (double p : partial) {
                total += p;
            }
        }
        if (floats) {
            f(loss)[0] = (float) (total * invN);
        } else {
            d(loss)[0] = total * invN;
        }
    }

    @Override
    public void sgdStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer velocity, int rows, int cols, double lr,
                        double momentum, double weightDecay) {
        int n = rows * cols;
        if (isFloat(w)) {
            float[] ws = f(w), gs = f(g), vs = velocity == null ? null : f(velocity);
            float lrf = (float) lr, mu = (float) momentum, wd = (float) weightDecay;
            parallel.forRange(n, MIN_CHUNK, (from, to) -> fk.sgdStep(ws, gs, vs, lrf, mu, wd, from, to));
        } else {
            double[] ws = d(w), gs = d(g), vs = velocity == null ? null : d(velocity);
            parallel.forRange(n, MIN_CHUNK, (from, to) -> dk.sgdStep(ws, gs, vs, lr, momentum, weightDecay, from, to));
        }
    }

    @Override
    public void adamStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, int rows, int cols,
                         double lr, double beta1, double beta2, double epsilon, double weightDecay, long step) {
        int n = rows * cols;
        double invC1 = 1.0 / (1.0 - Math.pow(beta1, step));
        double invC2 = 1.0 / (1.0 - Math.pow(beta2, step));
        if (isFloat(w)) {
            float[] ws = f(w), gs = f(g), ms = f(m), vs = f(v);
            float lrf = (float) lr, b1 = (float) beta1, b2 = (float) beta2, eps = (float) epsilon;
            float wd = (float) weightDecay, c1 = (float) invC1, c2 = (float) invC2;
            parallel.forRange(n, MIN_CHUNK, (from, to) -> fk.adamStep(ws, gs, ms, vs, lrf, b1, b2, eps, wd, c1, c2,
                    from, to));
        } else {
            double[] ws = d(w), gs = d(g), ms = d(m), vs = d(v);
            parallel.forRange(n, MIN_CHUNK, (from, to) -> dk.adamStep(ws, gs, ms, vs, lr, beta1, beta2, epsilon,
                    weightDecay, invC1, invC2, from, to));
        }
    }

    @Override
    public void close() {
        parallel.close();
        pool.close();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    private static int rowsPerChunk(int cols) {
        return Math.max(1, MIN_CHUNK / Math.max(1, cols));
    }

    private static boolean isFloat(DeviceBuffer b) {
        return ((CpuBuffer) b).f != null;
    }

    private static boolean isDouble(DeviceBuffer b) {
        return ((CpuBuffer) b).d != null;
    }

    private static float[] f(DeviceBuffer b) {
        return ((CpuBuffer) b).f;
    }

    private static double[] d(DeviceBuffer b) {
        return ((CpuBuffer) b).d;
    }

    private static int[] ints(DeviceBuffer b) {
        return ((CpuBuffer) b).i;
    }

    // ---- indexing and masks: plain loops shared by both paths (FloatIndexKernels, RowCopies, Casts) -----------------

    @Override
    public void copyStrided(DeviceBuffer src, long srcOffset, long srcRowStride, long srcColStride,
                            DeviceBuffer dst, long dstOffset, long dstRowStride, int rows, int cols) {
        CpuBuffer s = (CpuBuffer) src;
        CpuBuffer t = (CpuBuffer) dst;
        parallel.forRange(rows, rowsPerChunk(cols), (r0, r1) -> RowCopies.copyStrided(s, srcOffset, srcRowStride,
                srcColStride, t, dstOffset, dstRowStride, cols, r0, r1));
    }

    @Override
    public void cast(DeviceBuffer src, DeviceBuffer dst, long n) {
        parallel.forRange((int) n, MIN_CHUNK, Casts.of((CpuBuffer) src, (CpuBuffer) dst));
    }

    @Override
    public void gatherRows(DeviceBuffer src, int srcRows, int cols, DeviceBuffer indices, int n, DeviceBuffer dst) {
        CpuBuffer s = (CpuBuffer) src;
        CpuBuffer t = (CpuBuffer) dst;
        int[] idx = ints(indices);
        parallel.forRange(n, rowsPerChunk(cols), (r0, r1) -> RowCopies.gatherRows(s, cols, idx, t, r0, r1));
    }

    /** Split by columns: each thread adds every source row into its columns, in increasing row order. */
    @Override
    public void scatterAddRows(DeviceBuffer src, DeviceBuffer indices, int n, int cols, DeviceBuffer dst,
                               int dstRows) {
        int[] idx = ints(indices);
        int colChunk = Math.max(64, (int) Math.min(Integer.MAX_VALUE, (long) MIN_CHUNK / Math.max(1, n)));
        if (isFloat(src)) {
            float[] ss = f(src), ds = f(dst);
            parallel.forRange(cols, colChunk, (c0, c1) -> FloatIndexKernels.scatterAddRows(ss, idx, n, cols, ds, c0,
                    c1));
        } else {
            double[] ss = d(src), ds = d(dst);
            parallel.forRange(cols, colChunk, (c0, c1) -> DoubleIndexKernels.scatterAddRows(ss, idx, n, cols, ds, c0,
                    c1));
        }
    }

    @Override
    public void argmaxRows(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        int[] os = ints(out);
        if (isFloat(x)) {
            float[] xs = f(x);
            parallel.forRange(rows, rowsPerChunk(cols), (r0, r1) -> FloatIndexKernels.argmaxRows(xs, cols, os, r0, r1));
        } else {
            double[] xs = d(x);
            parallel.forRange(rows, rowsPerChunk(cols), (r0, r1) -> DoubleIndexKernels.argmaxRows(xs, cols, os, r0, r1));
        }
    }

    @Override
    public void oneHot(DeviceBuffer labels, int n, int classes, DeviceBuffer out) {
        int[] ls = ints(labels);
        if (isFloat(out)) {
            float[] os = f(out);
            parallel.forRange(n, rowsPerChunk(classes), (r0, r1) -> FloatIndexKernels.oneHot(ls, classes, os, r0, r1));
        } else {
            double[] os = d(out);
            parallel.forRange(n, rowsPerChunk(classes), (r0, r1) -> DoubleIndexKernels.oneHot(ls, classes, os, r0, r1));
        }
    }

    /**
     * Row by row; each row is one {@code compare(a row, b row or b[r])} run: NONE and ROW walk b (step 1), COLUMN
     * repeats b[r] (step 0). NONE is one elementwise run, split by elements.
     */
    @Override
    public void compare(CompareOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out,
                        int rows, int cols) {
        CpuBuffer as = (CpuBuffer) a;
        CpuBuffer bs = (CpuBuffer) b;
        int[] os = ints(out);
        if (broadcast == Broadcast.NONE) {
            parallel.forRange(rows * cols, MIN_CHUNK, (from, to) -> compareRun(op, as, from, bs, from, 1, os, from,
                    to - from));
            return;
        }
        boolean column = broadcast == Broadcast.COLUMN;
        parallel.forRange(rows, rowsPerChunk(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                compareRun(op, as, r * cols, bs, column ? r : 0, column ? 0 : 1, os, r * cols, cols);
            }
        });
    }

    /** out[o + j] = a[ia + j] op b[ib + j·bStep] ? 1 : 0 for j in [0, len), on a's and b's dtype. */
    private static void compareRun(CompareOp op, CpuBuffer a, int ia, CpuBuffer b, int ib, int bStep, int[] out,
                                   int o, int len) {
        if (a.f != null) {
            FloatIndexKernels.compare(op, a.f, ia, b.f, ib, bStep, out, o, len);
        } else if (a.d != null) {
            DoubleIndexKernels.compare(op, a.d, ia, b.d, ib, bStep, out, o, len);
        } else {
            IntIndexKernels.compare(op, a.i, ia, b.i, ib, bStep, out, o, len);
        }
    }

    @Override
    public void where(DeviceBuffer mask, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
        int[] ms = ints(mask);
        if (isFloat(a)) {
            float[] as = f(a), bs = f(b), os = f(out);
            parallel.forRange((int) n, MIN_CHUNK, (from, to) -> FloatIndexKernels.where(ms, as, bs, os, from, to));
        } else {
            double[] as = d(a), bs = d(b), os = d(out);
            parallel.forRange((int) n, MIN_CHUNK, (from, to) -> DoubleIndexKernels.where(ms, as, bs, os, from, to));
        }
    }
}
