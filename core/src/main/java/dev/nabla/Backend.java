package dev.nabla;

import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A started backend as users see it: it creates tensors, owns their memory and scopes, and runs their ops.
 * Every tensor belongs to exactly one backend and never moves unless {@link Tensor#to(Backend)} is called.
 *
 * <p>Obtain one from {@link Backends#get(String)} (shared for the JVM; {@link #close()} on it does nothing) or
 * {@link Backends#create(String)} (yours: closing it releases every tensor still alive on it).
 *
 * <p>Thread safety (docs/reliability.md): a backend may be used from several threads at once. Each thread may create,
 * use and close its own tensors, scopes, networks and optimizers; a tensor may also be read by several threads at
 * once (as an operand, or with {@code toFloatArray}) while no thread writes or closes it. A tensor that is written
 * (an op's output, {@code axpyInPlace}, a network's parameters), a {@link Scope}, a network or an optimizer must not
 * be used from two threads at the same time. Close a backend only after every thread is done with it.
 *
 * <p>Leak detection ({@code -Dnabla.leakDetection=true} when the backend is created, or
 * {@link #wrap(ComputeBackend, boolean)}): every tensor records its creation stack and thread; tensors still open
 * when the backend closes, and tensors the garbage collector finds unclosed, are reported as a {@link LeakReport}
 * (logged as a warning and kept in {@link #leakReports()}) when the backend closes, the next {@link Scope} of this
 * backend closes, or the next tensor is created on it (so also on the shared backend, which never closes, in a
 * program without scopes). A tensor still reachable and open on the shared backend when the JVM exits is not
 * reported: nothing closes that backend.
 */
public final class Backend implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Backend.class.getName());
    private static final Cleaner CLEANER = Cleaner.create();
    /** {@code -Dnabla.leakDetection=true}: record where each tensor was created and report unclosed ones. */
    public static final String LEAK_DETECTION_PROPERTY = "nabla.leakDetection";
    /** How many reports {@link #leakReports()} keeps (the oldest are dropped first). */
    public static final int MAX_KEPT_LEAK_REPORTS = 100;
    /** How many garbage-collected leaks wait for a report at most; more are counted, not described. */
    public static final int MAX_PENDING_LEAKS = 10_000;

    private final ComputeBackend compute;
    private final String name;
    private final boolean shared;
    private final Ops ops;
    private final boolean leakDetection;
    private final ThreadLocal<ArrayDeque<Scope>> scopes = ThreadLocal.withInitial(ArrayDeque::new);
    private final Set<TensorState> live = ConcurrentHashMap.newKeySet();
    /** Leak detection: tensors the cleaner released unclosed, waiting for the next report. */
    private final ConcurrentLinkedQueue<LeakReport.Leak> collectedUnclosed = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingLeaks = new AtomicLong();
    private final AtomicLong omittedLeaks = new AtomicLong();
    /** Leak detection: the reports made so far, oldest first; guarded by itself. */
    private final Deque<LeakReport> leakReports = new ArrayDeque<>();
    private final AtomicLong tensorsCreated = new AtomicLong();
    private final AtomicLong hostToDeviceBytes = new AtomicLong();
    private final AtomicLong deviceToHostBytes = new AtomicLong();
    /** Element bytes of tensors: every one created, the live ones, and the most that were live at once. */
    private final AtomicLong tensorBytesAllocated = new AtomicLong();
    private final AtomicLong liveTensorBytes = new AtomicLong();
    private final AtomicLong peakLiveTensorBytes = new AtomicLong();
    private volatile boolean closed;
    /** The user's call that the code running on this thread serves ({@link #asCall}), or null. */
    private final ThreadLocal<String> userCall = new ThreadLocal<>();

    private Backend(ComputeBackend compute, String name, boolean shared, boolean leakDetection) {
        this.compute = compute;
        this.name = name;
        this.shared = shared;
        this.ops = new Ops(this);
        this.leakDetection = leakDetection;
    }

    /**
     * Wraps a backend implementation into a Backend the caller owns (and closes). Leak detection is on when
     * {@code -Dnabla.leakDetection=true} is set now.
     *
     * @param compute the implementation to wrap; closing the Backend closes it
     * @return a Backend the caller owns
     */
    public static Backend wrap(ComputeBackend compute) {
        return wrap(compute, Boolean.getBoolean(LEAK_DETECTION_PROPERTY));
    }

    /**
     * Wraps a backend implementation into a Backend the caller owns (and closes), with leak detection on or off for
     * this instance whatever {@code -Dnabla.leakDetection} says: how tests and tools check one backend for leaks.
     *
     * @param compute the implementation to wrap; closing the Backend closes it
     * @param leakDetection whether this instance records creation sites and reports unclosed tensors
     * @return a Backend the caller owns
     */
    public static Backend wrap(ComputeBackend compute, boolean leakDetection) {
        if (compute == null) {
            throw new InvalidArgumentException("wrap: the backend implementation is null");
        }
        return new Backend(compute, compute.name(), false, leakDetection);
    }

    /** A backend started by {@link Backends} for provider {@code name}. */
    static Backend fromProvider(String name, ComputeBackend compute, boolean shared) {
        return new Backend(compute, name, shared, Boolean.getBoolean(LEAK_DETECTION_PROPERTY));
    }

    /**
     * The provider name: {@code cpu}, {@code opencl}, ...
     *
     * @return the name, e.g. {@code cpu}
     */
    public String name() {
        return name;
    }

    /**
     * What runs underneath: path, device, threads.
     *
     * @return a one-line description
     */
    public String description() {
        return compute.description();
    }

    /**
     * Whether tensors of {@code dtype} can be created on this backend.
     *
     * @param dtype the element type
     * @return true when {@code dtype} is supported
     */
    public boolean supports(DType dtype) {
        return compute.supports(dtype);
    }

    /**
     * The explicit-output primitives, validated; what layers and optimizers are written against.
     *
     * @return the validated explicit-output primitives of this backend
     */
    public Ops ops() {
        return ops;
    }

    /**
     * The backend implementation behind this façade (for backend authors and the contract kit).
     *
     * @return the {@link ComputeBackend} this Backend wraps
     */
    public ComputeBackend compute() {
        return compute;
    }

    // ---- tensor factories --------------------------------------------------------------------------------------------

    /**
     * A FLOAT32 rows × cols tensor holding {@code data} (row-major, copied).
     *
     * @param data the values, row-major, at least rows·cols of them
     * @param rows the number of rows
     * @param cols the number of columns
     * @return a new FLOAT32 tensor the caller owns (or its scope)
     */
    public Tensor fromArray(float[] data, int rows, int cols) {
        Shape shape = checkedShape("fromArray", rows, cols, DType.FLOAT32);
        checkLength("fromArray", data, data == null ? 0 : data.length, shape);
        Tensor t = allocate("fromArray", shape, DType.FLOAT32);
        fillOrClose(t, () -> compute.write(t.state.buffer(), data));
        hostToDeviceBytes.addAndGet(shape.size() * 4L);
        return t;
    }

    /**
     * A FLOAT64 rows × cols tensor holding {@code data} (row-major, copied).
     *
     * @param data the values, row-major, at least rows·cols of them
     * @param rows the number of rows
     * @param cols the number of columns
     * @return a new FLOAT64 tensor the caller owns (or its scope)
     */
    public Tensor fromArray(double[] data, int rows, int cols) {
        Shape shape = checkedShape("fromArray", rows, cols, DType.FLOAT64);
        checkLength("fromArray", data, data == null ? 0 : data.length, shape);
        Tensor t = allocate("fromArray", shape, DType.FLOAT64);
        fillOrClose(t, () -> compute.write(t.state.buffer(), data));
        hostToDeviceBytes.addAndGet(shape.size() * 8L);
        return t;
    }

    /**
     * An INT32 rows × cols tensor holding {@code data} (row-major, copied): labels, indices or masks.
     *
     * @param data the values, row-major, exactly rows·cols of them
     * @param rows the number of rows
     * @param cols the number of columns
     * @return a new INT32 tensor the caller owns (or its scope)
     */
    public Tensor fromArray(int[] data, int rows, int cols) {
        return ints("fromArray", data, rows, cols);
    }

    /** An INT32 tensor of {@code data}; errors name {@code op}, the user's call. */
    private Tensor ints(String op, int[] data, int rows, int cols) {
        Shape shape = checkedShape(op, rows, cols, DType.INT32);
        checkLength(op, data, data == null ? 0 : data.length, shape);
        Tensor t = allocate(op, shape, DType.INT32);
        fillOrClose(t, () -> compute.write(t.state.buffer(), data));
        t.state.setIntRange(IntRange.of(data));
        hostToDeviceBytes.addAndGet(shape.size() * 4L);
        return t;
    }

    /**
     * An INT32 1 × n row of labels or indices: {@code fromArray(data, 1, data.length)}.
     *
     * @param data the values
     * @return a new 1 × n INT32 tensor
     */
    public Tensor fromInts(int... data) {
        return ints("fromInts", data, 1, data == null ? 0 : data.length);
    }

    /**
     * A BFLOAT16 or FLOAT16 rows × cols tensor holding {@code bits} as they are: each short is one element's 16-bit
     * pattern (see {@link HalfFloats}), row-major, copied. What weights files hold; for values, use
     * {@link #fromArray(float[], int, int, DType)}, which rounds.
     *
     * @param bits the bit patterns, row-major, exactly rows·cols of them
     * @param rows the number of rows
     * @param cols the number of columns
     * @param dtype BFLOAT16 or FLOAT16
     * @return a new tensor the caller owns (or its scope)
     */
    public Tensor fromHalfBits(short[] bits, int rows, int cols, DType dtype) {
        Shape shape = checkedShape("fromHalfBits", rows, cols, dtype);
        if (!dtype.isHalf()) {
            throw new UnsupportedDTypeException(call("fromHalfBits") + ": 16-bit patterns make a BFLOAT16 or FLOAT16 "
                    + "tensor, not " + dtype + "; use fromArray [" + name() + "]");
        }
        checkLength(call("fromHalfBits"), bits, bits == null ? 0 : bits.length, shape);
        return halves("fromHalfBits", bits, shape, dtype);
    }

    /** A BFLOAT16 or FLOAT16 tensor of {@code bits} (checked); errors name {@code op}, the user's call. */
    private Tensor halves(String op, short[] bits, Shape shape, DType dtype) {
        Tensor t = allocate(op, shape, dtype);
        fillOrClose(t, () -> compute.write(t.state.buffer(), bits));
        hostToDeviceBytes.addAndGet(shape.size() * 2L);
        return t;
    }

    /**
     * A rows × cols tensor of {@code dtype} holding {@code data} converted to that dtype: rounded to nearest even for
     * FLOAT16 and BFLOAT16 (on the host, {@link HalfFloats}), exact for FLOAT32 and FLOAT64; INT32 needs integers.
     *
     * @param data the values, row-major, rows·cols of them
     * @param rows the number of rows
     * @param cols the number of columns
     * @param dtype the dtype of the new tensor
     * @return a new tensor the caller owns (or its scope)
     */
    public Tensor fromArray(float[] data, int rows, int cols, DType dtype) {
        Shape shape = checkedShape("fromArray", rows, cols, dtype);
        if (dtype == DType.FLOAT32) {
            return fromArray(data, rows, cols);
        }
        checkLength(call("fromArray"), data, data == null ? 0 : data.length, shape);
        if (dtype.isHalf()) {
            short[] bits = HostArrays.shorts(call("fromArray"), shape, dtype, data.length, name());
            for (int i = 0; i < bits.length; i++) {
                bits[i] = HalfFloats.fromFloat(dtype, data[i]);
            }
            return halves("fromArray", bits, shape, dtype);
        }
        double[] d = HostArrays.doubles(call("fromArray"), shape, dtype, data.length, name());
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return fromArray(d, rows, cols, dtype);
    }

    /**
     * A rows × cols tensor of {@code dtype} holding {@code data} converted to that dtype: rounded to nearest even for
     * FLOAT32, FLOAT16 and BFLOAT16 (once, from the double: a half is never rounded through float), exact for
     * FLOAT64; INT32 needs integers in its range.
     *
     * @param data the values, row-major, at least rows·cols of them
     * @param rows the number of rows
     * @param cols the number of columns
     * @param dtype the dtype of the new tensor
     * @return a new tensor the caller owns (or its scope)
     */
    public Tensor fromArray(double[] data, int rows, int cols, DType dtype) {
        checkedShape("fromArray", rows, cols, dtype);
        if (dtype == DType.FLOAT64) {
            return fromArray(data, rows, cols);
        }
        if (dtype.isHalf()) {
            Shape shape = new Shape(rows, cols);
            checkLength(call("fromArray"), data, data == null ? 0 : data.length, shape);
            short[] bits = HostArrays.shorts(call("fromArray"), shape, dtype, data.length, name());
            for (int i = 0; i < bits.length; i++) {
                bits[i] = HalfFloats.fromDouble(dtype, data[i]);
            }
            return halves("fromArray", bits, shape, dtype);
        }
        if (dtype == DType.INT32) {
            checkLength("fromArray", data, data == null ? 0 : data.length, new Shape(rows, cols));
            int[] ints = new int[data.length];
            for (int i = 0; i < ints.length; i++) {
                if (data[i] != Math.rint(data[i]) || data[i] < Integer.MIN_VALUE || data[i] > Integer.MAX_VALUE) {
                    throw new InvalidArgumentException(call("fromArray") + ": element " + i + " = " + data[i]
                            + " is not an INT32 value (an integer in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE
                            + "]) [" + name() + "]");
                }
                ints[i] = (int) data[i];
            }
            return fromArray(ints, rows, cols);
        }
        Shape shape = new Shape(rows, cols);
        checkLength("fromArray", data, data == null ? 0 : data.length, shape);
        float[] f = HostArrays.floats(call("fromArray"), shape, dtype, data.length, name());
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return fromArray(f, rows, cols);
    }

    /**
     * A FLOAT32 rows × cols tensor of zeros.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @return a new tensor of zeros
     */
    public Tensor zeros(int rows, int cols) {
        return filled("zeros", rows, cols, 0.0, DType.FLOAT32);
    }

    /**
     * A rows × cols tensor of zeros of {@code dtype}.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param dtype the element type
     * @return a new tensor of zeros
     */
    public Tensor zeros(int rows, int cols, DType dtype) {
        return filled("zeros", rows, cols, 0.0, dtype);
    }

    /**
     * A FLOAT32 rows × cols tensor with every element {@code value}.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param value the value of every element
     * @return a new FLOAT32 tensor
     */
    public Tensor full(int rows, int cols, double value) {
        return full(rows, cols, value, DType.FLOAT32);
    }

    /**
     * A rows × cols tensor of {@code dtype} with every element {@code value} (rounded to the dtype).
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param value the value of every element
     * @param dtype the element type
     * @return a new tensor
     */
    public Tensor full(int rows, int cols, double value, DType dtype) {
        return filled("full", rows, cols, value, dtype);
    }

    private Tensor filled(String op, int rows, int cols, double value, DType dtype) {
        Shape shape = checkedShape(op, rows, cols, dtype);
        if (dtype == DType.INT32) {
            IntRange.requireInt(call(op), value, shape, name());
        }
        Tensor t = allocate(op, shape, dtype);
        fillOrClose(t, () -> compute.fill(t.state.buffer(), shape.size(), value));
        if (dtype == DType.INT32) {
            t.state.setIntRange(IntRange.of((int) value, (int) value));
        }
        return t;
    }

    /** Runs the write or fill of a new tensor; if the device fails it, closes the tensor before rethrowing. */
    private static void fillOrClose(Tensor t, Runnable init) {
        try {
            init.run();
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    /**
     * A rows × cols tensor whose contents are undefined: the output of an explicit-output op.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param dtype the element type
     * @return a new tensor whose elements must be written before they are read
     */
    public Tensor empty(int rows, int cols, DType dtype) {
        return allocate("empty", checkedShape("empty", rows, cols, dtype), dtype);
    }

    /**
     * FLOAT32 standard normal values, generated on the host from {@code seed}: the same on every backend.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param seed the seed: the same seed gives the same values on every backend
     * @return a new FLOAT32 tensor of N(0, 1) values
     */
    public Tensor randn(int rows, int cols, long seed) {
        return randn(rows, cols, seed, DType.FLOAT32);
    }

    /**
     * Standard normal values of {@code dtype}, generated on the host from {@code seed}: the same on every backend.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param seed the seed: the same seed gives the same values on every backend
     * @param dtype the element type
     * @return a new tensor of N(0, 1) values
     */
    public Tensor randn(int rows, int cols, long seed, DType dtype) {
        Shape shape = checkedShape("randn", rows, cols, dtype);
        SeededRandom rng = new SeededRandom(seed);
        double[] values = HostArrays.doubles(call("randn"), shape, dtype, hostLength("randn", shape), name());
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextGaussian();
        }
        return fromArray(values, rows, cols, dtype);
    }

    /**
     * FLOAT32 values uniform in [0, 1), generated on the host from {@code seed}: the same on every backend.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param seed the seed: the same seed gives the same values on every backend
     * @return a new FLOAT32 tensor of U[0, 1) values
     */
    public Tensor rand(int rows, int cols, long seed) {
        return rand(rows, cols, seed, DType.FLOAT32);
    }

    /**
     * Values of {@code dtype} uniform in [0, 1), generated on the host from {@code seed}: the same on every backend.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param seed the seed: the same seed gives the same values on every backend
     * @param dtype the element type
     * @return a new tensor of U[0, 1) values
     */
    public Tensor rand(int rows, int cols, long seed, DType dtype) {
        Shape shape = checkedShape("rand", rows, cols, dtype);
        SeededRandom rng = new SeededRandom(seed);
        double[] values = HostArrays.doubles(call("rand"), shape, dtype, hostLength("rand", shape), name());
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextDouble();
        }
        return fromArray(values, rows, cols, dtype);
    }

    // ---- errors --------------------------------------------------------------------------------------------------------

    /**
     * Runs {@code body} on behalf of the user's call {@code op} and returns what it returns: an allocation inside it
     * that fails (out of memory, a tensor larger than one buffer, a closed backend) names {@code op} instead of the
     * internal step that allocated, so that {@code net.trainStep(...)} reports
     * {@code trainStep: cannot allocate 40000×60000 FLOAT32 ...}, not {@code empty: ...}. For code built on the tensor
     * API (Nabla's networks use it). Only this thread is affected; nested calls keep the outermost name.
     *
     * @param <T>  what the body returns
     * @param op   the user's call, as error messages should name it
     * @param body the work done on its behalf
     * @return what {@code body} returns
     */
    public <T> T asCall(String op, java.util.function.Supplier<T> body) {
        if (op == null || body == null) {
            throw new InvalidArgumentException("asCall: " + (op == null ? "the op name" : "the body") + " is null ["
                    + name() + "]");
        }
        if (userCall.get() != null) {
            return body.get();
        }
        userCall.set(op);
        try {
            return body.get();
        } finally {
            userCall.set(null);     // not remove(): the next call's get() would allocate the thread's entry again
        }
    }

    /** The name errors give the step {@code op}: the user's call when one is running ({@link #asCall}), else op. */
    String call(String op) {
        String c = userCall.get();
        return c == null ? op : c;
    }

    // ---- lifetime ----------------------------------------------------------------------------------------------------

    /**
     * Opens a scope on this thread: every tensor this backend creates on this thread until the scope closes is
     * closed with it, unless {@link Scope#keep kept}. Scopes nest; use try-with-resources.
     *
     * @return the scope, to close (try-with-resources) on this thread
     */
    public Scope scope() {
        checkOpen("scope");
        ArrayDeque<Scope> stack = scopes.get();
        Scope scope = new Scope(this, stack.peek());
        stack.push(scope);
        return scope;
    }

    void popScope(Scope scope) {
        scopes.get().remove(scope);
    }

    /**
     * Counters: live tensors, bytes moved through the tensor API, and the backend's own counters.
     *
     * @return a snapshot of the counters
     */
    public BackendStats stats() {
        return new BackendStats(live.size(), tensorsCreated.get(), hostToDeviceBytes.get(), deviceToHostBytes.get(),
                compute.counters(), tensorBytesAllocated.get(), liveTensorBytes.get(), peakLiveTensorBytes.get());
    }

    /** Waits until every operation enqueued on this backend has finished. */
    public void synchronize() {
        checkOpen("synchronize");
        compute.synchronize();
    }

    /**
     * Whether {@link #close()} has run on this backend (never true for a shared backend).
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Whether this backend records creation sites and reports unclosed tensors (fixed when it is created).
     *
     * @return whether leak detection is on for this backend
     */
    public boolean leakDetection() {
        return leakDetection;
    }

    /**
     * For a backend from {@link Backends#create} or {@link #wrap}: releases every tensor still alive on it (reported
     * when leak detection is on) and the device. For the shared backend of {@link Backends#get}: does nothing.
     */
    @Override
    public void close() {
        if (shared || closed) {
            return;
        }
        closed = true;
        List<TensorState> leftovers = new ArrayList<>(live);
        List<LeakReport.Leak> leaks = new ArrayList<>();
        if (leakDetection) {
            drainCollected(leaks);
            leftovers.sort((a, b) -> Long.compare(a.sequence, b.sequence));
            for (TensorState s : leftovers) {
                leaks.add(leak(s, LeakReport.Kind.OPEN_AT_BACKEND_CLOSE));
            }
        }
        for (TensorState state : leftovers) {
            state.release(TensorState.Release.BACKEND_CLOSED);
        }
        long omitted = omittedLeaks.getAndSet(0);
        if (!leaks.isEmpty() || omitted > 0) {
            report("backend " + name() + " closed", leaks, omitted);
        }
        compute.close();
    }

    /**
     * Tensors alive on this backend right now, with their creation sites when leak detection is on.
     *
     * @return one line per live tensor: shape, dtype, backend and, with leak detection, where it was created
     */
    public List<String> liveTensorDescriptions() {
        List<String> out = new ArrayList<>();
        for (TensorState s : live) {
            out.add(s.label + (s.creationSite == null ? "" : " created at " + s.creationSite.createdAt() + " on thread "
                    + s.creationSite.thread()));
        }
        return out;
    }

    /**
     * The leak reports this backend has made, oldest first (at most {@value #MAX_KEPT_LEAK_REPORTS}); empty when leak
     * detection is off or nothing leaked. A report is made when the backend closes with tensors still open, or when a
     * scope of this backend closes or a tensor is created on it after the garbage collector found tensors that were
     * never closed.
     *
     * @return the reports, oldest first (a copy)
     */
    public List<LeakReport> leakReports() {
        synchronized (leakReports) {
            return List.copyOf(leakReports);
        }
    }

    /** A scope of this backend closed: report the tensors the garbage collector found unclosed since the last report. */
    void scopeClosed() {
        reportCollected("scope closed");
    }

    /**
     * Reports the tensors the garbage collector found unclosed since the last report, if any. Called when a scope
     * closes and when a tensor is created, so a program without scopes on the shared backend (which never closes)
     * hears of its leaks too.
     */
    private void reportCollected(String when) {
        if (leakDetection && pendingLeaks.get() + omittedLeaks.get() > 0) {
            List<LeakReport.Leak> leaks = new ArrayList<>();
            drainCollected(leaks);
            long omitted = omittedLeaks.getAndSet(0);
            if (!leaks.isEmpty() || omitted > 0) {
                report(when, leaks, omitted);
            }
        }
    }

    private void drainCollected(List<LeakReport.Leak> into) {
        LeakReport.Leak l;
        while ((l = collectedUnclosed.poll()) != null) {
            pendingLeaks.decrementAndGet();
            into.add(l);
        }
    }

    private void report(String when, List<LeakReport.Leak> leaks, long omitted) {
        LeakReport r = new LeakReport(name(), when, leaks, omitted);
        synchronized (leakReports) {
            if (leakReports.size() == MAX_KEPT_LEAK_REPORTS) {
                leakReports.removeFirst();
            }
            leakReports.addLast(r);
        }
        LOG.log(System.Logger.Level.WARNING, r.describe());
    }

    private static LeakReport.Leak leak(TensorState s, LeakReport.Kind kind) {
        CreationSite site = s.creationSite;
        return new LeakReport.Leak(s.label, kind, site.thread(), site.createdAt(), site.stack());
    }

    @Override
    public String toString() {
        return "Backend[" + name() + ": " + description() + "]";
    }

    // ---- internals shared with Tensor and Ops ----------------------------------------------------------------------------

    Tensor allocate(String step, Shape shape, DType dtype) {
        String op = call(step);
        checkOpen(op);
        checkFits(op, "the output ", shape, dtype);   // before the device sees a size it cannot hold (or int overflow)
        reportCollected("tensor created");
        DeviceBuffer buffer;
        try {
            buffer = compute.allocate(dtype, shape.size());
        } catch (DeviceException e) {
            throw withContext(op + ": cannot allocate " + shape + " " + dtype + " (" + shape.size() * dtype.bytes()
                    + " bytes) [" + name() + "]: ", e);
        }
        String label = shape + " " + dtype + " [" + name() + "]";
        long sequence = tensorsCreated.getAndIncrement();
        long bytes = shape.size() * dtype.bytes();
        TensorState state = new TensorState(this, buffer, label, sequence,
                leakDetection ? CreationSite.capture() : null, bytes);
        live.add(state);
        tensorBytesAllocated.addAndGet(bytes);
        peakLiveTensorBytes.accumulateAndGet(liveTensorBytes.addAndGet(bytes), Math::max);
        Tensor t = new Tensor(this, shape, dtype, state, CLEANER);
        adoptIntoScope(t);
        return t;
    }

    /** Puts a new tensor (or view) into this thread's innermost open scope, if any. */
    void adoptIntoScope(Tensor t) {
        Scope scope = scopes.get().peek();
        if (scope != null) {
            scope.adopt(t);
        }
    }

    void releaseTensorBuffer(TensorState state, TensorState.Release how) {
        if (live.remove(state)) {
            liveTensorBytes.addAndGet(-state.bytes);
        }
        if (how == TensorState.Release.COLLECTED && leakDetection) {
            if (pendingLeaks.incrementAndGet() <= MAX_PENDING_LEAKS) {
                collectedUnclosed.add(leak(state, LeakReport.Kind.COLLECTED_UNCLOSED));
            } else {
                pendingLeaks.decrementAndGet();
                omittedLeaks.incrementAndGet();
            }
        }
        compute.release(state.buffer());
    }

    /**
     * The same kind of device error with what was being done in front of its message (the driver's text stays):
     * {@code zeros: cannot allocate 100×100 FLOAT32 (40000 bytes) [opencl]: allocating 40960 bytes failed: ...}.
     */
    private static DeviceException withContext(String prefix, DeviceException e) {
        String message = prefix + e.getMessage();
        if (e instanceof DeviceOutOfMemoryException) {
            return new DeviceOutOfMemoryException(message, e);
        }
        if (e instanceof InvalidDeviceException) {
            return new InvalidDeviceException(message, e);
        }
        return e instanceof KernelBuildException ? e : new DeviceException(message, e);
    }

    void countDownload(long bytes) {
        deviceToHostBytes.addAndGet(bytes);
    }

    void countUpload(long bytes) {
        hostToDeviceBytes.addAndGet(bytes);
    }

    /** Checks, in this order, that the backend is open, the dimensions are ≥ 0, the dtype is supported and fits. */
    Shape checkedShape(String step, int rows, int cols, DType dtype) {
        String op = call(step);
        checkOpen(op);
        if (dtype == null) {
            throw new InvalidArgumentException(op + ": dtype is null [" + name() + "]");
        }
        if (rows < 0 || cols < 0) {
            throw new InvalidShapeException(op + ": dimensions must be ≥ 0, got " + rows + "×" + cols + " [" + name() + "]");
        }
        Shape shape = new Shape(rows, cols);
        if (!compute.supports(dtype)) {
            throw new UnsupportedDTypeException(op + ": " + dtype + " is not supported by " + name() + " ("
                    + description() + ")");
        }
        checkFits(op, "", shape, dtype);
        return shape;
    }

    /**
     * The most elements a tensor of {@code dtype} may have here: the backend's largest buffer, and never more than a
     * Java array holds (2³¹ − 9), since every tensor can be read back into one and the kernels index with int.
     */
    long maxElements(DType dtype) {
        return Math.min(compute.maxElements(dtype), Integer.MAX_VALUE - 8);
    }

    /**
     * Throws {@link InvalidShapeException} naming the op when {@code shape} has more than {@link #maxElements}
     * elements: {@code matmul: the output 50000×50000 FLOAT32 has 2500000000 elements, more than one buffer of cpu
     * can hold (2147483639)}. {@code what} is "" for a factory's own shape, "the output " for an op's result.
     */
    private void checkFits(String op, String what, Shape shape, DType dtype) {
        long max = maxElements(dtype);
        if (shape.size() > max) {
            throw new InvalidShapeException(op + ": " + what + shape + " " + dtype + " has " + shape.size()
                    + " elements, more than one buffer of " + name() + " can hold (" + max + ")");
        }
    }

    /** The length of a host array for {@code shape}; Java arrays stop at 2³¹ − 1 elements. */
    int hostLength(String op, Shape shape) {
        if (shape.size() > Integer.MAX_VALUE - 8) {
            throw new InvalidShapeException(call(op) + ": " + shape + " has " + shape.size()
                    + " elements, more than a Java array can hold [" + name() + "]");
        }
        return (int) shape.size();
    }

    private void checkLength(String op, Object data, int length, Shape shape) {
        if (data == null) {
            throw new InvalidArgumentException(op + ": the data array is null [" + name() + "]");
        }
        if (length != shape.size()) {
            throw new InvalidArgumentException(op + ": " + length + " values cannot fill a " + shape
                    + " tensor (needs " + shape.size() + ") [" + name() + "]");
        }
    }

    void checkOpen(String op) {
        if (closed) {
            throw new BackendClosedException(call(op) + ": backend " + name() + " is closed");
        }
    }
}
