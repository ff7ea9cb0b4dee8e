package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.BackendReport;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.NoSkipOnCi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is particular to the cpu backend: discovery, the path it reports, and thread-count independent products. */
@ExtendWith(NoSkipOnCi.class)
class CpuBackendTest {

    @Test
    void isFoundByServiceLoaderAndAlwaysAvailable() {
        BackendReport report = Backends.report();
        assertTrue(report.entry("cpu").available(), report.toString());
        assertEquals("cpu", Backends.get("cpu").name());
    }

    @Test
    void theTestJvmRunsTheVectorPathAndSaysSo() {
        assertTrue(CpuPath.vectorModulePresent(), "surefire runs with --add-modules jdk.incubator.vector");
        assertEquals(CpuPath.VECTOR, CpuPath.detect());
        try (Backend be = Backend.wrap(new CpuBackend())) {
            assertTrue(be.description().startsWith("Vector API"), be.description());
        }
        try (Backend be = Backend.wrap(new CpuBackend(CpuPath.SCALAR, 2))) {
            assertTrue(be.description().startsWith("plain Java"), be.description());
        }
    }

    @Test
    void thePropertySwitchesToThePlainPath() {
        System.setProperty(CpuPath.VECTOR_PROPERTY, "false");
        try {
            assertEquals(CpuPath.SCALAR, CpuPath.detect());
            assertTrue(CpuPath.reason().contains("-Dnabla.cpu.vector=false"));
        } finally {
            System.clearProperty(CpuPath.VECTOR_PROPERTY);
        }
    }

    @Test
    void rejectsNonsenseConfiguration() {
        assertThrows(InvalidArgumentException.class, () -> new CpuBackend(CpuPath.VECTOR, 0));
    }

    /** Each element of C is computed by one thread in one order: products are bitwise the same on 1 to 4 threads. */
    @Test
    void productsDoNotDependOnTheThreadCount() {
        int m = 301, n = 257, k = 519;
        double[] a = HostData.uniform(1, m * k, -1, 1);
        double[] b = HostData.uniform(2, k * n, -1, 1);
        for (CpuPath path : CpuPath.values()) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                double[] first = null;
                for (int threads = 1; threads <= 4; threads++) {
                    try (Backend be = Backend.wrap(new CpuBackend(path, threads)); Scope s = be.scope()) {
                        Tensor c = be.fromArray(a, m, k, dtype).matmul(be.fromArray(b, k, n, dtype));
                        double[] got = c.toDoubleArray();
                        if (first == null) {
                            first = got;
                        } else {
                            assertArrayEquals(first, got, path + " " + dtype + " on " + threads + " threads");
                        }
                    }
                }
            }
        }
    }
}
