package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.NablaException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The bad-input contract: every row of {@link BadInputCases}, run on the backend under test, must throw exactly its
 * typed exception with a message naming the op, the shapes and the backend; afterwards no tensor and no device
 * memory the call allocated may be left alive, and the backend must still compute correctly. The edge inputs of
 * {@link EdgeCases} (zero rows, columns or inner dimensions) must work. Last, a network trained on the backend after
 * all of that must give exactly (bitwise) what it gives on a fresh instance.
 *
 * <p>A backend module extends this class with {@link #createBackend()} (a fresh instance each call; the contract
 * closes it) and, optionally, {@link #createOtherBackend()} (whose tensors must never be mixed in).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(NoSkipOnCi.class)
public abstract class BadInputContract {

    /** A new instance of the backend under test; the contract closes it. */
    protected abstract Backend createBackend();

    /** A second backend for the mixed-backend cases; the float64 reference unless overridden. */
    protected Backend createOtherBackend() {
        return Backend.wrap(new ReferenceBackend());
    }

    private Backend backend;
    private Backend other;
    private Backend closedBackend;

    @BeforeAll
    void startBackends() {
        backend = createBackend();
        other = createOtherBackend();
        closedBackend = createBackend();
        closedBackend.close();
    }

    @AfterAll
    void stopBackends() {
        if (backend != null) {
            backend.close();
        }
        if (other != null) {
            other.close();
        }
    }

    Stream<BadInput> badInputs() {
        return BadInputCases.all().stream();
    }

    Stream<EdgeCases.EdgeCase> edges() {
        return EdgeCases.all().stream();
    }

    /** What must be the same before and after a case: live tensors on both backends and live device bytes. */
    private long[] footprint() {
        return new long[]{backend.stats().liveTensors(), other.stats().liveTensors(),
                backend.stats().counter("liveDeviceBytes"), other.stats().counter("liveDeviceBytes")};
    }

    private static final String[] FOOTPRINT = {"live tensors", "live tensors on the other backend",
            "live device bytes", "live device bytes on the other backend"};

    private void assertSameFootprint(long[] before, String what) {
        long[] after = footprint();
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], what + " left something behind: " + FOOTPRINT[i] + "; alive now: "
                    + backend.liveTensorDescriptions());
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsItsTypedErrorLeavesNothingBehindAndTheBackendStillWorks(BadInput c) {
        long[] before = footprint();
        NablaException e;
        try (BadInputFixture f = new BadInputFixture(backend, other, closedBackend)) {
            e = assertThrows(NablaException.class, () -> c.call().run(f), c::toString);
        }
        assertEquals(c.expected(), e.getClass(), () -> c + ": threw " + e);
        for (String part : c.message()) {
            String want = part.replace("{be}", backend.name()).replace("{other}", other.name());
            assertTrue(e.getMessage().contains(want), () -> c + ":\n  message: " + e.getMessage()
                    + "\n  should contain: " + want);
        }
        assertSameFootprint(before, c.toString());
        assertComputesCorrectly(backend);
    }

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("edges")
    void edgeInputsWorkAndGiveTheDefinedResult(EdgeCases.EdgeCase c) {
        long[] before = footprint();
        try (Scope s = backend.scope()) {
            c.check().accept(backend);
        }
        assertSameFootprint(before, c.name());
        assertComputesCorrectly(backend);
    }

    /** Every kind of bad input appears, every case names the backend when a backend is involved. */
    @Order(3)
    @Test
    void theMatrixCoversEveryKindAndNamesTheBackend() {
        List<BadInput> all = BadInputCases.all();
        for (String kind : BadInput.KINDS) {
            assertTrue(all.stream().anyMatch(c -> c.kind().equals(kind)), "no case of kind " + kind);
        }
        List<String> silent = new ArrayList<>();
        for (BadInput c : all) {
            boolean backendFree = c.op().startsWith("Optimizers.") || c.op().startsWith("Sgd.")
                    || c.op().startsWith("Adam.") || c.op().equals("Shape.new") || c.kind().equals("null")
                    && (c.op().equals("NetworkBuilder.build") || c.op().equals("Backend.wrap")
                    || c.op().equals("GradientCheck.run") || c.op().startsWith("Var.")
                    || c.op().startsWith("Graph."))
                    // a concatenation of no tensor at all has no backend to name
                    || c.op().startsWith("Tensor.concat") && c.message()[0].endsWith("there are no parts to concatenate");
            if (!backendFree && java.util.Arrays.stream(c.message()).noneMatch(m -> m.contains("{be}"))) {
                silent.add(c.toString());
            }
        }
        assertEquals(List.of(), silent, "cases whose expected message does not name the backend");
        assertTrue(all.size() >= 200, "the matrix has " + all.size() + " cases");
    }

    /** Public methods that take no input that could be bad (getters, close, toString) or only a seed. */
    private static final java.util.Set<String> NO_BAD_INPUT = java.util.Set.of(
            "Tensor.shape", "Tensor.rows", "Tensor.cols", "Tensor.size", "Tensor.dtype", "Tensor.backend",
            "Tensor.isClosed", "Tensor.isView", "Tensor.detach", "Tensor.close", "Tensor.toString",
            "Backend.name", "Backend.description", "Backend.supports", "Backend.ops", "Backend.compute",
            "Backend.stats", "Backend.isClosed", "Backend.leakDetection", "Backend.close",
            "Backend.liveTensorDescriptions", "Backend.leakReports", "Backend.toString",
            "Network.builder", "Network.backend", "Network.dtype", "Network.layers", "Network.inputSize",
            "Network.outputSize", "Network.precision", "Network.precisionStats", "Network.activationStorage",
            "Network.isClosed", "Network.close", "Network.toString", "NetworkBuilder.seed",
            // an optimizer's step is called by Network with the network's own parameters
            "Sgd.learningRate", "Sgd.step", "Sgd.close", "Sgd.toString",
            "Adam.steps", "Adam.step", "Adam.close", "Adam.toString",
            // autograd accessors; zeroGrad and close free what the Var owns and take nothing
            "Var.value", "Var.grad", "Var.requiresGrad", "Var.isLeaf", "Var.dtype", "Var.zeroGrad", "Var.close",
            "Var.toString", "Graph.isRecording", "Graph.recordedOps", "Graph.close");

    /** Every public method of the tensor API, the backend, its ops, networks and optimizers has its rows. */
    @Order(3)
    @Test
    void everyPublicOpHasBadInputCases() {
        java.util.Set<String> covered = new java.util.TreeSet<>();
        BadInputCases.all().forEach(c -> covered.add(c.op()));
        List<String> missing = new ArrayList<>();
        for (Class<?> cls : List.of(Tensor.class, Backend.class, dev.nabla.Ops.class, Network.class,
                dev.nabla.nn.NetworkBuilder.class, Optimizers.class, dev.nabla.nn.Sgd.class, dev.nabla.nn.Adam.class,
                dev.nabla.nn.GradientCheck.class, dev.nabla.autograd.Var.class, dev.nabla.autograd.Graph.class)) {
            for (java.lang.reflect.Method m : cls.getDeclaredMethods()) {
                String name = cls.getSimpleName() + "." + m.getName();
                if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()
                        && !NO_BAD_INPUT.contains(name) && !covered.contains(name)) {
                    missing.add(name);
                }
            }
        }
        assertEquals(List.of(), missing.stream().distinct().sorted().toList(), "public methods without bad-input cases");
    }

    /** After the whole matrix, the backend trains a network exactly (bitwise) as a fresh instance of it does. */
    @Order(4)
    @Test
    void afterEverythingTheBackendTrainsBitwiseLikeAFreshOne() {
        double[][] used = train(backend);
        Backend fresh = createBackend();
        try {
            double[][] clean = train(fresh);
            for (int i = 0; i < clean.length; i++) {
                assertArrayEquals(clean[i], used[i], "parameter " + i + " after 20 Adam steps");
            }
        } finally {
            fresh.close();
        }
    }

    private static double[][] train(Backend be) {
        try (Scope s = be.scope();
             Network net = Network.builder().input(6).dense(9, Activation.TANH).dense(3, Activation.SOFTMAX)
                     .loss(Loss.CROSS_ENTROPY).seed(11).build(be);
             Optimizer opt = Optimizers.adam(0.05)) {
            Tensor x = be.fromArray(HostData.uniform(3, 33 * 6, -1, 1), 33, 6, dev.nabla.DType.FLOAT32);
            Tensor t = be.fromArray(HostData.oneHot(4, 33, 3), 33, 3, dev.nabla.DType.FLOAT32);
            for (int i = 0; i < 20; i++) {
                net.trainStepWithoutLoss(x, t, opt);
            }
            return new double[][]{net.weights(0), net.biases(0), net.weights(1), net.biases(1)};
        }
    }

    /** A few ops whose float32 results are exact: the backend still computes after whatever the case did to it. */
    public static void assertComputesCorrectly(Backend be) {
        try (Scope s = be.scope()) {
            Tensor a = be.fromArray(new float[]{1, 2, 3, 4}, 2, 2);
            assertArrayEquals(new float[]{7, 10, 15, 22}, a.matmul(a).toFloatArray(), "a·a");
            assertArrayEquals(new float[]{2, 4, 6, 8}, a.add(a).toFloatArray(), "a + a");
            assertArrayEquals(new float[]{4, 6}, a.sumColumns().toFloatArray(), "1ᵀa");
            assertEquals(10.0, a.sum().item(), "Σa");
        } catch (NablaException e) {
            fail("the backend no longer works: " + e, e);
        }
    }
}
