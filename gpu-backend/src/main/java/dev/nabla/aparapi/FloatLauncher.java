package dev.nabla.aparapi;

import com.aparapi.Range;
import dev.nabla.BackendClosedException;
import dev.nabla.DType;
import dev.nabla.DeviceOutOfMemoryException;

import java.util.function.Supplier;

/**
 * TEMPLATE: the build derives DoubleLauncher.java from this file (float → double, Float → Double); edit this one.
 *
 * <p>Host side of {@link FloatKernel}. Tensors are ranges of one arena array bound to the kernel in explicit mode, so
 * the device copy stays resident: the only transfers are {@link #write}/{@link #read} (through a staging window) and
 * the round trip of an arena growth. Each op sets the kernel's parameter fields and runs verified launches through
 * the {@link ExecutionGuard}; the lock of this launcher makes "set fields, execute" atomic.
 *
 * <p>Why a whole arena and staging windows: Aparapi keeps one device buffer per array field of one Kernel instance,
 * and re-creates it from the Java array whenever the field points at another array, and its put/get move whole
 * arrays. A field per tensor is impossible (fields are fixed) and swapping arrays would copy on every op.
 *
 * <p>INT32 tensors (indices, labels, masks) live in a second arena, the kernel's int array {@code ints}, with its own
 * {@link Arena} and staging windows, so that one launch can read indices and write floats (gatherRows, oneHot, where)
 * or read floats and write ints (compare, argmaxRows, casts). The INT32 arena starts as a placeholder of
 * {@link Geometry#ALIGN} elements and is grown to the minimum arena size by the first INT32 allocation: a program
 * without INT32 tensors pays nothing, and the array is never small while it holds a tensor (see HostMirrorSafety).
 *
 * <p>BFLOAT16 and FLOAT16 tensors live in a third arena, the kernel's char array {@code halves} (16-bit patterns, 2
 * bytes each), grown the same way, and move to and from the host through the INT32 windows, two patterns per int.
 * Only the FLOAT32 launcher holds them (gemm and the fused activations read them beside the float arena in one
 * launch); the derived double launcher keeps the placeholder.
 */
@SuppressWarnings("cast") // the casts to float are redundant in the derived double twin, not here
final class FloatLauncher implements Launcher {
    private static final int BYTES = Float.BYTES;
    private static final int INT_BYTES = Integer.BYTES;
    private static final int HALF_BYTES = Character.BYTES;

    private final DType dtype;
    private final ExecutionGuard guard;
    private final TransferCounters counters;
    private final FloatKernel kernel;
    private final float[][] stages;
    private final Arena arena;
    /** Largest arena in elements: the device's largest buffer, and the largest Java array. */
    private final int maxCapacity;
    private final int[][] intStages;
    /** The INT32 arena's allocator (no reserved scratch). */
    private final Arena intArena;
    private final int maxIntCapacity;
    /** The INT32 arena's size once it holds a tensor: the minimum arena size, so the GC never moves it. */
    private final int minIntCapacity;
    /** The 16-bit arena's allocator (no reserved scratch), its largest and its smallest size once it holds a tensor. */
    private final Arena halfArena;
    private final int maxHalfCapacity;
    private final int minHalfCapacity;
    private boolean closed;

    /** Compiles the kernel on the guard's device (or throws), allocates the arena and binds every buffer. */
    FloatLauncher(DType dtype, ExecutionGuard guard, TransferCounters counters, long maxBufferBytes,
                  long minArenaBytes) {
        this.dtype = dtype;
        this.guard = guard;
        this.counters = counters;
        long cap = Math.min(maxBufferBytes / BYTES, Geometry.MAX_ARRAY);
        this.maxCapacity = (int) (cap / Geometry.ALIGN * Geometry.ALIGN);
        if (maxCapacity < Geometry.SCRATCH + Geometry.ALIGN) {
            throw new DeviceOutOfMemoryException("aparapi: " + guard.label() + " allows buffers of " + maxBufferBytes
                    + " bytes, too small for an arena of " + dtype);
        }
        long wanted = (minArenaBytes / BYTES + Geometry.ALIGN - 1) / Geometry.ALIGN * Geometry.ALIGN;
        int initial = (int) Math.min(maxCapacity, wanted);
        this.stages = new float[Geometry.STAGE_TIERS.length][];
        for (int t = 0; t < stages.length; t++) {
            stages[t] = new float[Geometry.STAGE_TIERS[t]];
        }
        this.maxIntCapacity = (int) (Math.min(maxBufferBytes / INT_BYTES, Geometry.MAX_ARRAY) / Geometry.ALIGN
                * Geometry.ALIGN);
        this.minIntCapacity = (int) Math.min(maxIntCapacity,
                (minArenaBytes / INT_BYTES + Geometry.ALIGN - 1) / Geometry.ALIGN * Geometry.ALIGN);
        this.maxHalfCapacity = (int) (Math.min(maxBufferBytes / HALF_BYTES, Geometry.MAX_ARRAY) / Geometry.ALIGN
                * Geometry.ALIGN);
        this.minHalfCapacity = (int) Math.min(maxHalfCapacity,
                (minArenaBytes / HALF_BYTES + Geometry.ALIGN - 1) / Geometry.ALIGN * Geometry.ALIGN);
        this.intStages = new int[Geometry.STAGE_TIERS.length][];
        for (int t = 0; t < intStages.length; t++) {
            intStages[t] = new int[Geometry.STAGE_TIERS[t]];
        }
        this.kernel = new FloatKernel(new float[initial], stages, new int[Geometry.ALIGN], intStages,
                Float.NEGATIVE_INFINITY);
        kernel.setExplicit(true);
        guard.prepare(kernel);
        this.arena = new Arena(initial, Geometry.SCRATCH, Geometry.ALIGN);
        this.intArena = new Arena(Geometry.ALIGN, 0, Geometry.ALIGN);
        this.halfArena = new Arena(Geometry.ALIGN, 0, Geometry.ALIGN);
        long bound = (long) initial * BYTES + (long) Geometry.ALIGN * INT_BYTES + (long) Geometry.ALIGN * HALF_BYTES
                + 141L * BYTES;
        for (int t = 0; t < stages.length; t++) {
            bound += (long) stages[t].length * BYTES + (long) intStages[t].length * INT_BYTES;
        }
        try {
            nothing("bind the arenas and staging windows of " + dtype);
        } catch (RuntimeException e) {
            kernel.dispose();
            guard.release(kernel);
            throw e;
        }
        countCreatedBytes(4 + stages.length + intStages.length, bound);
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long maxElements() {
        return maxCapacity - Geometry.SCRATCH;
    }

    @Override
    public long maxIntElements() {
        return maxIntCapacity;
    }

    // ---- memory ------------------------------------------------------------------------------------------------------

    @Override
    public synchronized AparapiBuffer allocate(int length) {
        ensureOpen("allocate");
        if (length == 0) {
            return new AparapiBuffer(this, false, 0, 0);
        }
        int at = arena.allocate(length);
        if (at < 0) {
            grow(length);
            at = arena.allocate(length);
        }
        if (at < 0) {
            throw new DeviceOutOfMemoryException("allocate: " + length + " " + dtype + " elements do not fit in the "
                    + "arena of " + arena.capacity() + " elements (" + arena.used() + " in use, largest free range "
                    + arena.largestFree() + ", device limit " + maxCapacity + ") on " + guard.label() + " [aparapi]");
        }
        return new AparapiBuffer(this, false, at, length);
    }

    /**
     * Enlarges the arena to at least twice its size (or enough for {@code length} more elements): the device arena is
     * read back into the host array, copied into a larger one, and the larger one is bound (Aparapi creates its
     * device buffer from it). Offsets stay valid.
     */
    private void grow(int length) {
        int old = arena.capacity();
        long wanted = Math.max(2L * old, old + arena.footprint(length));
        int target = (int) Math.min(maxCapacity, wanted);
        if (target <= old) {
            return;
        }
        float[] bigger;
        try {
            bigger = new float[target];
        } catch (OutOfMemoryError e) {
            throw new DeviceOutOfMemoryException("allocate: no Java heap for the host side of a " + target + "-element "
                    + dtype + " arena (Aparapi needs a Java array as large as every device buffer) [aparapi]", e);
        }
        kernel.get(kernel.arena);
        if (guard.onOpenCL()) {
            counters.deviceToHostBytes.addAndGet((long) old * BYTES);
        }
        System.arraycopy(kernel.arena, 0, bigger, 0, old);
        kernel.arena = bigger;
        nothing("bind a " + target + "-element arena");
        arena.grow(target);
        countCreated(1, target);
        counters.arenaGrowths.incrementAndGet();
    }

    @Override
    public synchronized AparapiBuffer allocateInts(int length) {
        ensureOpen("allocate");
        if (length == 0) {
            return new AparapiBuffer(this, true, 0, 0);
        }
        int at = intArena.capacity() < minIntCapacity ? -1 : intArena.allocate(length);
        if (at < 0) {
            growInts(length);
            at = intArena.allocate(length);
        }
        if (at < 0) {
            throw new DeviceOutOfMemoryException("allocate: " + length + " INT32 elements do not fit in the INT32 "
                    + "arena of " + intArena.capacity() + " elements (" + intArena.used() + " in use, largest free "
                    + "range " + intArena.largestFree() + ", device limit " + maxIntCapacity + ") on " + guard.label()
                    + " [aparapi]");
        }
        return new AparapiBuffer(this, true, at, length);
    }

    /**
     * Enlarges the INT32 arena as {@link #grow} does the other, and to at least the minimum arena size (the first
     * INT32 allocation replaces the placeholder).
     */
    private void growInts(int length) {
        int old = intArena.capacity();
        long wanted = Math.max(minIntCapacity, Math.max(2L * old, old + intArena.footprint(length)));
        int target = (int) Math.min(maxIntCapacity, wanted);
        if (target <= old) {
            return;
        }
        int[] bigger;
        try {
            bigger = new int[target];
        } catch (OutOfMemoryError e) {
            throw new DeviceOutOfMemoryException("allocate: no Java heap for the host side of a " + target
                    + "-element INT32 arena (Aparapi needs a Java array as large as every device buffer) [aparapi]", e);
        }
        kernel.get(kernel.ints);
        if (guard.onOpenCL()) {
            counters.deviceToHostBytes.addAndGet((long) old * INT_BYTES);
        }
        System.arraycopy(kernel.ints, 0, bigger, 0, old);
        kernel.ints = bigger;
        nothing("bind a " + target + "-element INT32 arena");
        intArena.grow(target);
        countCreatedBytes(1, (long) target * INT_BYTES);
        counters.arenaGrowths.incrementAndGet();
    }

    /** The most elements one BFLOAT16 or FLOAT16 tensor may have here. */
    long maxHalfElements() {
        return maxHalfCapacity;
    }

    /** A BFLOAT16 or FLOAT16 tensor range of {@code length} ≥ 0 elements in the 16-bit arena, growing it if needed. */
    synchronized AparapiBuffer allocateHalves(DType half, int length) {
        ensureOpen("allocate");
        if (length == 0) {
            return new AparapiBuffer(this, half, 0, 0);
        }
        int at = halfArena.capacity() < minHalfCapacity ? -1 : halfArena.allocate(length);
        if (at < 0) {
            growHalves(length);
            at = halfArena.allocate(length);
        }
        if (at < 0) {
            throw new DeviceOutOfMemoryException("allocate: " + length + " " + half + " elements do not fit in the "
                    + "16-bit arena of " + halfArena.capacity() + " elements (" + halfArena.used() + " in use, largest "
                    + "free range " + halfArena.largestFree() + ", device limit " + maxHalfCapacity + ") on "
                    + guard.label() + " [aparapi]");
        }
        return new AparapiBuffer(this, half, at, length);
    }

    /** Enlarges the 16-bit arena as {@link #growInts} does the INT32 one. */
    private void growHalves(int length) {
        int old = halfArena.capacity();
        long wanted = Math.max(minHalfCapacity, Math.max(2L * old, old + halfArena.footprint(length)));
        int target = (int) Math.min(maxHalfCapacity, wanted);
        if (target <= old) {
            return;
        }
        char[] bigger;
        try {
            bigger = new char[target];
        } catch (OutOfMemoryError e) {
            throw new DeviceOutOfMemoryException("allocate: no Java heap for the host side of a " + target
                    + "-element 16-bit arena (Aparapi needs a Java array as large as every device buffer) [aparapi]", e);
        }
        kernel.get(kernel.halves);
        if (guard.onOpenCL()) {
            counters.deviceToHostBytes.addAndGet((long) old * HALF_BYTES);
        }
        System.arraycopy(kernel.halves, 0, bigger, 0, old);
        kernel.halves = bigger;
        nothing("bind a " + target + "-element 16-bit arena");
        halfArena.grow(target);
        countCreatedBytes(1, (long) target * HALF_BYTES);
        counters.arenaGrowths.incrementAndGet();
    }

    @Override
    public synchronized void release(AparapiBuffer buffer) {
        if (closed || buffer.size() == 0) {
            return;
        }
        (buffer.ints ? intArena : buffer.halves ? halfArena : arena).free(buffer.offset, buffer.size());
    }

    /** dst ← src through the staging windows: one put and one launch per window. */
    synchronized void write(AparapiBuffer dst, float[] src) {
        ensureOpen("write");
        int len = src.length;
        for (int done = 0; done < len; ) {
            int t = tier(len - done);
            int chunk = Math.min(len - done, Geometry.STAGE_TIERS[t]);
            float[] window = stages[t];
            System.arraycopy(src, done, window, 0, chunk);
            kernel.put(window);
            if (guard.onOpenCL()) {
                counters.hostToDeviceBytes.addAndGet((long) window.length * BYTES);
            }
            set(Op.FROM_STAGE, chunk);
            kernel.stage = t;
            kernel.offA = dst.offset + done;
            launch1D(chunk, () -> "write: " + len + " " + dtype + " elements from the host");
            done += chunk;
        }
    }

    /** dst ← src through the staging windows: one launch and one get per window. */
    synchronized void read(AparapiBuffer src, float[] dst) {
        ensureOpen("read");
        int len = dst.length;
        for (int done = 0; done < len; ) {
            int t = tier(len - done);
            int chunk = Math.min(len - done, Geometry.STAGE_TIERS[t]);
            float[] window = stages[t];
            set(Op.TO_STAGE, chunk);
            kernel.stage = t;
            kernel.offA = src.offset + done;
            launch1D(chunk, () -> "read: " + len + " " + dtype + " elements to the host");
            kernel.get(window);
            if (guard.onOpenCL()) {
                counters.deviceToHostBytes.addAndGet((long) window.length * BYTES);
            }
            System.arraycopy(window, 0, dst, done, chunk);
            done += chunk;
        }
    }

    /** INT32 dst ← src through the INT32 staging windows: one put and one launch per window. */
    @Override
    public synchronized void writeInts(AparapiBuffer dst, int[] src) {
        ensureOpen("write");
        int len = src.length;
        for (int done = 0; done < len; ) {
            int t = tier(len - done);
            int chunk = Math.min(len - done, Geometry.STAGE_TIERS[t]);
            int[] window = intStages[t];
            System.arraycopy(src, done, window, 0, chunk);
            kernel.put(window);
            if (guard.onOpenCL()) {
                counters.hostToDeviceBytes.addAndGet((long) window.length * INT_BYTES);
            }
            set(Op.I_FROM_STAGE, chunk);
            kernel.stage = t;
            kernel.offA = dst.offset + done;
            launch1D(chunk, () -> "write: " + len + " INT32 elements from the host");
            done += chunk;
        }
    }

    /** dst ← INT32 src through the INT32 staging windows: one launch and one get per window. */
    @Override
    public synchronized void readInts(AparapiBuffer src, int[] dst) {
        ensureOpen("read");
        int len = dst.length;
        for (int done = 0; done < len; ) {
            int t = tier(len - done);
            int chunk = Math.min(len - done, Geometry.STAGE_TIERS[t]);
            int[] window = intStages[t];
            set(Op.I_TO_STAGE, chunk);
            kernel.stage = t;
            kernel.offA = src.offset + done;
            launch1D(chunk, () -> "read: " + len + " INT32 elements to the host");
            kernel.get(window);
            if (guard.onOpenCL()) {
                counters.deviceToHostBytes.addAndGet((long) window.length * INT_BYTES);
            }
            System.arraycopy(window, 0, dst, done, chunk);
            done += chunk;
        }
    }

    /**
     * 16-bit dst ← the patterns src through the INT32 staging windows, two per int (low half first): one put and one
     * launch per window.
     */
    synchronized void writeHalves(AparapiBuffer dst, short[] src) {
        ensureOpen("write");
        int len = src.length;
        for (int done = 0; done < len; ) {
            int t = tier((len - done + 1) / 2);
            int chunk = Math.min(len - done, 2 * Geometry.STAGE_TIERS[t]);
            int[] window = intStages[t];
            for (int p = 0; 2 * p < chunk; p++) {
                int low = src[done + 2 * p] & 0xffff;
                int high = 2 * p + 1 < chunk ? src[done + 2 * p + 1] & 0xffff : 0;
                window[p] = low | high << 16;
            }
            kernel.put(window);
            if (guard.onOpenCL()) {
                counters.hostToDeviceBytes.addAndGet((long) window.length * INT_BYTES);
            }
            set(Op.H_FROM_STAGE, chunk);
            kernel.stage = t;
            kernel.offA = dst.offset + done;
            launch1D(chunk, () -> "write: " + len + " " + dst.dtype() + " elements from the host");
            done += chunk;
        }
    }

    /** The patterns dst ← 16-bit src through the INT32 staging windows, two per int: one launch and one get each. */
    synchronized void readHalves(AparapiBuffer src, short[] dst) {
        ensureOpen("read");
        int len = dst.length;
        for (int done = 0; done < len; ) {
            int t = tier((len - done + 1) / 2);
            int chunk = Math.min(len - done, 2 * Geometry.STAGE_TIERS[t]);
            int[] window = intStages[t];
            set(Op.H_TO_STAGE, chunk);
            kernel.stage = t;
            kernel.offA = src.offset + done;
            launch1D((chunk + 1) / 2, () -> "read: " + len + " " + src.dtype() + " elements to the host");
            kernel.get(window);
            if (guard.onOpenCL()) {
                counters.deviceToHostBytes.addAndGet((long) window.length * INT_BYTES);
            }
            for (int i = 0; i < chunk; i++) {
                dst[done + i] = (short) (window[i >> 1] >>> ((i & 1) * 16));
            }
            done += chunk;
        }
    }

    /** The smallest staging tier holding {@code remaining} elements, else the largest. */
    private static int tier(int remaining) {
        for (int t = 0; t < Geometry.STAGE_TIERS.length; t++) {
            if (Geometry.STAGE_TIERS[t] >= remaining) {
                return t;
            }
        }
        return Geometry.STAGE_TIERS.length - 1;
    }

    @Override
    public synchronized void copy(AparapiBuffer src, AparapiBuffer dst, int n) {
        if (n == 0) {
            return;
        }
        set(dst.ints ? Op.I_COPY : dst.halves ? Op.H_COPY : Op.COPY, n);
        kernel.offA = src.offset;
        kernel.offB = dst.offset;
        launch1D(n, () -> "copy: " + n + " " + dst.dtype() + " elements");
    }

    @Override
    public synchronized void fill(AparapiBuffer dst, int n, double value) {
        if (n == 0) {
            return;
        }
        set(dst.ints ? Op.I_FILL : dst.halves ? Op.H_FILL : Op.FILL, n);
        kernel.offA = dst.offset;
        kernel.p0 = (float) value;
        kernel.ip0 = (int) value;                    // INT32: core passes only integers in the int range; 16-bit:
                                                     // the pattern (fillHalves)
        launch1D(n, () -> "fill: " + n + " " + dst.dtype() + " elements with " + value);
    }

    // ---- primitives --------------------------------------------------------------------------------------------------

    @Override
    public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, AparapiBuffer a,
                                  AparapiBuffer b, double beta, AparapiBuffer c, int gradCode, AparapiBuffer e) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {          // C = β·C (⊙ g'(E)); A and B are not read (BLAS), so 0·∞ makes no NaN
            if (beta == 0) {
                fill(c, m * n, 0);
            } else {
                unary(Op.U_SCALE, beta, c, c, m * n);
                if (gradCode >= 0) {
                    activationBackward(gradCode, e, c, c, m, n);
                }
            }
            return;
        }
        set(Op.GEMM, 0);
        kernel.transA = transA ? 1 : 0;
        kernel.transB = transB ? 1 : 0;
        kernel.m = m;
        kernel.cols = n;
        kernel.k = k;
        kernel.offA = a.offset;
        kernel.offB = b.offset;
        kernel.offC = c.offset;
        kernel.alpha = (float) alpha;
        kernel.beta = (float) beta;
        kernel.flag = gradCode >= 0 ? 1 : 0;
        kernel.code = Math.max(gradCode, 0);
        kernel.offE = e == null ? 0 : e.offset;
        Range r = guard.range2D(groups(n, Geometry.TS) * Geometry.GEMM_LOCAL, groups(m, Geometry.TS) * Geometry.GEMM_LOCAL,
                Geometry.GEMM_LOCAL, Geometry.GEMM_LOCAL);
        guard.launch(kernel, r, () -> "gemm: " + (transA ? "(" + k + "×" + m + ")ᵀ" : "(" + m + "×" + k + ")") + " · "
                + (transB ? "(" + n + "×" + k + ")ᵀ" : "(" + k + "×" + n + ")") + " → " + m + "×" + n + ", α=" + alpha
                + ", β=" + beta + (gradCode >= 0 ? ", ⊙ " + Op.unaryName(gradCode) + "(E)" : "") + " " + dtype);
    }

    @Override
    public synchronized void unary(int code, double param, AparapiBuffer x, AparapiBuffer out, int n) {
        if (n == 0) {
            return;
        }
        set(Op.UNARY, n);
        kernel.code = code;
        kernel.p0 = (float) param;
        kernel.offA = x.offset;
        kernel.offB = out.offset;
        launch1D(n, () -> "unary(" + Op.unaryName(code) + "): " + n + " " + dtype + " elements");
    }

    @Override
    public synchronized void binary(int code, AparapiBuffer a, AparapiBuffer b, int broadcast, AparapiBuffer out,
                                    int rows, int cols) {
        int n = rows * cols;
        if (n == 0) {
            return;
        }
        set(Op.BINARY, n);
        kernel.code = code;
        kernel.broadcast = broadcast;
        kernel.rows = rows;
        kernel.cols = cols;
        kernel.offA = a.offset;
        kernel.offB = b.offset;
        kernel.offC = out.offset;
        launch1D(n, () -> "binary(" + Op.binaryName(code) + ", " + Op.broadcastName(broadcast) + "): " + rows + "×" + cols + " " + dtype);
    }

    @Override
    public synchronized void axpy(double alpha, AparapiBuffer x, AparapiBuffer y, int n) {
        if (n == 0) {
            return;
        }
        set(Op.AXPY, n);
        kernel.alpha = (float) alpha;
        kernel.offA = x.offset;
        kernel.offB = y.offset;
        launch1D(n, () -> "axpy: " + n + " " + dtype + " elements, α=" + alpha);
    }

    @Override
    public synchronized void sumColumns(AparapiBuffer x, int rows, int cols, AparapiBuffer out) {
        if (cols == 0) {
            return;
        }
        set(Op.SUM_COLUMNS, 0);
        kernel.halfIn = x.halves ? 1 : 0;               // a 16-bit x (in the 16-bit arena) sums into a float out
        kernel.halfType = x.halves ? halfCode(x) : 0;
        kernel.rows = rows;
        kernel.cols = cols;
        kernel.offA = x.offset;
        kernel.offB = out.offset;
        int lanes = Geometry.WG / Geometry.COL_GROUP;
        Range r = guard.range2D(groups(cols, Geometry.COL_GROUP) * Geometry.COL_GROUP, lanes, Geometry.COL_GROUP, lanes);
        guard.launch(kernel, r, () -> "sumColumns: " + rows + "×" + cols + " " + x.dtype() + " into " + dtype);
    }

    @Override
    public synchronized void reduceRows(int code, AparapiBuffer x, int rows, int cols, AparapiBuffer out) {
        if (rows == 0) {
            return;
        }
        set(Op.REDUCE_ROWS, 0);
        kernel.code = code;
        kernel.rows = rows;
        kernel.cols = cols;
        kernel.offA = x.offset;
        kernel.offB = out.offset;
        launchRows(rows, () -> "reduceRows(" + Op.reductionName(code) + "): " + rows + "×" + cols + " " + dtype);
    }

    @Override
    public synchronized void sumAll(AparapiBuffer x, int n, AparapiBuffer out) {
        set(Op.SUM_PARTIALS, n);
        kernel.offA = x.offset;
        int groups = Geometry.groupsFor(n);
        guard.launch(kernel, guard.range(groups * Geometry.WG, Geometry.WG), () -> "sumAll: " + n + " " + dtype + " elements");
        finishSum(groups, out, 1.0, () -> "sumAll: " + n + " " + dtype + " elements, final sum");
    }

    /** out[0] = scale · Σ of the {@code partials} stage-1 sums at the start of the arena. */
    private void finishSum(int partials, AparapiBuffer out, double scale, Supplier<String> what) {
        set(Op.FINISH_SUM, partials);
        kernel.offB = out.offset;
        kernel.p0 = (float) scale;
        guard.launch(kernel, guard.range(Geometry.WG, Geometry.WG), what);
    }

    // ---- fused ops -----------------------------------------------------------------------------------------------------

    @Override
    public synchronized void biasActivation(int code, AparapiBuffer z, AparapiBuffer bias, AparapiBuffer out, int rows,
                                            int cols) {
        int n = rows * cols;
        if (n == 0) {
            return;
        }
        set(out.halves ? Op.H_BIAS_ACTIVATION : Op.BIAS_ACTIVATION, n);
        kernel.halfType = halfCode(out);
        kernel.code = code;
        kernel.cols = cols;
        kernel.offA = z.offset;
        kernel.offB = bias.offset;
        kernel.offC = out.offset;
        launch1D(n, () -> "biasActivation(" + Op.unaryName(code) + "): " + rows + "×" + cols + " " + out.dtype());
    }

    @Override
    public synchronized void softmaxRows(AparapiBuffer x, AparapiBuffer out, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        set(Op.SOFTMAX_ROWS, 0);
        kernel.rows = rows;
        kernel.cols = cols;
        kernel.offA = x.offset;
        kernel.offB = out.offset;
        launchRows(rows, () -> "softmaxRows: " + rows + "×" + cols + " " + dtype);
    }

    @Override
    public synchronized void activationBackward(int gradCode, AparapiBuffer a, AparapiBuffer d, AparapiBuffer out,
                                                int rows, int cols) {
        int n = rows * cols;
        if (n == 0) {
            return;
        }
        set(out.halves ? Op.H_ACTIVATION_BACKWARD : Op.ACTIVATION_BACKWARD, n);
        kernel.halfType = halfCode(out);
        kernel.code = gradCode;
        kernel.offA = a.offset;
        kernel.offB = d.offset;
        kernel.offC = out.offset;
        launch1D(n, () -> "activationBackward(" + Op.unaryName(gradCode) + "): " + rows + "×" + cols + " "
                + out.dtype());
    }

    @Override
    public synchronized void lossAndDelta(int termCode, int gradCode, AparapiBuffer f, AparapiBuffer t,
                                          AparapiBuffer delta, AparapiBuffer loss, int n, double invN) {
        set(Op.LOSS_PARTIALS, n);
        kernel.code = termCode;
        kernel.code2 = gradCode;
        kernel.p0 = (float) invN;
        kernel.offA = f.offset;
        kernel.offB = t.offset;
        kernel.offC = delta.offset;
        int groups = Geometry.groupsFor(n);
        guard.launch(kernel, guard.range(groups * Geometry.WG, Geometry.WG),
                () -> "lossAndDelta(" + Op.binaryName(termCode) + ", " + Op.unaryName(gradCode) + "): " + n + " " + dtype + " elements");
        finishSum(groups, loss, invN, () -> "lossAndDelta: " + n + " " + dtype + " elements, the loss");
    }

    @Override
    public synchronized void sgdStep(AparapiBuffer w, AparapiBuffer g, AparapiBuffer velocity, int n, double lr,
                                     double momentum, double weightDecay) {
        if (n == 0) {
            return;
        }
        set(Op.SGD_STEP, n);
        kernel.offA = w.offset;
        kernel.offB = g.offset;
        kernel.offC = velocity == null ? 0 : velocity.offset;
        kernel.flag = velocity == null ? 0 : 1;
        kernel.p0 = (float) lr;
        kernel.p1 = (float) momentum;
        kernel.p2 = (float) weightDecay;
        launch1D(n, () -> "sgdStep: " + n + " " + dtype + " parameters");
    }

    @Override
    public synchronized void adamStep(AparapiBuffer w, AparapiBuffer g, AparapiBuffer m, AparapiBuffer v, int n,
                                      double lr, double beta1, double beta2, double epsilon, double weightDecay,
                                      double invC1, double invC2) {
        if (n == 0) {
            return;
        }
        set(Op.ADAM_STEP, n);
        kernel.offA = w.offset;
        kernel.offB = g.offset;
        kernel.offC = m.offset;
        kernel.offD = v.offset;
        kernel.p0 = (float) lr;
        kernel.p1 = (float) beta1;
        kernel.p2 = (float) beta2;
        kernel.p3 = (float) epsilon;
        kernel.p4 = (float) weightDecay;
        kernel.p5 = (float) invC1;
        kernel.p6 = (float) invC2;
        launch1D(n, () -> "adamStep: " + n + " " + dtype + " parameters");
    }

    // ---- indexing and masks (issue 13) ---------------------------------------------------------------------------------

    @Override
    public synchronized void copyStrided(AparapiBuffer src, int srcOffset, int srcRowStride, int srcColStride,
                                         AparapiBuffer dst, int dstOffset, int dstRowStride, int rows, int cols) {
        int n = rows * cols;
        if (n == 0) {
            return;
        }
        set(dst.ints ? Op.I_COPY_STRIDED : dst.halves ? Op.H_COPY_STRIDED : Op.COPY_STRIDED, n);
        kernel.cols = cols;
        kernel.offA = src.offset + srcOffset;
        kernel.offB = dst.offset + dstOffset;
        kernel.srcRowStride = srcRowStride;
        kernel.srcColStride = srcColStride;
        kernel.dstRowStride = dstRowStride;
        launch1D(n, () -> "copyStrided: " + rows + "×" + cols + " " + dst.dtype() + " from offset " + srcOffset
                + " strides (" + srcRowStride + ", " + srcColStride + ") to offset " + dstOffset + " row stride "
                + dstRowStride);
    }

    @Override
    public synchronized void castToInts(AparapiBuffer src, AparapiBuffer dst, int n) {
        if (n == 0) {
            return;
        }
        set(Op.CAST_TO_INT, n);
        kernel.offA = src.offset;
        kernel.offB = dst.offset;
        launch1D(n, () -> "cast: " + n + " " + dtype + " elements to INT32");
    }

    @Override
    public synchronized void castFromInts(AparapiBuffer src, AparapiBuffer dst, int n) {
        if (n == 0) {
            return;
        }
        set(Op.CAST_FROM_INT, n);
        kernel.offA = src.offset;
        kernel.offB = dst.offset;
        launch1D(n, () -> "cast: " + n + " INT32 elements to " + dtype);
    }

    @Override
    public synchronized void gatherRows(AparapiBuffer src, int srcRows, int cols, AparapiBuffer indices, int n,
                                        AparapiBuffer dst) {
        int total = n * cols;
        if (total == 0) {
            return;
        }
        set(dst.ints ? Op.I_GATHER_ROWS : dst.halves ? Op.H_GATHER_ROWS : Op.GATHER_ROWS, total);
        kernel.rows = srcRows;
        kernel.cols = cols;
        kernel.offA = src.offset;
        kernel.offB = indices.offset;
        kernel.offC = dst.offset;
        launch1D(total, () -> "gatherRows: " + n + " rows of a " + srcRows + "×" + cols + " " + dst.dtype());
    }

    @Override
    public synchronized void scatterAddRows(AparapiBuffer src, AparapiBuffer indices, int n, int cols,
                                            AparapiBuffer dst, int dstRows) {
        if (n == 0 || cols == 0) {
            return;
        }
        set(Op.SCATTER_ADD_ROWS, n);
        kernel.rows = dstRows;
        kernel.cols = cols;
        kernel.offA = src.offset;
        kernel.offB = indices.offset;
        kernel.offC = dst.offset;
        launch1D(cols, () -> "scatterAddRows: " + n + "×" + cols + " into " + dstRows + "×" + cols + " " + dtype);
    }

    @Override
    public synchronized void argmaxRows(AparapiBuffer x, int rows, int cols, AparapiBuffer out) {
        if (rows == 0) {
            return;
        }
        set(Op.ARGMAX_ROWS, 0);
        kernel.rows = rows;
        kernel.cols = cols;
        kernel.offA = x.offset;
        kernel.offB = out.offset;
        launchRows(rows, () -> "argmaxRows: " + rows + "×" + cols + " " + dtype);
    }

    @Override
    public synchronized void oneHot(AparapiBuffer labels, int n, int classes, AparapiBuffer out) {
        int total = n * classes;
        if (total == 0) {
            return;
        }
        set(Op.ONE_HOT, total);
        kernel.cols = classes;
        kernel.offA = labels.offset;
        kernel.offB = out.offset;
        launch1D(total, () -> "oneHot: " + n + " labels, " + classes + " classes, " + dtype);
    }

    @Override
    public synchronized void compare(int code, AparapiBuffer a, AparapiBuffer b, int broadcast, AparapiBuffer out,
                                     int rows, int cols) {
        int n = rows * cols;
        if (n == 0) {
            return;
        }
        set(a.ints ? Op.I_COMPARE : Op.COMPARE, n);
        kernel.code = code;
        kernel.broadcast = broadcast;
        kernel.rows = rows;
        kernel.cols = cols;
        kernel.offA = a.offset;
        kernel.offB = b.offset;
        kernel.offC = out.offset;
        launch1D(n, () -> "compare(" + Op.compareName(code) + ", " + Op.broadcastName(broadcast) + "): " + rows + "×"
                + cols + " " + a.dtype());
    }

    @Override
    public synchronized void where(AparapiBuffer mask, AparapiBuffer a, AparapiBuffer b, AparapiBuffer out, int n) {
        if (n == 0) {
            return;
        }
        set(Op.WHERE, n);
        kernel.offA = a.offset;
        kernel.offB = b.offset;
        kernel.offC = out.offset;
        kernel.offD = mask.offset;
        launch1D(n, () -> "where: " + n + " " + dtype + " elements");
    }

    // ---- BFLOAT16 and FLOAT16 (issue 16) -----------------------------------------------------------------------------

    /** The kernel's code (Op.HALF_BF16, Op.HALF_F16) of a 16-bit buffer's type; 0 for any other. */
    private static int halfCode(AparapiBuffer b) {
        return !b.halves ? 0 : b.dtype() == DType.BFLOAT16 ? Op.HALF_BF16 : Op.HALF_F16;
    }

    /** 16-bit dst[0, n) ← {@code bits}, a pattern of dst's type. */
    synchronized void fillHalves(AparapiBuffer dst, int n, short bits) {
        if (n == 0) {
            return;
        }
        set(Op.H_FILL, n);
        kernel.offA = dst.offset;
        kernel.ip0 = bits & 0xffff;
        launch1D(n, () -> "fill: " + n + " " + dst.dtype() + " elements with the pattern " + (bits & 0xffff));
    }

    /**
     * C = α·op(A)·op(B) + β·C with 16-bit A and B (one type) in one launch: float products and sums, C in this
     * launcher's arena or (16-bit, A's type) in the 16-bit arena, rounded once there. α = 0 or k = 0: β·C, A and B
     * unread.
     */
    synchronized void gemmHalves(boolean transA, boolean transB, int m, int n, int k, double alpha, AparapiBuffer a,
                                 AparapiBuffer b, double beta, AparapiBuffer c) {
        if (m == 0 || n == 0) {
            return;
        }
        set(Op.H_GEMM, 0);
        kernel.halfType = halfCode(a);
        kernel.halfOut = c.halves ? 1 : 0;
        kernel.transA = transA ? 1 : 0;
        kernel.transB = transB ? 1 : 0;
        kernel.m = m;
        kernel.cols = n;
        kernel.k = alpha == 0 ? 0 : k;
        kernel.offA = a.offset;
        kernel.offB = b.offset;
        kernel.offC = c.offset;
        kernel.alpha = (float) alpha;
        kernel.beta = (float) beta;
        Range r = guard.range2D(groups(n, Geometry.TS) * Geometry.GEMM_LOCAL, groups(m, Geometry.TS) * Geometry.GEMM_LOCAL,
                Geometry.GEMM_LOCAL, Geometry.GEMM_LOCAL);
        guard.launch(kernel, r, () -> "gemm: " + (transA ? "(" + k + "×" + m + ")ᵀ" : "(" + m + "×" + k + ")") + " · "
                + (transB ? "(" + n + "×" + k + ")ᵀ" : "(" + k + "×" + n + ")") + " → " + m + "×" + n + " " + c.dtype()
                + ", α=" + alpha + ", β=" + beta + ", " + a.dtype() + " inputs");
    }

    /**
     * dst[0, n) ← src[0, n) where one side is 16-bit and the other this launcher's dtype, INT32 or the other 16-bit
     * type: decoding is exact, encoding rounds once (ties to even), a cast to INT32 is Java's (int) of the exact
     * value. Returns whether the source held a NaN in a cast to FLOAT16 from this launcher's dtype, the one case in
     * which the kernel cannot match dev.nabla.HalfFloats (it keeps a NaN's sign, which no arithmetic reads): the
     * caller then redoes the cast on the host. One launch, plus for that case a 1-element reset and read of the flag.
     */
    synchronized boolean castHalves(AparapiBuffer src, AparapiBuffer dst, int n) {
        if (n == 0) {
            return false;
        }
        boolean flagged = !src.halves && dst.dtype() == DType.FLOAT16;
        AparapiBuffer flag = new AparapiBuffer(this, false, 0, 1);          // arena[0]: reduction scratch, free here
        if (flagged) {
            set(Op.FILL, 1);
            kernel.offA = 0;
            kernel.p0 = 0f;
            launch1D(1, () -> "cast: reset the NaN flag");
        }
        set(Op.H_CAST, n);
        kernel.code = !src.halves ? Op.HC_FROM_REAL : dst.halves ? Op.HC_TO_HALF : dst.ints ? Op.HC_TO_INT
                : Op.HC_TO_REAL;
        kernel.halfType = src.halves ? halfCode(src) : halfCode(dst);
        kernel.code2 = halfCode(dst);
        kernel.offA = src.offset;
        kernel.offB = dst.offset;
        launch1D(n, () -> "cast: " + n + " " + src.dtype() + " elements to " + dst.dtype());
        if (!flagged) {
            return false;
        }
        float[] seen = new float[1];
        read(flag, seen);
        return seen[0] != 0f;
    }

    // ---- launching -------------------------------------------------------------------------------------------------------

    private void set(int op, int n) {
        ensureOpen("op " + op);
        kernel.op = op;
        kernel.n = n;
    }

    /** A grid-stride launch over n elements. */
    private void launch1D(int n, Supplier<String> what) {
        guard.launch(kernel, guard.range(Geometry.groupsFor(n) * Geometry.WG, Geometry.WG), what);
    }

    /** One work-group per row (striding when there are more rows than groups). */
    private void launchRows(int rows, Supplier<String> what) {
        int groups = Math.min(rows, 4 * Geometry.MAX_GROUPS);
        guard.launch(kernel, guard.range(groups * Geometry.WG, Geometry.WG), what);
    }

    /** A launch that computes nothing: makes Aparapi bind newly assigned arrays now. */
    private void nothing(String why) {
        kernel.op = Op.NOTHING;
        kernel.n = 0;
        guard.launch(kernel, guard.range(Geometry.WG, Geometry.WG), () -> why + " " + dtype);
    }

    private static int groups(int size, int per) {
        return (size + per - 1) / per;
    }

    private void countCreated(int buffers, long elements) {
        countCreatedBytes(buffers, elements * BYTES);
    }

    private void countCreatedBytes(int buffers, long bytes) {
        if (guard.onOpenCL()) {
            counters.deviceBuffersCreated.addAndGet(buffers);
            counters.hostToDeviceBytes.addAndGet(bytes);
        }
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw new BackendClosedException(what + ": the aparapi " + dtype + " kernel is closed");
        }
    }

    @Override
    public synchronized String describeMemory() {
        return dtype + " arena " + arena.capacity() + " elements (" + ((long) arena.capacity() * BYTES >> 20) + " MiB, "
                + arena.used() + " in use)" + (intArena.capacity() < minIntCapacity ? ""
                : " and its INT32 arena " + intArena.capacity() + " elements (" + ((long) intArena.capacity()
                * INT_BYTES >> 20) + " MiB, " + intArena.used() + " in use)") + (halfArena.capacity() < minHalfCapacity
                ? "" : " and its 16-bit arena " + halfArena.capacity() + " elements (" + ((long) halfArena.capacity()
                * HALF_BYTES >> 20) + " MiB, " + halfArena.used() + " in use)");
    }

    @Override
    public synchronized long arenaElementsInUse() {
        return arena.used() + intArena.used() + halfArena.used();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        kernel.dispose();
        guard.release(kernel);
        kernel.arena = null;
        kernel.ints = null;
        kernel.halves = null;
    }
}
