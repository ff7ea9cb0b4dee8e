package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.DeviceOutOfMemoryException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.BadInputContract;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cpu backend's memory is the Java heap: a tensor the heap cannot hold (but one buffer could) is a
 * {@link DeviceOutOfMemoryException} naming the user's call, the shape and the backend, never a raw
 * {@link OutOfMemoryError}; nothing stays allocated and the backend computes correctly afterwards. On both paths.
 */
class CpuOutOfMemoryTest {
    /** 46000² = 2,116,000,000 elements: below the 2³¹ − 9 a buffer holds, 16.9 GB as FLOAT64. */
    private static final int N = 46_000;
    private static final long BYTES64 = (long) N * N * Double.BYTES;

    private static void assertOutOfMemory(Backend be, Executable call, String messageStart) {
        long live = be.stats().liveTensors();
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, call);
        assertTrue(e.getMessage().startsWith(messageStart), () -> "message: " + e.getMessage() + "\nshould start with: "
                + messageStart);
        assertTrue(e.getMessage().contains("-Xmx"), e::getMessage);
        assertTrue(e.getMessage().endsWith(")") || e.getMessage().endsWith("[cpu]"), e::getMessage);
        assertEquals(live, be.stats().liveTensors(), () -> "left alive: " + be.liveTensorDescriptions());
        BadInputContract.assertComputesCorrectly(be);
    }

    @ParameterizedTest
    @EnumSource(CpuPath.class)
    void aTensorTheHeapCannotHoldIsTypedAndLeavesTheBackendUsable(CpuPath path) {
        assumeTrue(path == CpuPath.SCALAR || CpuPath.vectorModulePresent(), "the Vector API module is not loaded");
        assumeTrue(Runtime.getRuntime().maxMemory() < BYTES64 / 2, "this JVM's heap ("
                + Runtime.getRuntime().maxMemory() + " bytes) could hold half of " + BYTES64 + " bytes");
        try (Backend be = Backend.wrap(new CpuBackend(path, 2)); Scope s = be.scope()) {
            String bytes = "(" + BYTES64 + " bytes) [cpu]: the Java heap cannot hold another " + BYTES64 + " bytes";
            assertOutOfMemory(be, () -> be.zeros(N, N, DType.FLOAT64),
                    "zeros: cannot allocate 46000×46000 FLOAT64 " + bytes);
            assertOutOfMemory(be, () -> be.empty(N, N, DType.FLOAT64),
                    "empty: cannot allocate 46000×46000 FLOAT64 " + bytes);
            Tensor column = be.zeros(N, 1, DType.FLOAT64);
            Tensor row = be.zeros(1, N, DType.FLOAT64);
            assertOutOfMemory(be, () -> column.matmul(row), "matmul: cannot allocate 46000×46000 FLOAT64 " + bytes);
            assertOutOfMemory(be, () -> row.matmulTransA(row), "matmulTransA: cannot allocate 46000×46000 FLOAT64 "
                    + bytes);
            // randn draws its values on the host first: that array is the one the heap refuses
            assertOutOfMemory(be, () -> be.randn(N, N, 1L), "randn: cannot allocate 46000×46000 FLOAT32: its host "
                    + "array of 2116000000 doubles (16928000000 bytes) does not fit in the Java heap (max ");
            // a training step whose workspace the heap cannot hold names the step, not its internals
            try (Network wide = Network.builder().input(1).dense(N, Activation.RELU).dense(1, Activation.IDENTITY)
                    .loss(Loss.MSE).dtype(DType.FLOAT64).build(be);
                 Optimizer sgd = Optimizers.sgd(0.1)) {
                Tensor targets = be.zeros(N, 1, DType.FLOAT64);
                assertOutOfMemory(be, () -> wide.trainStep(column, targets, sgd),
                        "trainStep: cannot allocate 46000×46000 FLOAT64 " + bytes);
                assertOutOfMemory(be, () -> wide.forward(column), "forward: cannot allocate 46000×46000 FLOAT64 "
                        + bytes);
            }
        }
    }

    /** An INT32 buffer (an int[]) the heap cannot hold is typed the same way at the SPI, and counts nothing live. */
    @ParameterizedTest
    @EnumSource(CpuPath.class)
    void anInt32BufferTheHeapCannotHoldIsTyped(CpuPath path) {
        assumeTrue(path == CpuPath.SCALAR || CpuPath.vectorModulePresent(), "the Vector API module is not loaded");
        try (CpuBackend cpu = new CpuBackend(path, 2)) {
            long length = cpu.maxElements(DType.INT32);
            long bytes = length * DType.INT32.bytes();
            assumeTrue(Runtime.getRuntime().maxMemory() < bytes, "this JVM's heap ("
                    + Runtime.getRuntime().maxMemory() + " bytes) could hold " + bytes + " bytes");
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                    () -> cpu.allocate(DType.INT32, length));
            assertTrue(e.getMessage().startsWith("the Java heap cannot hold another " + bytes + " bytes"),
                    e::getMessage);
            assertEquals(0L, cpu.counters().get("liveBuffers"));
            int[] v = {3, -4, 5};
            var b = cpu.allocate(DType.INT32, v.length);
            cpu.write(b, v);
            int[] back = new int[v.length];
            cpu.read(b, back);
            assertEquals(java.util.Arrays.toString(v), java.util.Arrays.toString(back), "usable afterwards");
            cpu.release(b);
        }
    }
}
