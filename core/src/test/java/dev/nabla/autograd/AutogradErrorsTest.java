package dev.nabla.autograd;

import dev.nabla.Backend;
import dev.nabla.BackendMismatchException;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.UnsupportedDTypeException;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Misuse of autograd gets a typed error whose message starts with the user's call and names the backend, and
 * leaves nothing allocated: backward from a non-scalar without a seed, through a closed graph or tensor, twice on
 * one graph, ops outside any graph, backward from a value that needs no gradient, nulls, mismatched shapes (from
 * the Tensor API), values of another graph, mixed backends.
 */
class AutogradErrorsTest {
    private Backend be;
    private Backend other;
    private Tensor w;
    private Tensor x;
    private long live;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
        other = Backend.wrap(new ReferenceBackend());
        w = be.fromArray(new double[]{0.5, -1, 2, 0.25, 1.5, -0.75}, 2, 3, DType.FLOAT32).detach();
        x = be.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 3, 2, DType.FLOAT32).detach();
        live = be.stats().liveTensors();
    }

    @AfterEach
    void stop() {
        assertEquals(live, be.stats().liveTensors(), () -> "left alive: " + be.liveTensorDescriptions());
        w.close();
        x.close();
        be.close();
        other.close();
    }

    private static <T extends NablaException> void fails(Class<T> type, Executable call, String... parts) {
        T e = assertThrows(type, call);
        assertEquals(type, e.getClass(), e::toString);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message: " + e.getMessage() + "\n should contain: " + part);
        }
    }

    @Test
    void backwardFromANonScalarNeedsASeed() {
        try (Var p = Var.parameter(w); Graph g = Graph.record(be)) {
            Var y = Var.constant(x).matmul(p);
            fails(AutogradException.class, y::backward, "backward: ", "3×3", "is not a scalar", "[reference");
            fails(AutogradException.class, () -> y.backward(null), "backward: ", "the seed is null", "[reference");
        }
    }

    @Test
    void backwardWithABadSeed() {
        try (Var p = Var.parameter(w); Graph g = Graph.record(be); Tensor wrong = be.zeros(3, 2, DType.FLOAT32);
             Tensor doubles = be.zeros(3, 3, DType.FLOAT64); Tensor elsewhere = other.zeros(3, 3, DType.FLOAT32)) {
            Var y = Var.constant(x).matmul(p);
            fails(ShapeMismatchException.class, () -> y.backward(wrong), "backward: the seed 3×2", "[reference");
            fails(dev.nabla.DTypeMismatchException.class, () -> y.backward(doubles), "backward: the seed 3×3 FLOAT64");
            fails(BackendMismatchException.class, () -> y.backward(elsewhere), "backward: the seed 3×3 lives on");
            Tensor closed = be.zeros(3, 3, DType.FLOAT32);
            closed.close();
            fails(TensorClosedException.class, () -> y.backward(closed), "backward: the seed 3×3", "is closed");
        }
    }

    @Test
    void backwardThroughAClosedGraphOrTwice() {
        try (Var p = Var.parameter(w)) {
            Var loss;
            try (Graph g = Graph.record(be)) {
                loss = Var.constant(x).matmul(p).sum();
                loss.backward();
                fails(AutogradException.class, loss::backward, "backward: ", "already ran", "[reference");
            }
            fails(AutogradException.class, loss::backward, "backward: the graph of", "is closed", "[reference");
            try (Graph g = Graph.record(be)) {
                fails(TensorClosedException.class, () -> loss.mul(2), "mul: the value of", "is closed", "[reference");
            }
        }
    }

    @Test
    void opsOnAClosedTensor() {
        Tensor gone = be.zeros(2, 3, DType.FLOAT32);
        try (Var p = Var.parameter(gone); Graph g = Graph.record(be)) {
            gone.close();
            fails(TensorClosedException.class, p::exp, "exp: the value of leaf 2×3 FLOAT32 is closed", "[reference");
        }
        fails(TensorClosedException.class, () -> Var.parameter(gone), "Var.parameter: tensor 2×3", "is closed");
    }

    @Test
    void opsOutsideAnyGraph() {
        try (Var p = Var.parameter(w)) {
            fails(AutogradException.class, p::exp, "exp: autograd ops run inside a graph", "[reference");
            fails(AutogradException.class, () -> p.matmul(Var.constant(x)), "matmul: autograd ops run inside a graph");
            try (Graph g = Graph.record(be)) {
                g.close();
                fails(AutogradException.class, p::tanh, "tanh: autograd ops run inside a graph");
            }
        }
    }

    @Test
    void backwardFromAValueThatNeedsNoGradient() {
        try (Var p = Var.parameter(w)) {
            try (Graph g = Graph.record(be)) {
                Var c = Var.constant(x).sum();
                fails(AutogradException.class, c::backward, "backward: ", "needs no gradient", "[reference");
                try (Tensor one = be.zeros(1, 1, DType.FLOAT32); Var leaf = Var.parameter(one)) {
                    fails(AutogradException.class, leaf::backward, "backward: leaf 1×1", "is a leaf", "[reference");
                }
            }
            try (Graph g = Graph.noGrad(be)) {
                Var y = p.sum();
                fails(AutogradException.class, y::backward, "backward: ", "Graph.noGrad", "[reference");
            }
        }
    }

    @Test
    void nullArguments() {
        fails(InvalidArgumentException.class, () -> Graph.record(null), "Graph.record: the backend is null");
        fails(InvalidArgumentException.class, () -> Var.parameter(null), "Var.parameter: the tensor is null");
        try (Var p = Var.parameter(w); Graph g = Graph.record(be)) {
            fails(InvalidArgumentException.class, () -> p.matmul(null), "matmul: a Var argument is null [reference");
            fails(InvalidArgumentException.class, () -> p.gatherRows(null), "gatherRows: a tensor argument is null");
            fails(InvalidArgumentException.class, () -> p.mse(null), "mse: the targets are null [reference");
            fails(InvalidArgumentException.class, () -> Var.concatRows((Var[]) null), "concatRows: the Var arguments "
                    + "are null");
            fails(InvalidArgumentException.class, () -> Var.where(null, p, p), "where: a tensor argument is null");
        }
    }

    @Test
    void mismatchedShapesDtypesAndBackends() {
        try (Var p = Var.parameter(w); Graph g = Graph.record(be); Tensor t = be.zeros(2, 2, DType.FLOAT32);
             Tensor ints = be.fromArray(new int[6], 2, 3).detach(); Tensor there = other.zeros(2, 3, DType.FLOAT32)) {
            fails(ShapeMismatchException.class, () -> p.add(Var.constant(x)), "add: 2×3 and 3×2");
            fails(ShapeMismatchException.class, () -> p.matmul(p), "matmul: (2×3) · (2×3) cannot be multiplied");
            fails(ShapeMismatchException.class, () -> p.mse(t), "mse: targets 2×2 do not match", "[reference");
            fails(ShapeMismatchException.class, () -> p.linear(p, p, dev.nabla.nn.Activation.TANH), "linear: x 2×3");
            fails(UnsupportedDTypeException.class, () -> Var.constant(ints).sigmoid(), "sigmoid: tensor 2×3 is INT32");
            fails(UnsupportedDTypeException.class, () -> Var.parameter(ints), "Var.parameter: a parameter must be");
            fails(BackendMismatchException.class, () -> p.add(Var.constant(there)), "add: leaf 2×3 FLOAT32 lives on");
            fails(BackendMismatchException.class, () -> p.mse(there), "mse: the targets 2×3 live on");
        }
    }

    @Test
    void aValueOfAnotherGraphCannotBeDifferentiatedThroughAnInnerOne() {
        try (Var p = Var.parameter(w); Graph outer = Graph.record(be)) {
            Var h = p.tanh();
            try (Graph inner = Graph.record(be)) {
                fails(AutogradException.class, () -> h.mul(2), "mul: tanh 2×3 FLOAT32 was computed in another graph");
            }
            try (Graph eval = Graph.noGrad(be)) {
                h.mul(2);                                               // evaluation may read it
            }
        }
    }
}
