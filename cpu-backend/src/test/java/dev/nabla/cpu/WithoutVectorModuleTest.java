package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs in its own surefire execution, on a JVM started WITHOUT {@code --add-modules jdk.incubator.vector}: the cpu
 * backend must fall back to the plain path without touching a Vector API class, and still train.
 */
class WithoutVectorModuleTest {

    @Test
    void theCpuBackendRunsThePlainPathAndTrains() {
        assertFalse(CpuPath.vectorModulePresent(), "this execution must not add jdk.incubator.vector");
        Backend cpu = Backends.get("cpu");
        assertTrue(cpu.description().startsWith("plain Java"), cpu.description());
        assertTrue(cpu.description().contains("jdk.incubator.vector absent"), cpu.description());
        try (Scope s = cpu.scope();
             Network net = Network.builder().input(2).dense(8, Activation.TANH).dense(1, Activation.SIGMOID)
                     .loss(Loss.BINARY_CROSS_ENTROPY).seed(3).build(cpu);
             Optimizer adam = Optimizers.adam(0.05)) {
            Tensor x = cpu.fromArray(new float[]{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
            Tensor y = cpu.fromArray(new float[]{0, 1, 1, 0}, 4, 1);
            double first = net.trainStep(x, y, adam);
            double last = first;
            for (int i = 0; i < 400; i++) {
                last = net.trainStep(x, y, adam);
            }
            assertTrue(last < first / 10, "XOR loss " + first + " → " + last);
        }
        assertEquals(CpuPath.SCALAR, CpuPath.detect());
    }
}
