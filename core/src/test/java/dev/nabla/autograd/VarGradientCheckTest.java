package dev.nabla.autograd;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.contract.AutogradCheck;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference checks ({@link AutogradCheck}, FLOAT64, float64 reference backend) of every {@link Var} op, its
 * backward rule against central differences, at inputs away from the kinks; also reuse of one Var in several
 * places, views and slices at the edges, gathers with repeated indices, and gradients accumulated over backwards.
 * Non-scalar outputs are checked through {@link Var#backward(Tensor)} with a random seed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VarGradientCheckTest {
    private Backend be;
    private final List<Tensor> owned = new ArrayList<>();
    private long seed = 100;

    @BeforeAll
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    /** The test methods of this class that ran: the guard below judges only a whole run of the class. */
    private final java.util.Set<String> ran = new java.util.HashSet<>();

    @BeforeEach
    void note(TestInfo info) {
        ran.add(info.getTestMethod().orElseThrow().getName());
    }

    @AfterAll
    void stop() {
        owned.forEach(Tensor::close);
        assertEquals(0, be.stats().liveTensors(), () -> "left alive: " + be.liveTensorDescriptions());
        be.close();
        everyVarOpHadItsBackwardRuleChecked();
    }

    /**
     * The guard of backward rules (next.md, "one op, one place"): every public {@link Var} method that records an op
     * (it returns a Var; the leaf makers {@code parameter} and {@code constant} aside) must have had its rule run in a
     * passing finite-difference check of this class. A new op without a gradient check fails here, naming it. It
     * judges a whole run of the class only (a run filtered to some methods cannot say what the others cover).
     */
    private void everyVarOpHadItsBackwardRuleChecked() {
        java.util.Set<String> all = new java.util.HashSet<>();
        for (java.lang.reflect.Method m : VarGradientCheckTest.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(ParameterizedTest.class)) {
                all.add(m.getName());
            }
        }
        if (!ran.containsAll(all)) {
            return;
        }
        java.util.Set<String> checked = new java.util.TreeSet<>();
        for (String op : AutogradCheck.CHECKED_OPS) {
            int paren = op.indexOf('(');
            checked.add(paren < 0 ? op : op.substring(0, paren));
        }
        java.util.Set<String> missing = new java.util.TreeSet<>();
        for (java.lang.reflect.Method m : Var.class.getMethods()) {
            if (m.getReturnType() == Var.class && m.getDeclaringClass() == Var.class
                    && !java.util.Set.of("parameter", "constant").contains(m.getName())
                    && !checked.contains(m.getName())) {
                missing.add(m.getName());
            }
        }
        assertEquals(java.util.Set.of(), missing, "Var ops whose backward rule no gradient check ran (checked: "
                + checked + ")");
    }

    /** A FLOAT64 rows × cols tensor of values uniform in [lo, hi). */
    private Tensor u(int rows, int cols, double lo, double hi) {
        return own(be.fromArray(HostData.uniform(seed++, rows * cols, lo, hi), rows, cols, DType.FLOAT64));
    }

    /** Values in ±[0.1, 1): away from 0 (the kink of relu and abs). */
    private Tensor awayFromZero(int rows, int cols) {
        double[] v = HostData.uniform(seed++, rows * cols, -0.9, 0.9);
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] < 0 ? v[i] - 0.1 : v[i] + 0.1;
        }
        return own(be.fromArray(v, rows, cols, DType.FLOAT64));
    }

    private Tensor of(int rows, int cols, double... v) {
        return own(be.fromArray(v, rows, cols, DType.FLOAT64));
    }

    private Tensor ints(int... v) {
        return own(be.fromInts(v));
    }

    private Tensor own(Tensor t) {
        owned.add(t.detach());
        return t;
    }

    private void check(String what, AutogradCheck.Program p, Tensor... params) {
        AutogradCheck.assertGradients(what, be, p, params);
    }

    // ---- products -------------------------------------------------------------------------------------------------

    @Test
    void matmulAndMatmulTransB() {
        check("matmul", v -> v[0].matmul(v[1]), u(3, 4, -1, 1), u(4, 2, -1, 1));
        check("matmulTransB", v -> v[0].matmulTransB(v[1]), u(3, 4, -1, 1), u(5, 4, -1, 1));
        check("matmul 1×1 · 1×1 to a scalar", v -> v[0].matmul(v[1]), u(1, 1, -1, 1), u(1, 1, -1, 1));
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"SIGMOID", "TANH", "RELU", "IDENTITY"})
    void linearThroughTheFusedKernels(Activation g) {
        Tensor x = u(5, 3, -1, 1), w = u(3, 4, -1, 1), b = u(1, 4, -1, 1);
        try (Tensor z = x.matmul(w).detach(); Tensor zb = z.addRowVector(b).detach()) {
            double closest = java.util.Arrays.stream(zb.toDoubleArray()).map(Math::abs).min().orElseThrow();
            assertTrue(g != Activation.RELU || closest > 1e-3, "the pre-activations stay away from relu's kink: "
                    + closest);
        }
        check("linear " + g, v -> v[0].linear(v[1], v[2], g), x, w, b);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"SIGMOID", "TANH", "RELU", "IDENTITY"})
    void linearTransBThroughTheFusedKernels(Activation g) {
        Tensor x = u(5, 3, -1, 1), w = u(4, 3, -1, 1), b = u(1, 4, -1, 1);
        try (Tensor z = x.matmulTransB(w).detach(); Tensor zb = z.addRowVector(b).detach()) {
            double closest = java.util.Arrays.stream(zb.toDoubleArray()).map(Math::abs).min().orElseThrow();
            assertTrue(g != Activation.RELU || closest > 1e-3, "the pre-activations stay away from relu's kink: "
                    + closest);
        }
        check("linearTransB " + g, v -> v[0].linearTransB(v[1], v[2], g), x, w, b);
    }

    // ---- pointwise ------------------------------------------------------------------------------------------------

    @Test
    void binaryPointwise() {
        check("add", v -> v[0].add(v[1]), u(3, 4, -1, 1), u(3, 4, -1, 1));
        check("sub", v -> v[0].sub(v[1]), u(3, 4, -1, 1), u(3, 4, -1, 1));
        check("mul", v -> v[0].mul(v[1]), u(3, 4, -1, 1), u(3, 4, -1, 1));
        check("div", v -> v[0].div(v[1]), u(3, 4, -1, 1), awayFromZero(3, 4));
    }

    @Test
    void scalarForms() {
        check("add(scalar)", v -> v[0].add(0.7), u(2, 3, -1, 1));
        check("mul(scalar)", v -> v[0].mul(-1.3), u(2, 3, -1, 1));
        check("rsub", v -> v[0].rsub(2.5), u(2, 3, -1, 1));
        check("neg", v -> v[0].neg(), u(2, 3, -1, 1));
    }

    @Test
    void unaryPointwise() {
        check("exp", v -> v[0].exp(), u(3, 4, -2, 2));
        check("log", v -> v[0].log(), u(3, 4, 0.3, 3));
        check("sigmoid", v -> v[0].sigmoid(), u(3, 4, -4, 4));
        check("tanh", v -> v[0].tanh(), u(3, 4, -2, 2));
        check("relu", v -> v[0].relu(), awayFromZero(3, 4));
        check("sqrt", v -> v[0].sqrt(), u(3, 4, 0.2, 4));
        check("square", v -> v[0].square(), u(3, 4, -2, 2));
        check("pow 2.5", v -> v[0].pow(2.5), u(3, 4, 0.2, 2));
        check("pow -1.5", v -> v[0].pow(-1.5), u(3, 4, 0.5, 2));
        check("pow 3 of negatives", v -> v[0].pow(3), u(3, 4, -2, -0.1));
        check("abs", v -> v[0].abs(), awayFromZero(3, 4));
        check("clamp", v -> v[0].clamp(-0.5, 0.5), of(2, 4, -0.9, -0.51, -0.49, -0.1, 0.2, 0.49, 0.51, 1.3));
    }

    // ---- broadcasts -----------------------------------------------------------------------------------------------

    @Test
    void rowAndColumnBroadcasts() {
        check("addRowVector", v -> v[0].addRowVector(v[1]), u(4, 3, -1, 1), u(1, 3, -1, 1));
        check("mulRowVector", v -> v[0].mulRowVector(v[1]), u(4, 3, -1, 1), u(1, 3, -1, 1));
        check("subColumnVector", v -> v[0].subColumnVector(v[1]), u(4, 3, -1, 1), u(4, 1, -1, 1));
        check("divColumnVector", v -> v[0].divColumnVector(v[1]), u(4, 3, -1, 1), awayFromZero(4, 1));
        check("mulColumnVector", v -> v[0].mulColumnVector(v[1]), u(4, 3, -1, 1), u(4, 1, -1, 1));
    }

    @Test
    void broadcastToFromEveryShape() {
        check("broadcastTo from 1×1", v -> v[0].broadcastTo(3, 4), u(1, 1, -1, 1));
        check("broadcastTo from a row", v -> v[0].broadcastTo(3, 4), u(1, 4, -1, 1));
        check("broadcastTo from a column", v -> v[0].broadcastTo(3, 4), u(3, 1, -1, 1));
        check("broadcastTo to its own shape", v -> v[0].broadcastTo(3, 4), u(3, 4, -1, 1));
        check("broadcastTo from 1×1 to a row", v -> v[0].broadcastTo(1, 5), u(1, 1, -1, 1));
    }

    // ---- reductions -----------------------------------------------------------------------------------------------

    @Test
    void reductions() {
        check("sum", v -> v[0].sum(), u(3, 4, -1, 1));
        check("mean", v -> v[0].mean(), u(3, 4, -1, 1));
        check("sumRows", v -> v[0].sumRows(), u(3, 4, -1, 1));
        check("sumColumns", v -> v[0].sumColumns(), u(3, 4, -1, 1));
        check("meanRows", v -> v[0].meanRows(), u(3, 4, -1, 1));
        // distinct values, the maximum of each row ≥ 0.1 above the next (no ties)
        check("maxRows", v -> v[0].maxRows(), of(3, 4, 0.3, 0.9, -0.2, 0.1, -0.5, -0.9, -0.3, -0.7, 0.2, 0.1, 0.0, 0.4));
    }

    // ---- layout ---------------------------------------------------------------------------------------------------

    @Test
    void transposeAndReshape() {
        check("transpose", v -> v[0].transpose(), u(3, 4, -1, 1));
        check("reshape", v -> v[0].reshape(2, 6), u(3, 4, -1, 1));
        check("reshape to a row", v -> v[0].reshape(1, 12), u(3, 4, -1, 1));
    }

    @Test
    void slicesAtTheEdgesAndInside() {
        check("sliceRows inside", v -> v[0].sliceRows(1, 3), u(4, 3, -1, 1));
        check("sliceRows from 0", v -> v[0].sliceRows(0, 2), u(4, 3, -1, 1));
        check("sliceRows to the end", v -> v[0].sliceRows(2, 4), u(4, 3, -1, 1));
        check("sliceColumns inside", v -> v[0].sliceColumns(1, 3), u(3, 5, -1, 1));
        check("sliceColumns from 0", v -> v[0].sliceColumns(0, 2), u(3, 5, -1, 1));
        check("sliceColumns to the end", v -> v[0].sliceColumns(3, 5), u(3, 5, -1, 1));
        check("sliceColumns whole", v -> v[0].sliceColumns(0, 5), u(3, 5, -1, 1));
        check("slices of one Var, overlapping",
                v -> v[0].sliceRows(0, 3).mul(v[0].sliceRows(1, 4)).sliceColumns(1, 3), u(4, 3, -1, 1));
    }

    @Test
    void gatherWithRepeatedIndices() {
        Tensor idx = ints(2, 0, 2, 2, 1);
        check("gatherRows, row 2 three times", v -> v[0].gatherRows(idx), u(4, 3, -1, 1));
        check("gatherRows then a product", v -> v[0].gatherRows(idx).matmul(v[1]), u(4, 3, -1, 1), u(3, 2, -1, 1));
    }

    @Test
    void concatenationsAndWhere() {
        check("concatRows", v -> Var.concatRows(v[0], v[1]), u(2, 3, -1, 1), u(4, 3, -1, 1));
        check("concatColumns", v -> Var.concatColumns(v[0], v[1], v[0]), u(3, 2, -1, 1), u(3, 4, -1, 1));
        check("concatRows of one Var with itself", v -> Var.concatRows(v[0], v[0].exp(), v[0]), u(2, 3, -1, 1));
        Tensor mask = own(be.fromArray(new int[]{1, 0, 0, 1, 1, 0}, 2, 3));
        check("where", v -> Var.where(mask, v[0], v[1]), u(2, 3, -1, 1), u(2, 3, -1, 1));
        check("where of one Var with itself", v -> Var.where(mask, v[0], v[0].square()), u(2, 3, -1, 1));
    }

    // ---- softmax and losses ---------------------------------------------------------------------------------------

    @Test
    void softmaxAndLosses() {
        check("softmaxRows", v -> v[0].softmaxRows(), u(3, 4, -2, 2));
        Tensor oneHot = of(3, 4, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1);
        Tensor soft = of(2, 3, 0.2, 0.5, 0.3, 0.6, 0.1, 0.3);
        check("crossEntropyWithLogits, one-hot", v -> v[0].crossEntropyWithLogits(oneHot), u(3, 4, -3, 3));
        check("crossEntropyWithLogits, soft targets", v -> v[0].crossEntropyWithLogits(soft), u(2, 3, -3, 3));
        check("crossEntropyWithLogits, large logits", v -> v[0].mul(50).crossEntropyWithLogits(oneHot),
                u(3, 4, -3, 3));
        Tensor bits = u(3, 2, 0, 1);
        check("binaryCrossEntropyWithLogits", v -> v[0].binaryCrossEntropyWithLogits(bits), u(3, 2, -3, 3));
        Tensor targets = u(3, 2, -1, 1);
        check("mse", v -> v[0].mse(targets), u(3, 2, -1, 1));
        check("a loss in the middle of a graph", v -> v[0].mse(targets).broadcastTo(3, 2).mul(v[0]),
                u(3, 2, -1, 1));
    }

    // ---- reuse and accumulation -----------------------------------------------------------------------------------

    @Test
    void oneVarUsedInSeveralPlaces() {
        check("x ⊙ x", v -> v[0].mul(v[0]), u(3, 3, -1, 1));
        check("x used four times", v -> v[0].mul(v[0].exp()).add(v[0].tanh()).matmul(v[0]), u(3, 3, -1, 1));
        check("a diamond: y = tanh x; y ⊙ σ(y) + y", v -> {
            Var y = v[0].tanh();
            return y.mul(y.sigmoid()).add(y);
        }, u(3, 3, -1, 1));
        check("shared trunk, two heads", v -> {
            Var h = v[0].matmul(v[1]).tanh();
            return h.matmul(v[2]).sum().add(h.square().mean());
        }, u(4, 3, -1, 1), u(3, 5, -1, 1), u(5, 2, -1, 1));
        check("tied weights: x · W · Wᵀ", v -> v[0].matmul(v[1]).tanh().matmulTransB(v[1]),
                u(4, 3, -1, 1), u(3, 5, -1, 1));
    }

    @Test
    void gradientsAccumulateOverBackwardsUntilZeroGrad() {
        Tensor x = u(3, 4, -1, 1), w = u(4, 2, -1, 1);
        try (Var p = Var.parameter(w)) {
            double[] once;
            try (Graph g = Graph.record(be)) {
                Var.constant(x).matmul(p).tanh().sum().backward();
            }
            once = p.grad().toDoubleArray();
            try (Graph g = Graph.record(be)) {
                Var.constant(x).matmul(p).tanh().sum().backward();
            }
            double[] twice = p.grad().toDoubleArray();
            for (int i = 0; i < once.length; i++) {
                assertEquals(2 * once[i], twice[i], 1e-12 * Math.abs(once[i]), "element " + i);
            }
            p.zeroGrad();
            assertEquals(null, p.grad());
            try (Graph g = Graph.record(be)) {
                Var.constant(x).matmul(p).tanh().sum().backward();
            }
            assertArrayEquals(once, p.grad().toDoubleArray(), 0, "after zeroGrad the gradient starts afresh");
        }
    }

    @Test
    void constantsGetNoGradientAndNoGradRecordsNothing() {
        Tensor x = u(2, 2, -1, 1);
        try (Var p = Var.parameter(x); Graph g = Graph.noGrad(be)) {
            Var y = p.mul(p);
            assertTrue(!y.requiresGrad() && !g.isRecording());
        }
        try (Graph g = Graph.record(be)) {
            Var c = Var.constant(x);
            assertTrue(!c.requiresGrad() && !c.exp().requiresGrad() && c.isLeaf());
        }
    }
}
