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
 * each of its variants) and every pair of its operands, the call is made through {@code Ops} with both operands the
 * same tensor. Where the SPI's rules allow the pair, every result must match, element by element, the same call
 * with separate tensors on the same backend and on the float64 {@link ReferenceBackend}. Where they forbid it, the
 * call must throw exactly {@link InvalidArgumentException} naming the op, both operands and the backend, and must
 * have written, launched and allocated nothing. Tensor's own methods are checked to alias only where allowed.
 *
 * <p>A backend module extends this class with {@link #createBackend()} (a fresh instance; the contract closes it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class AliasContract {

    /** A new instance of the backend under test; the contract closes it. */
    protected abstract Backend createBackend();

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

    Stream<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>();
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (AliasCase c : AliasCases.all()) {
                for (int i = 0; i < c.roles().size(); i++) {
                    for (int j = i + 1; j < c.roles().size(); j++) {
                        pairs.add(new Pair(c, i, j, dtype));
                    }
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void everyPairOfOperandsIsComputedRightOrRejected(Pair p) {
        assumeTrue(backend.supports(p.dtype()), backend.name() + " does not support " + p.dtype() + " here: "
                + backend.description());
        AliasCase c = p.c();
        int tried = 0;
        for (int[] size : c.sizes()) {
            Shape[] shapes = c.shapes().of(size[0], size[1]);
            if (!shapes[p.i()].equals(shapes[p.j()])) {
                continue;                                        // these two cannot be one tensor at this size
            }
            tried++;
            double[][] data = data(c, shapes, 31L * size[0] + size[1]);
            data[p.j()] = data[p.i()];                           // one tensor holds one set of values
            String what = p + " " + size[0] + "×" + size[1];
            if (c.mayAlias(p.i(), p.j())) {
                assertAliasComputesLikeSeparateTensors(p, shapes, data, c.reduction().of(size[0], size[1]), what);
            } else {
                assertAliasIsRejectedUntouched(p, shapes, data, what);
            }
        }
        assertTrue(tried > 0, p + ": no size of the case gives both operands one shape; add one");
    }

    private void assertAliasComputesLikeSeparateTensors(Pair p, Shape[] shapes, double[][] data, int k, String what) {
        AliasCase c = p.c();
        double[][] expected = run(reference, c, shapes, data, DType.FLOAT64, -1, -1);
        double[][] separate = run(backend, c, shapes, data, p.dtype(), -1, -1);
        double[][] aliased = run(backend, c, shapes, data, p.dtype(), p.i(), p.j());
        // the shared tensor ends holding the result of the written operand of the two (or its input, when neither is)
        int holder = c.roles().get(p.j()).written() ? p.j() : p.i();
        Tolerance tol = Tolerance.of(p.dtype(), k);
        for (int r = 0; r < shapes.length; r++) {
            int from = r == p.i() || r == p.j() ? holder : r;
            String role = c.roles().get(r).name();
            tol.assertClose(what + ": " + role + ", aliased vs separate tensors on " + backend.name(), separate[from],
                    aliased[r], shapes[r].cols());
            tol.assertClose(what + ": " + role + ", aliased vs the float64 reference", expected[from], aliased[r],
                    shapes[r].cols());
        }
    }

    private void assertAliasIsRejectedUntouched(Pair p, Shape[] shapes, double[][] data, String what) {
        AliasCase c = p.c();
        try (Scope s = backend.scope()) {
            Tensor[] t = tensors(backend, shapes, data, p.dtype(), p.i(), p.j());
            double[][] before = contents(t);
            BackendStats stats = backend.stats();
            Throwable e = assertThrows(Throwable.class, () -> c.call().run(backend.ops(), t), what);
            BackendStats after = backend.stats();
            assertEquals(InvalidArgumentException.class, e.getClass(), () -> what + ": threw " + e);
            String m = e.getMessage();
            String start1 = c.op() + ": " + p.first() + " and " + p.second() + " ";
            String start2 = c.op() + ": " + p.second() + " and " + p.first() + " ";
            assertTrue(m.startsWith(start1) || m.startsWith(start2), () -> what + ": the message should name the op "
                    + "and both operands (\"" + start1 + "...\"), it is: " + m);
            assertTrue(m.endsWith(" [" + backend.name() + "]"), () -> what + ": the message should name the backend: "
                    + m);
            assertEquals(stats.tensorsCreated(), after.tensorsCreated(), what + ": tensors were created");
            assertEquals(stats.liveTensors(), after.liveTensors(), what + ": live tensors changed");
            assertEquals(stats.backendCounters(), after.backendCounters(), what + ": the backend did something "
                    + "(allocated, launched or moved data)");
            double[][] now = contents(t);
            for (int r = 0; r < t.length; r++) {
                assertArrayEquals(before[r], now[r], what + ": " + c.roles().get(r).name() + " was written");
            }
        }
    }

    /**
     * The call on {@code be} with a tensor per role from {@code data}, role {@code j} being role {@code i}'s tensor
     * when i ≥ 0; returns every role's values afterwards.
     */
    private static double[][] run(Backend be, AliasCase c, Shape[] shapes, double[][] data, DType dtype, int i, int j) {
        try (Scope s = be.scope()) {
            Tensor[] t = tensors(be, shapes, data, dtype, i, j);
            c.call().run(be.ops(), t);
            return contents(t);
        }
    }

    private static Tensor[] tensors(Backend be, Shape[] shapes, double[][] data, DType dtype, int i, int j) {
        Tensor[] t = new Tensor[shapes.length];
        for (int r = 0; r < shapes.length; r++) {
            t[r] = r == j && i >= 0 ? t[i] : be.fromArray(data[r], shapes[r].rows(), shapes[r].cols(), dtype);
        }
        return t;
    }

    private static double[][] contents(Tensor[] t) {
        double[][] v = new double[t.length][];
        for (int r = 0; r < t.length; r++) {
            v[r] = t[r].toDoubleArray();
        }
        return v;
    }

    private static double[][] data(AliasCase c, Shape[] shapes, long seed) {
        double[][] d = new double[shapes.length][];
        for (int r = 0; r < shapes.length; r++) {
            AliasCase.Role role = c.roles().get(r);
            d[r] = HostData.uniform(seed * 7 + r, Math.toIntExact(shapes[r].size()), role.lo(), role.hi());
        }
        return d;
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
                "mean", "copy");
        List<Function<Tensor, Tensor>> ops = List.of(t -> t.matmul(t), t -> t.matmulTransA(t), t -> t.matmulTransB(t),
                t -> t.add(t), t -> t.sub(t), t -> t.hadamard(t), t -> t.div(t), t -> t.addRowVector(t), t -> t.scale(2),
                Tensor::sigmoid, Tensor::tanh, Tensor::relu, Tensor::exp, Tensor::log, Tensor::softmaxRows,
                Tensor::sumColumns, Tensor::sum, Tensor::mean, Tensor::copy);
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
