package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input of the Tensor API gets its typed error, and the message names the op, the shapes and the backend. */
class ErrorsTest {
    private Backend be;
    private Scope scope;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
        scope = be.scope();
    }

    @AfterEach
    void stop() {
        scope.close();
        be.close();
    }

    private static <T extends Throwable> void assertMessage(Class<T> type, Executable call, String... parts) {
        T e = assertThrows(type, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void matmulOfIncompatibleShapesNamesBothShapesAndTheBackend() {
        Tensor a = be.zeros(2, 3);
        Tensor b = be.zeros(4, 5);
        assertMessage(ShapeMismatchException.class, () -> a.matmul(b),
                "matmul: (2×3) · (4×5) cannot be multiplied (3 != 4) [reference]");
        assertMessage(ShapeMismatchException.class, () -> a.matmulTransA(b), "matmulTransA: (2×3)ᵀ · (4×5)", "2 != 4");
        assertMessage(ShapeMismatchException.class, () -> a.matmulTransB(b), "matmulTransB: (2×3) · (4×5)ᵀ", "3 != 5");
    }

    @Test
    void gemmIntoAWronglyShapedOutputSaysWhatItNeeded() {
        Tensor a = be.zeros(64, 128);
        Tensor d = be.zeros(64, 10);
        Tensor wrong = be.zeros(10, 128);
        assertMessage(ShapeMismatchException.class, () -> be.ops().gemm(true, false, 1, a, d, 0, wrong),
                "gemm: (64×128)ᵀ · (64×10) needs a 128×10 output, got 10×128 [reference]");
        assertMessage(InvalidArgumentException.class, () -> be.ops().gemm(false, false, 1, a, be.zeros(128, 128), 0, a),
                "gemm: c and a are the same buffer; c must have a buffer of its own [reference]");
    }

    @Test
    void elementwiseOpsNeverBroadcastSilently() {
        Tensor a = be.zeros(3, 4);
        assertMessage(ShapeMismatchException.class, () -> a.add(be.zeros(1, 4)), "add: 3×4 and 1×4",
                "the same shape (no broadcasting unless asked)", "[reference]");
        assertMessage(ShapeMismatchException.class, () -> a.hadamard(be.zeros(4, 3)), "hadamard: 3×4 and 4×3");
        assertMessage(ShapeMismatchException.class, () -> a.addRowVector(be.zeros(1, 3)), "addRowVector: 3×4 and 1×3",
                "a 1×4 row vector");
        assertMessage(ShapeMismatchException.class,
                () -> be.ops().binary(BinaryOp.SUB, a, be.zeros(4, 1), Broadcast.COLUMN, a), "a 3×1 column vector");
        assertMessage(ShapeMismatchException.class, () -> be.ops().unary(UnaryOp.EXP, 0, a, be.zeros(4, 3)),
                "exp: input 3×4 and output 4×3 must have the same shape");
        assertMessage(ShapeMismatchException.class, () -> be.ops().sumColumns(a, be.zeros(1, 3)),
                "sumColumns: input 3×4 needs a 1×4 output, got 1×3");
        assertMessage(ShapeMismatchException.class, () -> a.axpyInPlace(1, be.zeros(3, 3)), "axpyInPlace: x 3×3 and y 3×4");
        assertMessage(ShapeMismatchException.class, () -> a.item(), "item: only a 1×1 tensor has one value, this is 3×4");
    }

    @Test
    void dtypesAreNeverMixed() {
        Tensor f = be.zeros(2, 2, DType.FLOAT32);
        Tensor d = be.zeros(2, 2, DType.FLOAT64);
        assertMessage(DTypeMismatchException.class, () -> f.add(d), "add: dtypes differ: 2×2 is FLOAT32, 2×2 is FLOAT64",
                "[reference]");
        assertMessage(DTypeMismatchException.class, () -> f.matmul(d), "matmul: dtypes differ");
    }

    @Test
    void tensorsOfTwoBackendsAreNeverMixed() {
        try (Backend other = Backend.wrap(new ReferenceBackend())) {
            Tensor a = be.zeros(2, 2);
            Tensor b = other.zeros(2, 2);
            assertMessage(BackendMismatchException.class, () -> a.matmul(b), "matmul: tensor 2×2 lives on reference",
                    "tensor.to(backend)", "two instances of reference");
        }
    }

    @Test
    void aClosedTensorNamesItsShape() {
        Tensor a = be.zeros(7, 3);
        a.close();
        a.close(); // idempotent
        assertTrue(a.isClosed());
        assertMessage(TensorClosedException.class, a::toFloatArray, "toFloatArray: tensor 7×3 FLOAT32 [reference] is closed");
        assertMessage(TensorClosedException.class, () -> be.zeros(3, 3).matmul(a), "matmul: tensor 7×3", "is closed");
        assertMessage(TensorClosedException.class, a::buffer, "7×3");
    }

    @Test
    void impossibleShapesAreRejected() {
        assertMessage(InvalidShapeException.class, () -> be.zeros(-1, 3), "zeros", "dimensions must be ≥ 0, got -1×3");
        assertMessage(InvalidShapeException.class, () -> be.zeros(100_000, 100_000),
                "100000×100000 FLOAT32 has 10000000000 elements, more than one buffer of reference can hold");
        assertMessage(InvalidArgumentException.class, () -> be.fromArray(new float[5], 2, 3),
                "fromArray: 5 values cannot fill a 2×3 tensor (needs 6) [reference]");
    }

    @Test
    void anUnsupportedDTypeNamesTheBackend() {
        try (Backend noFp64 = Backend.wrap(new ReferenceBackend(false))) {
            assertMessage(UnsupportedDTypeException.class, () -> noFp64.zeros(2, 2, DType.FLOAT64),
                    "zeros: FLOAT64 is not supported by reference");
            assertEquals(DType.FLOAT32, noFp64.zeros(2, 2).dtype());
        }
    }

    @Test
    void aClosedBackendSaysSo() {
        Backend other = Backend.wrap(new ReferenceBackend());
        other.close();
        assertMessage(BackendClosedException.class, () -> other.zeros(1, 1), "backend reference is closed");
        assertMessage(BackendClosedException.class, other::scope, "scope");
    }

    @Test
    void fusedOpsCheckTheirArguments() {
        Tensor z = be.zeros(4, 3);
        assertMessage(InvalidArgumentException.class, () -> be.ops().biasActivation(UnaryOp.EXP, z, be.zeros(1, 3), z),
                "not an elementwise activation");
        assertMessage(ShapeMismatchException.class, () -> be.ops().biasActivation(UnaryOp.RELU, z, be.zeros(3, 1), z),
                "bias 3×1 must be 1×3");
        assertMessage(InvalidArgumentException.class,
                () -> be.ops().activationBackward(UnaryOp.SIGMOID, z, z, z), "not a *_GRAD_FROM_OUTPUT op");
        assertMessage(ShapeMismatchException.class, () -> be.ops().lossAndDelta(BinaryOp.CROSS_ENTROPY,
                UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, z, be.zeros(4, 2), z, be.zeros(1, 1)),
                "targets 4×2 do not match the output 4×3");
        assertMessage(InvalidArgumentException.class, () -> be.ops().lossAndDelta(BinaryOp.ADD,
                UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, z, z, z, be.zeros(1, 1)), "ADD is not a loss term");
        assertMessage(ShapeMismatchException.class, () -> be.ops().backpropDelta(UnaryOp.RELU_GRAD_FROM_OUTPUT,
                be.zeros(4, 2), be.zeros(3, 2), be.zeros(4, 5), be.zeros(4, 5)),
                "δ·Wᵀ is 4×3 but the previous activation is 4×5");
        assertMessage(InvalidArgumentException.class, () -> be.ops().adamStep(z, z, z, z, 0.1, 0.9, 0.99, 1e-8, 0, 0),
                "step counts from 1");
    }

    @Test
    void anErrorLeavesTheBackendUsable() {
        Tensor a = be.fromArray(new double[]{1, 2, 3, 4}, 2, 2);
        assertThrows(ShapeMismatchException.class, () -> a.matmul(be.zeros(3, 3, DType.FLOAT64)));
        assertEquals(54, a.matmul(a).sum().item()); // [[7,10],[15,22]]
    }
}
