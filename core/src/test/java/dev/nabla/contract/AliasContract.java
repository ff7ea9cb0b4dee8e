package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.BackendStats;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.Shape;
import dev.nabla.Tensor;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The aliasing contract: for every case of {@link AliasCases} (every SPI method that takes two or more buffers, in
 * each of its variants) and every pair of its operands of one dtype, the call is made through {@code Ops} with both
 * operands sharing elements, in three ways:
 * <ul>
 *   <li>one tensor for both (where the two have one shape);</li>
 *   <li>two views of the same elements of one buffer, at an odd offset (where the two have one shape);</li>
 *   <li>two views of one buffer that overlap in one element without being the same elements.</li>
 * </ul>
 * Where the SPI's rules allow the pair (the same elements, the pair allowed, or both only read), every result must
 * match, element by element, the same call with separate tensors on the same backend and on the float64
 * {@link ReferenceBackend}, and the buffer's elements outside the views must be untouched. Where they forbid it (a
 * forbidden pair; a written operand that overlaps another without being the same elements), the call must throw exactly
 * {@link InvalidArgumentException} naming the op and the backend (and both operands, when they are the same elements),
 * and must have written nothing and left nothing allocated. A forbidden pair is rejected before the backend is called
 * at all (no allocation, launch or transfer); a pair allowed in place whose views merely overlap may be found out
 * while the operands before it are staged (dev.nabla.Staging), so there only the live counters must be unchanged.
 * Operands of different dtypes cannot share an element (a view has its base's dtype) and are not paired; every case
 * also runs with all its operands of one dtype as disjoint views of one buffer at odd offsets, which is always allowed.
 * Views are tried at the case's sizes up to {@value #VIEW_SIZES} elements an operand.
 * Tensor's own methods are checked to alias only where allowed.
 *
 * <p>A backend module extends this class with {@link #createBackend()} (a fresh instance; the contract closes it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class AliasContract {

    /** A new instance of the backend under test; the contract closes it. */
    protected abstract Backend createBackend();

    private static final DType[] DTYPES = {DType.FLOAT32, DType.FLOAT64, DType.INT32};
    /**
     * Views are tried at the sizes whose operands have at most this many elements: what they check (Ops' overlap
     * rules and staging) does not depend on the size, and the same-tensor runs cover the large ones.
     */
    private static final long VIEW_SIZES = 4096;
    /** What the elements of a shared buffer outside every view hold (an integer: valid in every dtype). */
    private static final double PAD = 7;

    private Backend backend;
    private Backend reference;

    @BeforeAll
    void startBackends() {
        backend = createBackend();
        reference = Backend.wrap(new ReferenceBackend());
    }

    @AfterAll
    void stopBackends() {
        if (backend != null) {
            backend.close();
        }
        reference.close();
    }

    /** One pair of operands (i &lt; j) of one case, in one dtype. */
    record Pair(AliasCase c, int i, int j, DType dtype) {
        String first() {
            return c.roles().get(i).name();
        }

        String second() {
            return c.roles().get(j).name();
        }

        @Override
        public String toString() {
            return c + ": " + first() + " = " + second() + " (" + (c.mayAlias(i, j) ? "allowed" : "forbidden") + ", "
                    + dtype + ")";
        }
    }

    /** One case in one dtype. */
    record Run(AliasCase c, DType dtype) {
        @Override
        public String toString() {
            return c + " (" + dtype + ")";
        }
    }

    Stream<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>();
        for (DType dtype : DTYPES) {
            for (AliasCase c : AliasCases.all()) {
                if (!c.dtypes().contains(dtype)) {
                    continue;
                }
                for (int i = 0; i < c.roles().size(); i++) {
                    for (int j = i + 1; j < c.roles().size(); j++) {
                        if (c.roles().get(i).dtypeIn(dtype) == c.roles().get(j).dtypeIn(dtype)) {
                            pairs.add(new Pair(c, i, j, dtype));
                        }
                    }
                }
            }
        }
        return pairs.stream();
    }

    Stream<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (DType dtype : DTYPES) {
            for (AliasCase c : AliasCases.all()) {
                if (c.dtypes().contains(dtype)) {
                    runs.add(new Run(c, dtype));
                }
            }
        }
        return runs.stream();
    }

    private void assumeSupported(AliasCase c, DType dtype) {
        for (AliasCase.Role r : c.roles()) {
            assumeTrue(backend.supports(r.dtypeIn(dtype)), backend.name() + " does not support " + r.dtypeIn(dtype)
                    + " here: " + backend.description());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void everyPairOfOperandsIsComputedRightOrRejected(Pair p) {
        assumeSupported(p.c(), p.dtype());
        AliasCase c = p.c();
        int i = p.i();
        int j = p.j();
        int tried = 0;
        for (int[] size : c.sizes()) {
            Shape[] shapes = c.shapes().of(size[0], size[1]);
            long seed = 31L * size[0] + size[1];
            String what = p + " " + size[0] + "×" + size[1];
            boolean views = small(shapes);
            if (shapes[i].equals(shapes[j])) {
                tried++;
                double[][] data = data(c, p.dtype(), shapes, size, seed);
                data[j] = data[i];                               // one tensor holds one set of values
                Layout one = Layout.separate(shapes.length);
                one.same()[j] = i;
                Layout sameViews = views ? Layout.views(c, p.dtype(), shapes, data, new int[][]{{i, 1}, {j, 1}})
                        : null;
                // the shared elements end holding the written operand of the two (or their input, when neither is)
                int holder = c.roles().get(j).written() ? j : i;
                int[] from = identity(shapes.length);
                from[i] = holder;
                from[j] = holder;
                if (c.mayAlias(i, j)) {
                    assertComputesLikeSeparateTensors(c, p.dtype(), shapes, data, one, from, size,
                            what + ", one tensor");
                    if (views) {
                        assertComputesLikeSeparateTensors(c, p.dtype(), shapes, sameViews.data(), sameViews, from,
                                size, what + ", two views of the same elements at element 1");
                    }
                } else {
                    String start1 = c.op() + ": " + p.first() + " and " + p.second() + " ";
                    String start2 = c.op() + ": " + p.second() + " and " + p.first() + " ";
                    java.util.function.Predicate<String> names = m -> m.startsWith(start1) || m.startsWith(start2);
                    assertRejectedUntouched(c, p.dtype(), shapes, data, one, true, names, "start with \"" + start1
                            + "...\" (the op and both operands)", what + ", one tensor");
                    if (views) {
                        assertRejectedUntouched(c, p.dtype(), shapes, sameViews.data(), sameViews, true, names,
                                "start with \"" + start1 + "...\" (the op and both operands)",
                                what + ", two views of the same elements at element 1");
                    }
                }
            }
            long ni = shapes[i].size();
            long nj = shapes[j].size();
            if (views && (ni >= 2 || nj >= 2)) {
                tried++;
                // the last element of one is the first of the other, which starts at an odd offset or just after it
                int[][] at = ni >= 2 ? new int[][]{{i, 1}, {j, (int) ni}} : new int[][]{{j, 1}, {i, (int) nj}};
                double[][] data = data(c, p.dtype(), shapes, size, seed);
                int shared = ni >= 2 ? (int) ni - 1 : (int) nj - 1;   // the index of the element in the first view
                double v = common(c.roles().get(i), c.roles().get(j), p.dtype(), size);
                data[at[0][0]][shared] = v;
                data[at[1][0]][0] = v;
                Layout overlap = Layout.views(c, p.dtype(), shapes, data, at);
                String how = what + ", views overlapping in one element";
                if (c.roles().get(i).written() || c.roles().get(j).written()) {
                    String op = c.op() + ": ";
                    assertRejectedUntouched(c, p.dtype(), shapes, overlap.data(), overlap, !c.mayAlias(i, j),
                            m -> m.startsWith(op) && m.contains("overlap"), "start with \"" + op
                                    + "\" and say the operands overlap", how);
                } else {
                    assertComputesLikeSeparateTensors(c, p.dtype(), shapes, overlap.data(), overlap,
                            identity(shapes.length), size, how);
                }
            }
        }
        assertTrue(tried > 0, p + ": no size of the case lets both operands share elements; add one");
    }

    /** Every case with its operands of one dtype as disjoint views of one buffer at odd offsets: always allowed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void disjointViewsOfOneBufferComputeLikeSeparateTensors(Run r) {
        assumeSupported(r.c(), r.dtype());
        AliasCase c = r.c();
        int tried = 0;
        for (int[] size : c.sizes()) {
            Shape[] shapes = c.shapes().of(size[0], size[1]);
            if (!small(shapes)) {
                continue;
            }
            tried++;
            double[][] data = data(c, r.dtype(), shapes, size, 17L * size[0] + size[1]);
            List<int[]> at = new ArrayList<>();
            java.util.Map<DType, Integer> next = new java.util.HashMap<>();
            for (int k = 0; k < shapes.length; k++) {
                int offset = next.getOrDefault(c.roles().get(k).dtypeIn(r.dtype()), 1);
                at.add(new int[]{k, offset});
                next.put(c.roles().get(k).dtypeIn(r.dtype()), offset + (int) shapes[k].size() + 2);
            }
            Layout views = Layout.views(c, r.dtype(), shapes, data, at.toArray(new int[0][]));
            assertComputesLikeSeparateTensors(c, r.dtype(), shapes, views.data(), views, identity(shapes.length), size,
                    r + " " + size[0] + "×" + size[1] + ", every operand a view of one buffer per dtype, disjoint");
        }
        assertTrue(tried > 0, r + ": no size of the case is small enough for views; add one");
    }

    private static boolean small(Shape[] shapes) {
        return java.util.Arrays.stream(shapes).allMatch(s -> s.size() <= VIEW_SIZES);
    }

    private void assertComputesLikeSeparateTensors(AliasCase c, DType dtype, Shape[] shapes, double[][] data,
                                                   Layout layout, int[] from, int[] size, String what) {
        DType refType = dtype == DType.INT32 ? DType.INT32 : DType.FLOAT64;
        Result expected = run(reference, c, shapes, data, refType, Layout.separate(shapes.length));
        Result separate = run(backend, c, shapes, data, dtype, Layout.separate(shapes.length));
        Result aliased = run(backend, c, shapes, data, dtype, layout);
        Tolerance tol = Tolerance.of(dtype, c.reduction().of(size[0], size[1]));
        for (int r = 0; r < shapes.length; r++) {
            String role = c.roles().get(r).name();
            if (c.roles().get(r).dtypeIn(dtype) == DType.INT32) {
                assertArrayEquals(separate.roles()[from[r]], aliased.roles()[r], what + ": " + role
                        + ", aliased vs separate tensors on " + backend.name());
                assertArrayEquals(expected.roles()[from[r]], aliased.roles()[r], what + ": " + role
                        + ", aliased vs the reference");
            } else {
                tol.assertClose(what + ": " + role + ", aliased vs separate tensors on " + backend.name(),
                        separate.roles()[from[r]], aliased.roles()[r], shapes[r].cols());
                tol.assertClose(what + ": " + role + ", aliased vs the float64 reference", expected.roles()[from[r]],
                        aliased.roles()[r], shapes[r].cols());
            }
        }
        for (int b = 0; b < layout.bases().length; b++) {
            for (int e = 0; e < layout.bases()[b].length; e++) {
                if (!layout.covered(shapes, b, e)) {
                    assertEquals(PAD, aliased.bases()[b][e], what + ": element " + e + " of shared buffer " + b
                            + ", outside every view, was written");
                }
            }
        }
    }

    /**
     * The call must throw exactly InvalidArgumentException whose message passes {@code message} and names the backend,
     * and must leave every operand as it was and nothing allocated; with {@code beforeTheBackend} it must not have
     * called the backend at all (its counters unchanged), else only its live counters must be unchanged.
     */
    private void assertRejectedUntouched(AliasCase c, DType dtype, Shape[] shapes, double[][] data, Layout layout,
                                         boolean beforeTheBackend, java.util.function.Predicate<String> message,
                                         String shouldMessage, String what) {
        try (Scope s = backend.scope()) {
            Built t = tensors(backend, c, shapes, data, dtype, layout);
            Result before = contents(t);
            BackendStats stats = backend.stats();
            Throwable e = assertThrows(Throwable.class, () -> c.call().run(backend.ops(), t.roles()), what);
            BackendStats after = backend.stats();
            assertEquals(InvalidArgumentException.class, e.getClass(), () -> what + ": threw " + e);
            String m = e.getMessage();
            assertTrue(message.test(m), () -> what + ": the message should " + shouldMessage + ", it is: " + m);
            assertTrue(m.endsWith(" [" + backend.name() + "]"), () -> what + ": the message should name the backend: "
                    + m);
            assertEquals(stats.tensorsCreated(), after.tensorsCreated(), what + ": tensors were created");
            assertEquals(stats.liveTensors(), after.liveTensors(), what + ": live tensors changed");
            if (beforeTheBackend) {
                assertEquals(stats.backendCounters(), after.backendCounters(), what + ": the backend did something "
                        + "(allocated, launched or moved data)");
            } else {
                assertEquals(live(stats), live(after), what + ": the backend holds more or less than before");
            }
            Result now = contents(t);
            for (int r = 0; r < shapes.length; r++) {
                assertArrayEquals(before.roles()[r], now.roles()[r], what + ": " + c.roles().get(r).name()
                        + " was written");
            }
            for (int b = 0; b < before.bases().length; b++) {
                assertArrayEquals(before.bases()[b], now.bases()[b], what + ": shared buffer " + b + " was written");
            }
        }
    }

    /** The counters of what a backend holds now (live buffers, bytes, arena elements), by name. */
    private static java.util.Map<String, Long> live(BackendStats stats) {
        java.util.Map<String, Long> live = new java.util.TreeMap<>();
        stats.backendCounters().forEach((k, v) -> {
            if (k.startsWith("live")) {
                live.put(k, v);
            }
        });
        return live;
    }

    /**
     * Where each role's tensor comes from in one run: a tensor of its own holding data[r], the tensor of an earlier
     * role ({@code same[r]} ≥ 0), or a view of shared buffer {@code base[r]} (an N × 1 tensor) from element
     * {@code offset[r]}. {@code bases} holds the shared buffers' values, {@code data} every role's values (for a view,
     * read from its buffer, so that views that overlap agree).
     */
    record Layout(int[] same, int[] base, int[] offset, double[][] bases, double[][] data) {
        static Layout separate(int roles) {
            int[] same = new int[roles];
            int[] base = new int[roles];
            java.util.Arrays.fill(same, -1);
            java.util.Arrays.fill(base, -1);
            return new Layout(same, base, new int[roles], new double[0][], null);
        }

        /**
         * The roles listed in {@code at} ({role, offset}) as views of one buffer per dtype, holding their data (a later
         * role's values win where views overlap); the other roles get tensors of their own.
         */
        static Layout views(AliasCase c, DType dtype, Shape[] shapes, double[][] data, int[][] at) {
            Layout l = separate(shapes.length);
            List<DType> baseTypes = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            for (int[] a : at) {
                DType t = c.roles().get(a[0]).dtypeIn(dtype);
                int b = baseTypes.indexOf(t);
                if (b < 0) {
                    b = baseTypes.size();
                    baseTypes.add(t);
                    lengths.add(0);
                }
                l.base()[a[0]] = b;
                l.offset()[a[0]] = a[1];
                lengths.set(b, Math.max(lengths.get(b), a[1] + (int) shapes[a[0]].size() + 1));
            }
            double[][] bases = new double[baseTypes.size()][];
            for (int b = 0; b < bases.length; b++) {
                bases[b] = new double[lengths.get(b)];
                java.util.Arrays.fill(bases[b], PAD);
            }
            for (int[] a : at) {
                System.arraycopy(data[a[0]], 0, bases[l.base()[a[0]]], a[1], data[a[0]].length);
            }
            double[][] viewed = data.clone();
            for (int[] a : at) {
                viewed[a[0]] = java.util.Arrays.copyOfRange(bases[l.base()[a[0]]], a[1], a[1] + data[a[0]].length);
            }
            return new Layout(l.same(), l.base(), l.offset(), bases, viewed);
        }

        /** Whether element e of shared buffer b lies in a view. */
        boolean covered(Shape[] shapes, int b, int e) {
            for (int r = 0; r < base.length; r++) {
                if (base[r] == b && e >= offset[r] && e < offset[r] + shapes[r].size()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The tensors of one run: one per role, and the shared buffers behind the views. */
    private record Built(Tensor[] roles, Tensor[] bases) {
    }

    /** Every role's values after a run, and the whole of every shared buffer. */
    private record Result(double[][] roles, double[][] bases) {
    }

    /** The call on {@code be} with the roles' tensors laid out as {@code layout} says; returns what they hold after. */
    private static Result run(Backend be, AliasCase c, Shape[] shapes, double[][] data, DType dtype, Layout layout) {
        try (Scope s = be.scope()) {
            Built t = tensors(be, c, shapes, data, dtype, layout);
            c.call().run(be.ops(), t.roles());
            return contents(t);
        }
    }

    private static Built tensors(Backend be, AliasCase c, Shape[] shapes, double[][] data, DType dtype,
                                 Layout layout) {
        Tensor[] bases = new Tensor[layout.bases().length];
        for (int b = 0; b < bases.length; b++) {
            DType t = null;
            for (int r = 0; r < shapes.length && t == null; r++) {
                t = layout.base()[r] == b ? c.roles().get(r).dtypeIn(dtype) : null;
            }
            bases[b] = be.fromArray(layout.bases()[b], layout.bases()[b].length, 1, t);
        }
        Tensor[] roles = new Tensor[shapes.length];
        for (int r = 0; r < shapes.length; r++) {
            int n = (int) shapes[r].size();
            if (layout.same()[r] >= 0) {
                roles[r] = roles[layout.same()[r]];
            } else if (layout.base()[r] >= 0) {
                int at = layout.offset()[r];
                roles[r] = bases[layout.base()[r]].sliceRows(at, at + n).reshape(shapes[r].rows(), shapes[r].cols());
            } else {
                roles[r] = be.fromArray(data[r], shapes[r].rows(), shapes[r].cols(), c.roles().get(r).dtypeIn(dtype));
            }
        }
        return new Built(roles, bases);
    }

    private static Result contents(Built t) {
        double[][] roles = new double[t.roles().length][];
        for (int r = 0; r < roles.length; r++) {
            roles[r] = t.roles()[r].toDoubleArray();
        }
        double[][] bases = new double[t.bases().length][];
        for (int b = 0; b < bases.length; b++) {
            bases[b] = t.bases()[b].toDoubleArray();
        }
        return new Result(roles, bases);
    }

    /** Every role's values for a size: floats rounded to float in the role's range, INT32 integers in it. */
    private static double[][] data(AliasCase c, DType dtype, Shape[] shapes, int[] size, long seed) {
        double[][] d = new double[shapes.length][];
        for (int r = 0; r < shapes.length; r++) {
            AliasCase.Role role = c.roles().get(r);
            double[] range = role.range(dtype, size[0], size[1]);
            d[r] = HostData.uniform(seed * 7 + r, Math.toIntExact(shapes[r].size()), range[0], range[1]);
            if (role.dtypeIn(dtype) == DType.INT32) {
                for (int e = 0; e < d[r].length; e++) {
                    d[r][e] = Math.min(Math.floor(d[r][e]), range[1] - 1);  // float rounding may reach hi
                }
            }
        }
        return d;
    }

    /** A value both roles accept (the middle of both ranges; their lowest common integer for INT32). */
    private static double common(AliasCase.Role a, AliasCase.Role b, DType dtype, int[] size) {
        double[] ra = a.range(dtype, size[0], size[1]);
        double[] rb = b.range(dtype, size[0], size[1]);
        double lo = Math.max(ra[0], rb[0]);
        double hi = Math.min(ra[1], rb[1]);
        if (!(lo < hi)) {
            lo = ra[0];
            hi = ra[1];
        }
        return a.dtypeIn(dtype) == DType.INT32 ? Math.ceil(lo) : (float) ((lo + hi) / 2);
    }

    private static int[] identity(int n) {
        int[] from = new int[n];
        for (int r = 0; r < n; r++) {
            from[r] = r;
        }
        return from;
    }

    // ---- the guards ----------------------------------------------------------------------------------------------------

    /** Every SPI method that takes two or more buffers has a case with all of them; the table is consistent. */
    @Test
    void everySpiMethodWithTwoBuffersHasACaseWithEveryOperand() {
        TreeSet<String> missing = new TreeSet<>();
        for (Method m : ComputeBackend.class.getMethods()) {
            long buffers = Stream.of(m.getParameterTypes()).filter(DeviceBuffer.class::equals).count();
            if (buffers >= 2 && AliasCases.all().stream()
                    .noneMatch(c -> c.spi().equals(m.getName()) && c.roles().size() == buffers)) {
                missing.add(m.getName() + " (" + buffers + " buffers)");
            }
        }
        assertEquals(List.of(), List.copyOf(missing), "SPI methods without an alias case over all their buffers");
        for (AliasCase c : AliasCases.all()) {
            List<String> names = c.roles().stream().map(AliasCase.Role::name).toList();
            for (String pair : c.allowed()) {
                String[] two = pair.split("=");
                assertTrue(names.contains(two[0]) && names.contains(two[1]), c + ": allowed pair " + pair
                        + " names an operand the case does not have");
                assertTrue(c.roles().get(names.indexOf(two[0])).written()
                        ^ c.roles().get(names.indexOf(two[1])).written(), c + ": an allowed pair " + pair
                        + " must be one written and one read operand");
            }
        }
    }

    // ---- the Tensor API ------------------------------------------------------------------------------------------------

    /**
     * Tensor's methods alias nothing they write except axpyInPlace's x = this (allowed): every other method writes a
     * new tensor, also when given the same tensor twice, and computes what separate tensors give.
     */
    @Test
    void tensorMethodsWriteOnlyWhereAliasingIsAllowed() {
        double[] values = HostData.uniform(5, 9, 0.25, 1);
        List<String> names = List.of("matmul", "matmulTransA", "matmulTransB", "add", "sub", "hadamard", "div",
                "addRowVector", "scale", "sigmoid", "tanh", "relu", "exp", "log", "softmaxRows", "sumColumns", "sum",
                "mean", "copy", "maximum", "minimum", "mul", "transpose", "concatRows", "concatColumns");
        List<Function<Tensor, Tensor>> ops = List.of(t -> t.matmul(t), t -> t.matmulTransA(t), t -> t.matmulTransB(t),
                t -> t.add(t), t -> t.sub(t), t -> t.hadamard(t), t -> t.div(t), t -> t.addRowVector(t), t -> t.scale(2),
                Tensor::sigmoid, Tensor::tanh, Tensor::relu, Tensor::exp, Tensor::log, Tensor::softmaxRows,
                Tensor::sumColumns, Tensor::sum, Tensor::mean, Tensor::copy, t -> t.maximum(t), t -> t.minimum(t),
                t -> t.mul(t), Tensor::transpose, t -> Tensor.concatRows(t, t), t -> Tensor.concatColumns(t, t));
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            if (!backend.supports(dtype)) {
                continue;
            }
            for (int n = 0; n < ops.size(); n++) {
                int rows = names.get(n).equals("addRowVector") ? 1 : 3;  // a row vector added to itself: one row
                int cols = values.length / rows;
                double[] v = values;
                String what = "Tensor." + names.get(n) + " with one tensor twice [" + backend.name() + ", " + dtype
                        + "]";
                try (Scope s = backend.scope(); Scope r = reference.scope()) {
                    Tensor t = backend.fromArray(v, rows, cols, dtype);
                    Tensor result = ops.get(n).apply(t);
                    assertNotSame(t.buffer(), result.buffer(), what + " wrote into its input");
                    assertArrayEquals(v, t.toDoubleArray(), what + " changed its input");
                    double[] expected = ops.get(n).apply(reference.fromArray(v, rows, cols, DType.FLOAT64))
                            .toDoubleArray();
                    Tolerance.of(dtype, cols).assertClose(what, expected, result.toDoubleArray(), result.cols());
                }
            }
            try (Scope s = backend.scope()) {
                Tensor t = backend.fromArray(values, 3, 3, dtype);
                Tensor returned = t.axpyInPlace(0.5, t);                // t ← 0.5·t + t
                double[] expected = new double[values.length];
                for (int i = 0; i < values.length; i++) {
                    expected[i] = 1.5 * values[i];
                }
                assertTrue(returned == t, "axpyInPlace returns this");
                Tolerance.of(dtype, 1).assertClose("Tensor.axpyInPlace(0.5, this) [" + backend.name() + ", " + dtype
                        + "]", expected, t.toDoubleArray(), 3);
            }
        }
    }
}
