package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.BackendMismatchException;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.IndexOutOfRangeException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.autograd.AutogradException;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.io.HostTensor;
import dev.nabla.io.WeightsMismatchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Modules on the float64 reference backend: names and order of parameters, each layer's forward and gradient against
 * a hand computation (written out in the test, in double precision), modes, copies, state dicts, errors, and that
 * nothing is left allocated (every test ends with zero live tensors on a leak-detecting backend).
 */
class ModuleTest {
    private static final double TOL = 1e-12;
    private static final DType F64 = DType.FLOAT64;

    private Backend be;

    @BeforeEach
    void open() {
        be = Backend.wrap(new ReferenceBackend(), true);
    }

    @AfterEach
    void close() {
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
        be.close();
    }

    // ---- names and order ---------------------------------------------------------------------------------------------

    @Test
    void parametersHavePyTorchsDottedNamesInOrder() {
        try (Linear l = new Linear(3, 2, be, 1)) {
            assertEquals(List.of("weight", "bias"), List.copyOf(l.parameters().keySet()));
            assertSame(l.weight(), l.parameters().get("weight"));
            assertEquals(2, l.weight().value().rows(), "weight is out × in");
            assertEquals(3, l.weight().value().cols());
            assertEquals(1, l.bias().value().rows(), "bias is 1 × out");
            assertEquals(2, l.bias().value().cols());
            assertEquals(8, l.parameterCount());
        }
        try (Sequential s = new Sequential(new Linear(3, 4, be, 1), new ReLU(), new Linear(4, 2, be, 2),
                new Dropout(0.5, 3), new Residual(new Sequential(new LayerNorm(2, 1e-5, be), new Tanh())),
                new Sigmoid())) {
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.inner.0.weight", "4.inner.0.bias"),
                    List.copyOf(s.parameters().keySet()));
            assertEquals(List.of("0", "1", "2", "3", "4", "5"), List.copyOf(s.children().keySet()));
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.inner.0.weight", "4.inner.0.bias"),
                    List.copyOf(s.stateDict().keySet()));
            assertArrayEquals(new int[] {4, 3}, s.stateDict().get("0.weight").shape());
            assertArrayEquals(new int[] {4}, s.stateDict().get("0.bias").shape(), "a bias is saved as [out]");
            assertArrayEquals(new int[] {2}, s.stateDict().get("4.inner.0.weight").shape());
        }
    }

    @Test
    void printsAsPyTorch() {
        try (Sequential s = new Sequential(new Linear(3, 4, be, 1), new ReLU(), new Dropout(0.25, 1))) {
            assertEquals("Sequential(\n  (0): Linear(in_features=3, out_features=4, bias=True)\n  (1): ReLU()\n"
                    + "  (2): Dropout(p=0.25, inplace=False)\n)", s.toString());
        }
    }

    // ---- Linear ------------------------------------------------------------------------------------------------------

    /** W then b uniform in [−1/√in, 1/√in) from the seed's SplitMix64 stream: the stream behind Backend.rand. */
    @Test
    void linearIsInitialisedAsTorchFromTheSeedOnTheHost() {
        int in = 5, out = 3;
        double bound = 1 / Math.sqrt(in);
        double[] u;
        try (Tensor r = be.rand(1, in * out + out, 77, F64)) {
            u = r.toDoubleArray();
        }
        try (Linear l64 = new Linear(in, out, be, 77, F64); Linear l32 = new Linear(in, out, be, 77);
             Backend other = Backend.wrap(new ReferenceBackend());
             Linear elsewhere = new Linear(in, out, other, 77, F64)) {
            double[] w = l64.weight().value().toDoubleArray();
            double[] b = l64.bias().value().toDoubleArray();
            for (int i = 0; i < w.length; i++) {
                assertEquals((2 * u[i] - 1) * bound, w[i], 0.0, "weight " + i);
                assertTrue(Math.abs(w[i]) <= bound);
            }
            for (int i = 0; i < b.length; i++) {
                assertEquals((2 * u[w.length + i] - 1) * bound, b[i], 0.0, "bias " + i);
            }
            float[] w32 = l32.weight().value().toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertEquals((float) w[i], w32[i], "FLOAT32 weights are the FLOAT64 ones rounded");
            }
            assertEquals(l64.stateDict(), elsewhere.stateDict(), "the same weights on another backend");
        }
        try (Linear a = new Linear(in, out, be, 1); Linear b = new Linear(in, out, be, 2)) {
            assertNotEquals(a.stateDict(), b.stateDict(), "another seed, other weights");
        }
    }

    @Test
    void linearForwardAndGradientsByHand() {
        // W = [[1, 2, 3], [−1, 0, 2]], b = [0.5, −1], x = [[1, −1, 2], [0, 3, 1]]
        double[] w = {1, 2, 3, -1, 0, 2};
        double[] b = {0.5, -1};
        double[] x = {1, -1, 2, 0, 3, 1};
        try (Linear l = new Linear(3, 2, be, 9, F64); Tensor xt = be.fromArray(x, 2, 3)) {
            l.loadStateDict(Map.of("weight", HostTensor.of(w, 2, 3), "bias", HostTensor.of(b, 2)));
            try (Graph g = Graph.record(be)) {
                Var y = l.forward(Var.constant(xt));
                double[] expected = new double[4];
                for (int n = 0; n < 2; n++) {
                    for (int o = 0; o < 2; o++) {
                        double s = b[o];
                        for (int i = 0; i < 3; i++) {
                            s += x[n * 3 + i] * w[o * 3 + i];
                        }
                        expected[n * 2 + o] = s;
                    }
                }
                assertValues(expected, y.value().toDoubleArray(), "forward pass: x·Wᵀ + b");
                y.sum().backward();
            }
            // ∂Σy/∂W[o][i] = Σₙ x[n][i]; ∂Σy/∂b[o] = rows
            double[] dw = new double[6];
            for (int o = 0; o < 2; o++) {
                for (int i = 0; i < 3; i++) {
                    dw[o * 3 + i] = x[i] + x[3 + i];
                }
            }
            assertValues(dw, l.weight().grad().toDoubleArray(), "backward pass: ∂W");
            assertValues(new double[] {2, 2}, l.bias().grad().toDoubleArray(), "backward pass: ∂b");
            l.zeroGrad();
            assertNull(l.weight().grad());
        }
    }

    @Test
    void linearRefusesAnInputThatDoesNotFitNamingTheCall() {
        try (Linear l = new Linear(3, 2, be, 1); Tensor x4 = be.zeros(2, 4); Tensor x64 = be.zeros(2, 3, F64);
             Backend other = Backend.wrap(new ReferenceBackend()); Tensor elsewhere = other.zeros(2, 3);
             Graph g = Graph.record(be)) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> l.forward(Var.constant(x4)));
            assertEquals("Linear.forward: the input 2×4 has 4 features (columns), this module takes 3 [reference]",
                    e.getMessage());
            assertTrue(assertThrows(DTypeMismatchException.class, () -> l.forward(Var.constant(x64))).getMessage()
                    .startsWith("Linear.forward: the input 2×3 is FLOAT64, the module's parameters are FLOAT32"));
            assertTrue(assertThrows(BackendMismatchException.class, () -> l.forward(Var.constant(elsewhere)))
                    .getMessage().startsWith("Linear.forward: the input 2×3 is on reference"));
        }
        assertThrows(InvalidArgumentException.class, () -> new Linear(0, 2, be, 1));
        assertThrows(dev.nabla.UnsupportedDTypeException.class, () -> new Linear(2, 2, be, 1, DType.INT32));
    }

    @Test
    void forwardOutsideAGraphIsATypedError() {
        try (Linear l = new Linear(3, 2, be, 1); Tensor x = be.zeros(1, 3)) {
            AutogradException e = assertThrows(AutogradException.class, () -> l.forward(Var.constant(x)));
            assertTrue(e.getMessage().contains("Graph.record"), e.getMessage());
        }
    }

    // ---- Dropout -----------------------------------------------------------------------------------------------------

    /** Element i dropped when the seed's i-th uniform draw is below p; the stream continues at the next forward. */
    @Test
    void dropoutInTrainingUsesTheSeededMaskScaledAndEvalIsTheIdentity() {
        double p = 0.4;
        int rows = 6, cols = 5, n = rows * cols;
        double[] u;
        try (Tensor r = be.rand(1, 2 * n, 123, F64)) {
            u = r.toDoubleArray();
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i / 4.0 - 3;
        }
        try (Dropout d = new Dropout(p, 123); Tensor xt = be.fromArray(x, rows, cols); Var xv = Var.parameter(xt)) {
            assertTrue(d.isTraining(), "a new module trains");
            for (int call = 0; call < 2; call++) {
                try (Graph g = Graph.record(be)) {
                    Var y = d.forward(xv);
                    double[] expected = new double[n];
                    double[] grad = new double[n];
                    int dropped = 0;
                    for (int i = 0; i < n; i++) {
                        boolean drop = u[call * n + i] < p;
                        dropped += drop ? 1 : 0;
                        expected[i] = drop ? 0 : x[i] * (1 / (1 - p));
                        grad[i] = drop ? 0 : 1 / (1 - p);
                    }
                    assertTrue(dropped > 0 && dropped < n, "the draw drops some and keeps some: " + dropped);
                    assertValues(expected, y.value().toDoubleArray(), "forward pass, call " + call);
                    y.sum().backward();
                    assertValues(grad, xv.grad().toDoubleArray(), "backward pass: ∂x = mask, call " + call);
                    xv.zeroGrad();
                }
            }
            d.eval();
            try (Graph g = Graph.noGrad(be)) {
                assertSame(xv, d.forward(xv), "eval: the identity");
            }
        }
        try (Dropout zero = new Dropout(0, 1); Dropout all = new Dropout(1, 1); Tensor xt = be.fromArray(x, rows, cols);
             Graph g = Graph.record(be)) {
            Var xv = Var.constant(xt);
            assertSame(xv, zero.forward(xv), "p = 0: the identity");
            assertValues(new double[n], all.forward(xv).value().toDoubleArray(), "p = 1: zeros");
        }
        assertThrows(InvalidHyperParameterException.class, () -> new Dropout(1.5, 1));
        assertThrows(InvalidHyperParameterException.class, () -> new Dropout(Double.NaN, 1));
    }

    // ---- LayerNorm ---------------------------------------------------------------------------------------------------

    @Test
    void layerNormForwardByHandAndGradientsByFiniteDifferences() {
        int rows = 3, f = 4;
        double eps = 1e-3;
        double[] x = {1, 2, 4, 8, -1, 0.5, 0.25, 3, 2, 2, 2, 2.5};
        double[] gamma = {1.5, -0.5, 2, 0.75};
        double[] beta = {0.1, 0.2, -0.3, 0};
        try (LayerNorm ln = new LayerNorm(f, eps, be, F64); Tensor xt = be.fromArray(x, rows, f);
             Var xv = Var.parameter(xt)) {
            double[] fresh = ln.weight().value().toDoubleArray();
            assertValues(new double[] {1, 1, 1, 1}, fresh, "γ starts at 1");
            assertValues(new double[4], ln.bias().value().toDoubleArray(), "β starts at 0");
            ln.loadStateDict(Map.of("weight", HostTensor.of(gamma, f), "bias", HostTensor.of(beta, f)));
            double[] expected = new double[rows * f];
            for (int r = 0; r < rows; r++) {
                double mean = 0;
                for (int c = 0; c < f; c++) {
                    mean += x[r * f + c] / f;
                }
                double var = 0;
                for (int c = 0; c < f; c++) {
                    var += (x[r * f + c] - mean) * (x[r * f + c] - mean) / f;
                }
                for (int c = 0; c < f; c++) {
                    expected[r * f + c] = (x[r * f + c] - mean) / Math.sqrt(var + eps) * gamma[c] + beta[c];
                }
            }
            // a loss that weighs every output differently, so each gradient element is tested
            double[] weights = new double[rows * f];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = Math.sin(i + 1);
            }
            try (Tensor wt = be.fromArray(weights, rows, f); Graph g = Graph.record(be)) {
                Var y = ln.forward(xv);
                assertValues(expected, y.value().toDoubleArray(), 1e-13, "forward pass: (x − μ)/√(σ² + ε)·γ + β");
                y.mul(Var.constant(wt)).sum().backward();
                assertFiniteDifferences(ln, xv, wt);
            }
        }
    }

    // ---- Embedding ---------------------------------------------------------------------------------------------------

    @Test
    void embeddingGathersRowsAndScatterAddsGradients() {
        try (Embedding e = new Embedding(4, 2, be, 5, F64); Tensor idx = be.fromInts(3, 1, 3, 0);
             Tensor bad = be.fromInts(4); Tensor floats = be.zeros(1, 2, F64)) {
            double[] table = e.weight().value().toDoubleArray();
            try (Tensor n = be.randn(4, 2, 5, F64)) {
                assertValues(n.toDoubleArray(), table, "initialised N(0, 1) from the seed, as Backend.randn");
            }
            try (Graph g = Graph.record(be)) {
                Var y = e.forward(idx);
                int[] rows = {3, 1, 3, 0};
                double[] expected = new double[8];
                double[] weights = {1, 2, 3, 4, 5, 6, 7, 8};
                double[] grad = new double[8];
                for (int i = 0; i < 4; i++) {
                    for (int c = 0; c < 2; c++) {
                        expected[i * 2 + c] = table[rows[i] * 2 + c];
                        grad[rows[i] * 2 + c] += weights[i * 2 + c];
                    }
                }
                assertValues(expected, y.value().toDoubleArray(), "forward pass: rows 3, 1, 3, 0");
                try (Tensor w = be.fromArray(weights, 4, 2)) {
                    y.mul(Var.constant(w)).sum().backward();
                }
                assertValues(grad, e.weight().grad().toDoubleArray(), "backward pass: row 3 gets two rows' sum, "
                        + "row 2 none");
                assertThrows(IndexOutOfRangeException.class, () -> e.forward(bad));
                DTypeMismatchException m = assertThrows(DTypeMismatchException.class, () -> e.forward(floats));
                assertTrue(m.getMessage().startsWith("Embedding.forward: the indices 1×2 are FLOAT64"), m.getMessage());
            }
        }
    }

    // ---- Residual ----------------------------------------------------------------------------------------------------

    @Test
    void residualAddsItsInput() {
        double[] x = {1, -2, 0.5, 3, 0, -1};
        try (Residual r = new Residual(new Sequential(new Linear(3, 3, be, 4, F64), new Tanh()));
             Tensor xt = be.fromArray(x, 2, 3); Var xv = Var.parameter(xt)) {
            Linear l = (Linear) ((Sequential) r.inner()).get(0);
            double[] w = l.weight().value().toDoubleArray();
            double[] b = l.bias().value().toDoubleArray();
            double[] expected = new double[6];
            double[] grad = new double[6];
            for (int n = 0; n < 2; n++) {
                for (int o = 0; o < 3; o++) {
                    double s = b[o];
                    for (int i = 0; i < 3; i++) {
                        s += x[n * 3 + i] * w[o * 3 + i];
                    }
                    double t = Math.tanh(s);
                    expected[n * 3 + o] = x[n * 3 + o] + t;
                    for (int i = 0; i < 3; i++) {   // ∂Σy/∂x[n][i] = 1 + Σₒ (1 − tanh²)·W[o][i]
                        grad[n * 3 + i] += (1 - t * t) * w[o * 3 + i];
                    }
                }
                for (int i = 0; i < 3; i++) {
                    grad[n * 3 + i] += 1;
                }
            }
            try (Graph g = Graph.record(be)) {
                Var y = r.forward(xv);
                assertValues(expected, y.value().toDoubleArray(), "forward pass: x + tanh(x·Wᵀ + b)");
                y.sum().backward();
            }
            assertValues(grad, xv.grad().toDoubleArray(), "backward pass: ∂x through both branches");
        }
        try (Residual r = new Residual(new Linear(3, 2, be, 4, F64)); Tensor xt = be.zeros(2, 3, F64);
             Graph g = Graph.record(be)) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> r.forward(Var.constant(xt)));
            assertEquals("Residual.forward: the inner Linear maps 2×3 to 2×2; x + inner(x) needs the same shape "
                    + "[reference]", e.getMessage());
        }
    }

    // ---- modes, copies, state dicts ----------------------------------------------------------------------------------

    @Test
    void trainAndEvalReachEveryDescendant() {
        try (Sequential s = new Sequential(new Dropout(0.5, 1), new Residual(new Sequential(new Dropout(0.5, 2))))) {
            Module inner = ((Residual) s.get(1)).inner();
            Module deepest = ((Sequential) inner).get(0);
            assertSame(s, s.eval());
            assertFalse(s.isTraining() || s.get(0).isTraining() || inner.isTraining() || deepest.isTraining());
            s.train();
            assertTrue(s.isTraining() && s.get(0).isTraining() && inner.isTraining() && deepest.isTraining());
        }
    }

    @Test
    void copyToGivesAnIndependentModuleWithTheSameValuesAndMode() {
        try (Backend other = Backend.wrap(new ReferenceBackend(), true)) {
            try (Sequential s = new Sequential(new Linear(3, 4, be, 1, F64), new LayerNorm(4, 1e-5, be, F64),
                    new Dropout(0.5, 8), new Embedding(2, 2, be, 3, F64));
                 Sequential a = s.eval().train(true) == s ? s.copyTo(other) : null) {
                s.get(1).eval();
                try (Sequential b = s.copyTo(other)) {
                    assertEquals(s.stateDict(), a.stateDict(), "the same values");
                    assertSame(other, a.parameters().get("0.weight").value().backend());
                    assertTrue(a.isTraining() && a.get(2).isTraining());
                    assertFalse(b.get(1).isTraining(), "each module's mode is copied");
                    assertTrue(b.get(2).isTraining());
                }
                // the copy's Dropout continues the original's stream: both draw the same next mask
                try (Tensor x = be.full(3, 4, 1.0, F64); Tensor y = other.full(3, 4, 1.0, F64)) {
                    double[] mine;
                    double[] theirs;
                    try (Graph g = Graph.noGrad(be)) {
                        mine = s.get(2).forward(Var.constant(x)).value().toDoubleArray();
                    }
                    try (Graph g = Graph.noGrad(other)) {
                        theirs = a.get(2).forward(Var.constant(y)).value().toDoubleArray();
                    }
                    assertValues(mine, theirs, "the same mask");
                }
                a.loadStateDict(zeroed(a.stateDict()));
                assertNotEquals(s.stateDict(), a.stateDict(), "changing the copy leaves the original");
            }
            assertEquals(0, other.stats().liveTensors(), "the copy freed: " + other.liveTensorDescriptions());
        }
    }

    @Test
    void saveAndLoadRoundTripBitForBit(@TempDir Path dir) throws IOException {
        for (DType dtype : new DType[] {DType.FLOAT32, F64}) {
            Path file = dir.resolve("m-" + dtype + ".safetensors");
            try (Sequential a = model(10, dtype); Sequential b = model(20, dtype)) {
                assertNotEquals(a.stateDict(), b.stateDict());
                Var before = b.parameters().get("0.weight");
                a.save(file);
                b.load(file);
                assertEquals(a.stateDict(), b.stateDict(), dtype + ": every value bit for bit");
                assertSame(before, b.parameters().get("0.weight"), "loading writes into the existing parameters");
                Map<String, HostTensor> sd = a.stateDict();
                try (Sequential c = model(30, dtype)) {
                    c.loadStateDict(sd);
                    assertEquals(sd, c.stateDict(), dtype + ": stateDict → loadStateDict");
                }
            }
        }
    }

    @Test
    void mismatchedStateDictsAreTypedErrorsNamingEveryKeyAndLeaveTheModuleUnchanged() {
        try (Sequential m = model(1, F64)) {
            Map<String, HostTensor> good = m.stateDict();
            Map<String, HostTensor> before = m.stateDict();

            Map<String, HostTensor> bad = new LinkedHashMap<>(zeroed(good));
            bad.remove("2.bias");
            bad.put("2.weight", HostTensor.of(new double[8], 4, 2));
            bad.put("0.bias", HostTensor.of(new double[4], 1, 4));
            bad.put("3.weight", HostTensor.of(new double[1], 1));
            WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> m.loadStateDict(bad));
            String msg = e.getMessage();
            assertTrue(msg.startsWith("Sequential.loadStateDict: the state dict does not fit this Sequential: "), msg);
            assertTrue(msg.contains("\"0.bias\" is [1, 4] FLOAT64, the module's is [4] FLOAT64"), msg);
            assertTrue(msg.contains("\"2.weight\" is [4, 2] FLOAT64, the module's is [2, 4] FLOAT64"), msg);
            assertTrue(msg.contains("missing \"2.bias\" (the module's is [2] FLOAT64)"), msg);
            assertTrue(msg.contains("unexpected \"3.weight\" ([1] FLOAT64)"), msg);
            assertTrue(msg.endsWith("[reference]"), msg);
            assertEquals(before, m.stateDict(), "unchanged: nothing is written unless everything fits");

            assertThrows(InvalidArgumentException.class, () -> m.loadStateDict(null));
        }
    }

    @Test
    void loadingAFileThatDoesNotFitNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("small.safetensors");
        try (Linear small = new Linear(2, 2, be, 1, F64); Sequential m = model(1, F64)) {
            small.save(file);
            WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> m.load(file));
            assertTrue(e.getMessage().startsWith("Sequential.load: file " + file + " does not fit this Sequential: "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("unexpected \"weight\" ([2, 2] FLOAT64)"), e.getMessage());
        }
        assertThrows(java.nio.file.NoSuchFileException.class, () -> {
            try (Linear l = new Linear(2, 2, be, 1)) {
                l.load(dir.resolve("absent.safetensors"));
            }
        });
    }

    // ---- life cycle --------------------------------------------------------------------------------------------------

    @Test
    void aTrainingStepLeavesOnlyParametersAndGradientsAndCloseFreesThem() {
        try (Tensor x = be.randn(8, 3, 1, F64); Tensor t = be.randn(8, 2, 2, F64)) {
            long base = be.stats().liveTensors();
            Sequential m = model(3, F64);
            long params = be.stats().liveTensors() - base;
            assertEquals(m.parameters().size(), params);
            for (int step = 0; step < 2; step++) {
                try (Graph g = Graph.record(be)) {
                    m.forward(Var.constant(x)).mse(t).backward();
                }
                assertEquals(base + 2 * params, be.stats().liveTensors(), "step " + step + ": parameters and their "
                        + "gradients, nothing else: " + be.liveTensorDescriptions());
            }
            m.zeroGrad();
            assertEquals(base + params, be.stats().liveTensors());
            try (Graph g = Graph.record(be)) {
                m.forward(Var.constant(x)).mse(t).backward();
            }
            m.close();
            m.close();
            assertTrue(m.isClosed());
            assertEquals(base, be.stats().liveTensors(), "close frees parameters and gradients");
            TensorClosedException e = assertThrows(TensorClosedException.class, () -> {
                try (Graph g = Graph.record(be)) {
                    m.forward(Var.constant(x));
                }
            });
            assertEquals("Sequential.forward: this Sequential is closed (its parameters were freed)", e.getMessage());
            assertThrows(TensorClosedException.class, m::parameters);
            assertThrows(TensorClosedException.class, () -> m.copyTo(be));
        }
    }

    @Test
    void badConstructionIsTypedAndLeaksNothing() {
        try (Linear l = new Linear(2, 2, be, 1)) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new Sequential(l, l));
            assertTrue(e.getMessage().startsWith("Sequential.addChild: Linear is already a child"), e.getMessage());
        }
        assertThrows(InvalidArgumentException.class, () -> new Sequential((Module) null));
        assertThrows(InvalidArgumentException.class, () -> new Residual(null));
        assertThrows(InvalidHyperParameterException.class, () -> new LayerNorm(4, -1, be));
        Linear closed = new Linear(2, 2, be, 1);
        closed.close();
        assertThrows(TensorClosedException.class, () -> new Sequential(closed));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    private Sequential model(long seed, DType dtype) {
        return new Sequential(new Linear(3, 4, be, seed, dtype), new ReLU(), new Linear(4, 2, be, seed + 1, dtype));
    }

    private static Map<String, HostTensor> zeroed(Map<String, HostTensor> sd) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : sd.entrySet()) {
            HostTensor h = e.getValue();
            out.put(e.getKey(), h.dtype() == DType.FLOAT32 ? HostTensor.of(new float[(int) h.size()], h.shape())
                    : HostTensor.of(new double[(int) h.size()], h.shape()));
        }
        return out;
    }

    /**
     * Central differences of L = Σ w ⊙ module(x) with respect to every element of x and of every parameter, against
     * the gradients the backward pass left in x.grad() and each parameter's grad().
     */
    private void assertFiniteDifferences(Module m, Var x, Tensor w) {
        Map<String, Var> all = new LinkedHashMap<>(m.parameters());
        all.put("x", x);
        double h = 1e-6;
        for (Map.Entry<String, Var> e : all.entrySet()) {
            Tensor v = e.getValue().value();
            double[] values = v.toDoubleArray();
            double[] analytic = e.getValue().grad().toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                double[] plus = values.clone();
                plus[i] += h;
                double[] minus = values.clone();
                minus[i] -= h;
                double numeric = (loss(m, x, w, v, plus) - loss(m, x, w, v, minus)) / (2 * h);
                assertEquals(numeric, analytic[i], 1e-6 * (1 + Math.abs(numeric)),
                        "backward pass: ∂L/∂" + e.getKey() + "[" + i + "]");
            }
            try (Tensor orig = be.fromArray(values, v.rows(), v.cols())) {
                v.copyFrom(orig);
            }
        }
    }

    private double loss(Module m, Var x, Tensor w, Tensor target, double[] values) {
        try (Tensor t = be.fromArray(values, target.rows(), target.cols())) {
            target.copyFrom(t);
        }
        try (Graph g = Graph.noGrad(be)) {
            return m.forward(x).mul(Var.constant(w)).sum().value().item();
        }
    }

    // ---- the fused Linear + activation path of Sequential ---------------------------------------------------------

    /**
     * Sequential runs Linear followed by ReLU, Sigmoid or Tanh as one fused op; the values and every gradient must be
     * those of the two modules applied one after the other (same arithmetic on the reference: exactly equal).
     */
    @Test
    void sequentialFusesLinearAndActivationWithoutChangingValuesOrGradients() {
        Module[] acts = {new ReLU(), new Sigmoid(), new Tanh(), new Identity()};
        for (Module act : acts) {
            try (Linear l1 = new Linear(5, 4, be, 11, F64); Linear l2 = new Linear(4, 3, be, 12, F64);
                 Sequential s = new Sequential(new Linear(5, 4, be, 11, F64), act, new Linear(4, 3, be, 12, F64));
                 Tensor x = be.randn(6, 5, 3, F64); Tensor t = be.randn(6, 3, 4, F64)) {
                double fusedLoss;
                double separateLoss;
                try (Graph g = Graph.record(be)) {
                    Var loss = s.forward(Var.constant(x)).mse(t);
                    fusedLoss = loss.value().item();
                    loss.backward();
                }
                try (Graph g = Graph.record(be)) {
                    Var loss = l2.forward(act.forward(l1.forward(Var.constant(x)))).mse(t);
                    separateLoss = loss.value().item();
                    loss.backward();
                }
                String what = "Linear + " + act.getClass().getSimpleName();
                assertEquals(separateLoss, fusedLoss, 0.0, what + ": the loss");
                Linear[] separate = {l1, l2};
                for (int i = 0; i < 2; i++) {
                    Linear fused = (Linear) s.get(2 * i);
                    assertArrayEquals(separate[i].weight().grad().toDoubleArray(), fused.weight().grad().toDoubleArray(),
                            what + ": ∂W of layer " + i);
                    assertArrayEquals(separate[i].bias().grad().toDoubleArray(), fused.bias().grad().toDoubleArray(),
                            what + ": ∂b of layer " + i);
                }
            }
        }
    }

    @Test
    void aClosedActivationModuleInsideSequentialFailsLikeAnUnfusedOne() {
        ReLU relu = new ReLU();
        try (Sequential s = new Sequential(new Linear(3, 2, be, 1), relu); Tensor x = be.rand(2, 3, 1L).detach();
             Graph g = Graph.record(be)) {
            relu.close();
            TensorClosedException e = org.junit.jupiter.api.Assertions.assertThrows(TensorClosedException.class,
                    () -> s.forward(Var.constant(x)));
            assertTrue(e.getMessage().startsWith("ReLU.forward"), e.getMessage());
        }
    }

    static void assertValues(double[] expected, double[] actual, String what) {
        assertValues(expected, actual, TOL, what);
    }

    static void assertValues(double[] expected, double[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * (1 + Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, what + ": element " + i + " is " + actual[i] + ", expected "
                    + expected[i] + " (tolerance " + tol + ")");
        }
    }
}
