package dev.nabla.autograd;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A training step inside a {@link Graph} leaves nothing allocated but the parameters' gradients
 * ({@code backend.stats().liveTensors()}), also when a forward or a backward rule throws in the middle.
 */
class AutogradLeakTest {
    private Backend be;
    private Tensor x, y, w1, b1, w2;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
        x = be.fromArray(HostData.uniform(1, 8 * 5, -1, 1), 8, 5, DType.FLOAT32).detach();
        y = be.fromArray(HostData.oneHot(2, 8, 3), 8, 3, DType.FLOAT32).detach();
        w1 = be.fromArray(HostData.uniform(3, 5 * 6, -1, 1), 5, 6, DType.FLOAT32).detach();
        b1 = be.fromArray(HostData.uniform(4, 6, -1, 1), 1, 6, DType.FLOAT32).detach();
        w2 = be.fromArray(HostData.uniform(5, 6 * 3, -1, 1), 6, 3, DType.FLOAT32).detach();
    }

    @AfterEach
    void stop() {
        for (Tensor t : new Tensor[]{x, y, w1, b1, w2}) {
            t.close();
        }
        assertEquals(0, be.stats().liveTensors(), () -> "left alive: " + be.liveTensorDescriptions());
        be.close();
    }

    /** The loss of a small model, with every op family; h reused. */
    private Var loss(Var p1, Var q1, Var p2) {
        Var h = Var.constant(x).linear(p1, q1, Activation.TANH);
        Var both = Var.concatColumns(h.sliceColumns(0, 3), h.sliceColumns(3, 6).sigmoid());
        return h.matmul(p2).add(both.matmul(p2).mul(0.1)).softmaxRows().log().mul(Var.constant(y)).sum().neg()
                .add(h.square().mean());
    }

    @Test
    void aTrainingStepLeavesOnlyTheGradients() {
        long before = be.stats().liveTensors();
        try (Var p1 = Var.parameter(w1); Var q1 = Var.parameter(b1); Var p2 = Var.parameter(w2)) {
            for (int step = 0; step < 3; step++) {
                try (Graph g = Graph.record(be)) {
                    loss(p1, q1, p2).backward();
                }
                assertEquals(before + 3, be.stats().liveTensors(), () -> "after step: alive "
                        + be.liveTensorDescriptions());
                w1.axpyInPlace(-0.1, p1.grad());
                p1.zeroGrad();
                q1.zeroGrad();
                p2.zeroGrad();
                assertEquals(before, be.stats().liveTensors());
            }
            try (Graph g = Graph.noGrad(be)) {
                loss(p1, q1, p2);
            }
            assertEquals(before, be.stats().liveTensors(), "an evaluation in noGrad leaves nothing");
        }
    }

    @Test
    void aForwardThatThrowsLeavesNothingAfterTheGraphCloses() {
        long before = be.stats().liveTensors();
        try (Var p1 = Var.parameter(w1); Var q1 = Var.parameter(b1); Var p2 = Var.parameter(w2)) {
            assertThrows(ShapeMismatchException.class, () -> {
                try (Graph g = Graph.record(be)) {
                    Var h = Var.constant(x).linear(p1, q1, Activation.TANH);
                    h.matmul(p1);                                     // 8×6 · 5×6: fails in the middle
                }
            });
            assertThrows(ShapeMismatchException.class, () -> {
                try (Graph g = Graph.record(be)) {
                    Var.constant(x).linear(p2, q1, Activation.RELU);  // w has the wrong rows
                }
            });
            assertThrows(ShapeMismatchException.class, () -> {
                try (Graph g = Graph.record(be)) {
                    Var.constant(x).matmul(p1).crossEntropyWithLogits(y); // targets 8×3, logits 8×6
                }
            });
            assertEquals(before, be.stats().liveTensors(), () -> "alive: " + be.liveTensorDescriptions());
        }
    }

    @Test
    void aBackwardRuleThatThrowsLeavesOnlyTheGradientsAlreadyAccumulated() {
        long before = be.stats().liveTensors();
        RuntimeException boom = new RuntimeException("a failing backward rule");
        try (Var p1 = Var.parameter(w1); Var q1 = Var.parameter(b1); Var p2 = Var.parameter(w2)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> {
                try (Graph g = Graph.record(be)) {
                    Var h = Var.constant(x).linear(p1, q1, Activation.TANH);
                    // an op whose rule allocates a gradient and then fails: in the middle of the backward pass
                    Var failing = Var.record(g, "failing", h.value().copy(), (G, sink) -> {
                        try (Tensor half = G.mul(0.5)) {
                            throw boom;
                        }
                    }, h);
                    failing.matmul(p2).add(h.matmul(p2)).sum().backward();
                }
            });
            assertSame(boom, e);
            assertNotNull(p2.grad(), "p2's gradient was accumulated before the failing rule ran");
            long grads = (p1.grad() == null ? 0 : 1) + (q1.grad() == null ? 0 : 1) + 1;
            assertEquals(before + grads, be.stats().liveTensors(), () -> "alive: " + be.liveTensorDescriptions());
        }
        assertEquals(before, be.stats().liveTensors());
    }

    @Test
    void aRejectedSecondBackwardLeavesNothing() {
        long before = be.stats().liveTensors();
        try (Var p1 = Var.parameter(w1); Var q1 = Var.parameter(b1); Var p2 = Var.parameter(w2);
             Graph g = Graph.record(be)) {
            Var l = loss(p1, q1, p2);
            l.backward();
            long after = be.stats().liveTensors();
            assertThrows(AutogradException.class, l::backward);
            assertEquals(after, be.stats().liveTensors(), "the second backward's seed is freed");
        }
        assertEquals(before, be.stats().liveTensors());
    }
}
