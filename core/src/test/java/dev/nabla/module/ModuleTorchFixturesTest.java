package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.io.HostTensor;
import dev.nabla.io.Safetensors;
import dev.nabla.io.WeightsMismatchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch as the oracle, both directions: state dicts that {@code torch.nn.Sequential.state_dict()} produced load
 * into the same model built from Nabla's modules and give PyTorch's outputs, losses and gradients in FLOAT64 on the
 * reference backend; a state dict Nabla wrote loads into PyTorch (strictly) and PyTorch's results on it match
 * Nabla's. The fixtures and their generator, make_module_fixtures.py, are in
 * core/src/test/resources/dev/nabla/module.
 */
class ModuleTorchFixturesTest {
    /** Relative tolerance of float64 against float64 with different summation orders. */
    private static final double TOL = 1e-12;

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

    @Test
    void mlpWithMseMatchesPyTorch() throws IOException {
        try (Sequential m = new Sequential(new Linear(3, 4, be, 1, DType.FLOAT64), new ReLU(),
                new Linear(4, 2, be, 2, DType.FLOAT64))) {
            m.load(fixture("mlp_mse.safetensors"));
            assertMatchesTorch(m, "mlp_mse", false);
        }
    }

    @Test
    void mlpWithCrossEntropyMatchesPyTorch() throws IOException {
        try (Sequential m = new Sequential(new Linear(4, 5, be, 1, DType.FLOAT64), new Tanh(),
                new Linear(5, 3, be, 2, DType.FLOAT64))) {
            m.load(fixture("mlp_ce.safetensors"));
            assertMatchesTorch(m, "mlp_ce", true);
        }
    }

    @Test
    void residualBlockWithLayerNormMatchesPyTorch() throws IOException {
        try (Sequential m = new Sequential(new Linear(3, 4, be, 1, DType.FLOAT64),
                new Residual(new Sequential(new LayerNorm(4, 1e-5, be, DType.FLOAT64),
                        new Linear(4, 4, be, 2, DType.FLOAT64), new Sigmoid())),
                new Linear(4, 2, be, 3, DType.FLOAT64))) {
            assertEquals(List.of("0.weight", "0.bias", "1.inner.0.weight", "1.inner.0.bias", "1.inner.1.weight",
                    "1.inner.1.bias", "2.weight", "2.bias"), List.copyOf(m.parameters().keySet()));
            m.load(fixture("residual_ln.safetensors"));
            assertMatchesTorch(m, "residual_ln", false);
        }
    }

    @Test
    void embeddingWithCrossEntropyMatchesPyTorch() throws IOException {
        try (Sequential m = new Sequential(new Embedding(6, 3, be, 1, DType.FLOAT64),
                new Linear(3, 2, be, 2, DType.FLOAT64))) {
            m.load(fixture("embedding_ce.safetensors"));
            assertMatchesTorch(m, "embedding_ce", true);
        }
    }

    /** Nabla → PyTorch: the committed file is what Nabla writes today, and PyTorch's results on it are Nabla's. */
    @Test
    void aStateDictNablaWroteLoadsIntoPyTorch(@TempDir Path dir) throws IOException {
        try (Sequential m = NablaWrittenModel.build(be)) {
            Path mine = dir.resolve("mine.safetensors");
            m.save(mine);
            assertArrayEquals(Files.readAllBytes(fixture("nabla_written.safetensors")), Files.readAllBytes(mine),
                    "Nabla still writes, byte for byte, the file PyTorch loaded (re-run NablaWrittenModel and "
                            + "make_module_fixtures.py if the format changed on purpose)");
            assertMatchesTorch(m, "nabla_written", false);
        }
    }

    /** PyTorch's default float32 file loads into a FLOAT32 module exactly, and is refused by a FLOAT64 one. */
    @Test
    void float32FileLoadsIntoFloat32ModuleAndIsRefusedByFloat64() throws IOException {
        Map<String, HostTensor> file = Safetensors.read(fixture("mlp_mse_f32.safetensors"));
        Map<String, HostTensor> f64 = Safetensors.read(fixture("mlp_mse.safetensors"));
        try (Sequential m = new Sequential(new Linear(3, 4, be, 1), new ReLU(), new Linear(4, 2, be, 2))) {
            m.load(fixture("mlp_mse_f32.safetensors"));
            Map<String, HostTensor> sd = m.stateDict();
            assertEquals(file, sd, "every value bit for bit");
            for (String k : f64.keySet()) {     // and those are the float64 weights rounded
                double[] d = f64.get(k).doubles();
                float[] f = sd.get(k).floats();
                for (int i = 0; i < d.length; i++) {
                    assertEquals((float) d[i], f[i], k + "[" + i + "]");
                }
            }
        }
        try (Sequential m = new Sequential(new Linear(3, 4, be, 1, DType.FLOAT64), new ReLU(),
                new Linear(4, 2, be, 2, DType.FLOAT64))) {
            Map<String, HostTensor> before = m.stateDict();
            WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                    () -> m.load(fixture("mlp_mse_f32.safetensors")));
            assertTrue(e.getMessage().startsWith("Sequential.load: file "), e.getMessage());
            assertTrue(e.getMessage().contains("\"0.weight\" is [4, 3] FLOAT32, the module's is [4, 3] FLOAT64"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("dtypes are never converted"), e.getMessage());
            assertTrue(e.getMessage().endsWith("[reference]"), e.getMessage());
            assertEquals(before, m.stateDict(), "unchanged");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    /**
     * Runs {@code m} on the fixture's batch (x a parameter when it is float, so its gradient is computed too), takes
     * the fixture's loss, and compares out, loss, ∂loss/∂x and every ∂loss/∂parameter with PyTorch's.
     */
    private void assertMatchesTorch(Module m, String name, boolean crossEntropy) throws IOException {
        Map<String, HostTensor> data = Safetensors.read(fixture(name + "_data.safetensors"));
        HostTensor hx = data.get("x");
        boolean indices = hx.dtype() == DType.INT32;
        try (Tensor x = hx.toTensor(be); Tensor target = targets(data.get("target"), crossEntropy,
                data.get("out").shape()[1]); Var xv = indices ? Var.constant(x) : Var.parameter(x)) {
            m.zeroGrad();
            try (Graph g = Graph.record(be)) {
                Var out = m.forward(xv);
                assertClose(data.get("out"), out.value(), name + ": forward pass (out)");
                Var loss = crossEntropy ? out.crossEntropyWithLogits(target) : out.mse(target);
                assertClose(data.get("loss"), loss.value(), name + ": loss");
                loss.backward();
            }
            if (!indices) {
                assertClose(data.get("grad.x"), xv.grad(), name + ": backward pass (∂loss/∂x)");
            }
            Map<String, Var> params = m.parameters();
            int checked = 0;
            for (Map.Entry<String, HostTensor> e : data.entrySet()) {
                if (e.getKey().startsWith("grad.") && !e.getKey().equals("grad.x")) {
                    String p = e.getKey().substring(5);
                    assertNotNull(params.get(p), name + ": PyTorch has parameter " + p + ", Nabla's module does not");
                    assertClose(e.getValue(), params.get(p).grad(), name + ": backward pass (∂loss/∂" + p + ")");
                    checked++;
                }
            }
            assertEquals(params.size(), checked, name + ": every parameter's gradient compared");
            m.zeroGrad();
        }
    }

    /** MSE targets as they are; labels as one-hot FLOAT64 rows. */
    private Tensor targets(HostTensor t, boolean labels, int classes) {
        if (!labels) {
            return t.toTensor(be);
        }
        try (Tensor l = t.toTensor(be)) {
            return l.oneHot(classes, DType.FLOAT64);
        }
    }

    /** Element by element, |a − e| ≤ TOL·(1 + |e|); the shapes must hold the same number of elements. */
    static void assertClose(HostTensor expected, Tensor actual, String what) {
        assertNotNull(actual, what + ": no value");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what + ": element count (" + java.util.Arrays.toString(expected.shape())
                + " vs " + actual.shape() + ")");
        for (int i = 0; i < e.length; i++) {
            double tol = TOL * (1 + Math.abs(e[i]));
            assertEquals(e[i], a[i], tol, what + ": element " + i + " is " + a[i] + ", PyTorch's " + e[i]
                    + " (tolerance " + tol + ")");
        }
    }

    static Path fixture(String name) {
        URL url = ModuleTorchFixturesTest.class.getResource(name);
        assertNotNull(url, "fixture " + name + " is missing (run make_module_fixtures.py)");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
