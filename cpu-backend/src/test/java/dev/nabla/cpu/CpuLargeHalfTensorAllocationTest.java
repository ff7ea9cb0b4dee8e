package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static dev.nabla.cpu.CpuLargeTensorAllocationTest.CALLS;
import static dev.nabla.cpu.CpuLargeTensorAllocationTest.COLS;
import static dev.nabla.cpu.CpuLargeTensorAllocationTest.ROUNDS;
import static dev.nabla.cpu.CpuLargeTensorAllocationTest.WARMUP;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link CpuLargeTensorAllocationTest} for the 16-bit storage types: bias + activation, δ ⊙ g′, the column sums and
 * the casts to and from FLOAT32 on 2 × 2¹⁹ elements, BFLOAT16 first and FLOAT16 second in one JVM, each under 1 KiB
 * per call. FLOAT16's bias + ReLU/identity and their derivatives boxed every vector (6.3 MB a call) because the
 * codec's loops for both dtypes, inlined into one caller, passed C2's node limit, and its column sum (12.6 MB)
 * because one method held both dtypes' loops: the codec's loops and the column sums' now run through handles, one
 * method per dtype. Its own class, so its own JVM in the `allocation` execution.
 */
class CpuLargeHalfTensorAllocationTest {
    private static final UnaryOp[] ACTIVATIONS = {UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU, UnaryOp.IDENTITY};
    private static final UnaryOp[] GRADIENTS = {UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, UnaryOp.TANH_GRAD_FROM_OUTPUT,
        UnaryOp.RELU_GRAD_FROM_OUTPUT, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT};

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void sixteenBitOpsOnLargeRowsAllocateNothingPerCall() {
        assumeTrue(CpuPath.vectorModulePresent(), "the VECTOR path needs --add-modules jdk.incubator.vector");
        try (CpuBackend be = new CpuBackend(CpuPath.VECTOR, 1)) {
            CpuFloatAllocationTest.Workload f32 = new CpuFloatAllocationTest.Workload(be, DType.FLOAT32, COLS);
            CpuFloatAllocationTest.Workload[] halves = {
                new CpuFloatAllocationTest.Workload(be, DType.BFLOAT16, COLS),
                new CpuFloatAllocationTest.Workload(be, DType.FLOAT16, COLS)};
            for (CpuFloatAllocationTest.Workload w : halves) {          // BFLOAT16's profile first, then FLOAT16's
                for (int round = 0; round < ROUNDS; round++) {
                    halfOps(be, w, f32);
                }
            }
            CpuFloatAllocationTest.Measurements m = new CpuFloatAllocationTest.Measurements(WARMUP, CALLS);
            String shape = " 2×" + COLS;
            for (CpuFloatAllocationTest.Workload w : halves) {
                for (UnaryOp act : ACTIVATIONS) {
                    m.measure(w.dtype + " biasActivation(" + act + ")" + shape,
                            () -> be.biasActivation(act, w.z, w.bias, w.out, 2, COLS));
                }
                for (UnaryOp g : GRADIENTS) {
                    m.measure(w.dtype + " activationBackward(" + g + ")" + shape,
                            () -> be.activationBackward(g, w.a, w.d, w.out, 2, COLS));
                }
                m.measure(w.dtype + " sumColumns" + shape, () -> be.sumColumns(w.x, 2, COLS, f32.out));
                m.measure(w.dtype + " cast to FLOAT32" + shape, () -> be.cast(w.x, f32.out, 2L * COLS));
                m.measure("FLOAT32 cast to " + w.dtype + shape, () -> be.cast(f32.x, w.out, 2L * COLS));
            }
            m.assertUnderBound();
        }
    }

    /** Every 16-bit op of the test once on {@code w}, FLOAT32 operands from {@code f32}. */
    private static void halfOps(CpuBackend be, CpuFloatAllocationTest.Workload w, CpuFloatAllocationTest.Workload f32) {
        for (UnaryOp act : ACTIVATIONS) {
            be.biasActivation(act, w.z, w.bias, w.out, 2, COLS);
        }
        for (UnaryOp g : GRADIENTS) {
            be.activationBackward(g, w.a, w.d, w.out, 2, COLS);
        }
        be.sumColumns(w.x, 2, COLS, f32.out);
        be.cast(w.x, f32.out, 2L * COLS);
        be.cast(f32.x, w.out, 2L * COLS);
    }
}
