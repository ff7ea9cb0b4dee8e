package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.io.HostTensor;
import dev.nabla.io.Safetensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.nabla.module.ModuleTorchFixturesTest.assertClose;
import static dev.nabla.module.ModuleTorchFixturesTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The gradient oracle outside Java for whole models (issue 14): a residual MLP, an autoencoder with a custom
 * reconstruction loss against its own input, and a shared-trunk model with two heads whose losses are summed. PyTorch
 * 1.13 computed each model's loss, ∂loss/∂x and every ∂loss/∂parameter in float64 (make_model_fixtures.py beside the
 * fixtures, core/src/test/resources/dev/nabla/module); the same models built here from Nabla's modules and Var ops
 * load PyTorch's state dicts and must match in FLOAT64 on the reference backend, within 1e-12·(1 + |value|).
 */
class ModelTorchFixturesTest {
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

    private Linear linear(int in, int out, long seed) {
        return new Linear(in, out, be, seed, DType.FLOAT64);
    }

    /** Linear(6, 8), ReLU, two residual blocks (ReLU and Tanh inside), ReLU, Linear(8, 3); cross-entropy. */
    @Test
    void residualMlpMatchesPyTorch() throws IOException {
        try (Sequential m = new Sequential(linear(6, 8, 1), new ReLU(),
                new Residual(new Sequential(linear(8, 8, 2), new ReLU(), linear(8, 8, 3))),
                new Residual(new Sequential(linear(8, 8, 4), new Tanh(), linear(8, 8, 5))),
                new ReLU(), linear(8, 3, 6))) {
            Map<String, HostTensor> data = Safetensors.read(fixture("residual_mlp_data.safetensors"));
            try (Tensor target = labels(data.get("target"), 3)) {
                assertMatchesTorch(m, "residual_mlp", data, x -> m.forward(x).crossEntropyWithLogits(target));
            }
        }
    }

    /**
     * encoder Linear(8, 5), Tanh, Linear(5, 2); decoder Linear(2, 5), Tanh, Linear(5, 8), Sigmoid; the loss
     * (1/N) Σ ½(model(x) − x)² composed from Var ops with x on both sides, so ∂loss/∂x sums both paths.
     */
    @Test
    void autoencoderWithACustomLossMatchesPyTorch() throws IOException {
        try (Sequential m = new Sequential(new Sequential(linear(8, 5, 1), new Tanh(), linear(5, 2, 2)),
                new Sequential(linear(2, 5, 3), new Tanh(), linear(5, 8, 4), new Sigmoid()))) {
            Map<String, HostTensor> data = Safetensors.read(fixture("autoencoder_data.safetensors"));
            assertMatchesTorch(m, "autoencoder", data, x -> {
                int n = x.value().rows();
                return m.forward(x).sub(x).square().sum().mul(0.5 / n);
            });
        }
    }

    /** trunk Linear(6, 8), Tanh, Linear(8, 8), ReLU feeding head_a Linear(8, 4) (cross-entropy) and head_b
     * Linear(8, 3), Sigmoid (MSE); the loss is their sum, so the trunk's gradient adds both heads'. */
    @Test
    void sharedTrunkWithTwoHeadsMatchesPyTorch() throws IOException {
        try (TwoHead m = new TwoHead(new Sequential(linear(6, 8, 1), new Tanh(), linear(8, 8, 2), new ReLU()),
                linear(8, 4, 3), new Sequential(linear(8, 3, 4), new Sigmoid()))) {
            assertEquals(List.of("trunk.0.weight", "trunk.0.bias", "trunk.2.weight", "trunk.2.bias", "head_a.weight",
                    "head_a.bias", "head_b.0.weight", "head_b.0.bias"), List.copyOf(m.parameters().keySet()));
            Map<String, HostTensor> data = Safetensors.read(fixture("two_head_data.safetensors"));
            try (Tensor ta = labels(data.get("target_a"), 4); Tensor tb = data.get("target_b").toTensor(be)) {
                assertMatchesTorch(m, "two_head", data, x -> {
                    Var h = m.trunk().forward(x);
                    return m.headA().forward(h).crossEntropyWithLogits(ta).add(m.headB().forward(h).mse(tb));
                });
            }
        }
    }

    /**
     * Loads NAME.safetensors into {@code m}, runs {@code loss} on the fixture's x (a parameter, so ∂loss/∂x is
     * computed) and compares the loss, ∂loss/∂x and every parameter's gradient with PyTorch's.
     */
    private void assertMatchesTorch(Module m, String name, Map<String, HostTensor> data, Function<Var, Var> loss)
            throws IOException {
        m.load(fixture(name + ".safetensors"));
        try (Tensor x = data.get("x").toTensor(be); Var xv = Var.parameter(x)) {
            m.zeroGrad();
            try (Graph g = Graph.record(be)) {
                Var l = loss.apply(xv);
                assertClose(data.get("loss"), l.value(), name + ": forward pass (loss)");
                l.backward();
            }
            assertClose(data.get("grad.x"), xv.grad(), name + ": backward pass (∂loss/∂x)");
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

    /** int32 labels as one-hot FLOAT64 rows. */
    private Tensor labels(HostTensor t, int classes) {
        try (Tensor l = t.toTensor(be)) {
            return l.oneHot(classes, DType.FLOAT64);
        }
    }

    /**
     * A shared trunk and two heads, named as the PyTorch fixture's {@code TwoHead} ({@code trunk}, {@code head_a},
     * {@code head_b}). forward(x) = [head_a(h) | head_b(h)] with h = trunk(x), the heads side by side; the test
     * takes each head's output separately for its own loss.
     */
    static final class TwoHead extends Module {
        private final Module trunk;
        private final Module headA;
        private final Module headB;

        TwoHead(Module trunk, Module headA, Module headB) {
            this.trunk = addChild("trunk", trunk);
            this.headA = addChild("head_a", headA);
            this.headB = addChild("head_b", headB);
        }

        Module trunk() {
            return trunk;
        }

        Module headA() {
            return headA;
        }

        Module headB() {
            return headB;
        }

        @Override
        protected Var compute(Var x) {
            Var h = trunk.forward(x);
            return Var.concatColumns(headA.forward(h), headB.forward(h));
        }

        @Override
        public TwoHead copyTo(Backend target) {
            checkOpen("copyTo");
            return withModeOf(new TwoHead(trunk.copyTo(target), headA.copyTo(target), headB.copyTo(target)));
        }
    }
}
