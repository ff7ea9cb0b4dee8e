package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Tensor API on the reference backend: factories, ops, data out, copies. Expected values written by hand. */
class TensorApiTest {
    private Backend be;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    @AfterEach
    void stop() {
        be.close();
    }

    @Test
    void factoriesMakeWhatTheySay() {
        try (Scope s = be.scope()) {
            Tensor x = be.fromArray(new float[]{1, 0.875f, 0.25f, 1}, 2, 2);
            assertEquals(new Shape(2, 2), x.shape());
            assertEquals(DType.FLOAT32, x.dtype());
            assertArrayEquals(new float[]{1, 0.875f, 0.25f, 1}, x.toFloatArray());
            assertArrayEquals(new double[6], be.zeros(2, 3, DType.FLOAT64).toDoubleArray());
            assertArrayEquals(new double[]{2.5, 2.5, 2.5}, be.full(1, 3, 2.5, DType.FLOAT64).toDoubleArray());
            assertEquals(DType.FLOAT64, be.fromArray(new double[]{1}, 1, 1).dtype());
            assertEquals(0, be.zeros(0, 7).size());
        }
    }

    @Test
    void seededRandomNumbersAreReproducibleAndLookRight() {
        try (Scope s = be.scope()) {
            double[] a = be.randn(100, 100, 42L, DType.FLOAT64).toDoubleArray();
            double[] b = be.randn(100, 100, 42L, DType.FLOAT64).toDoubleArray();
            double[] c = be.randn(100, 100, 43L, DType.FLOAT64).toDoubleArray();
            assertArrayEquals(a, b, "same seed, same numbers");
            assertTrue(a[0] != c[0] || a[1] != c[1], "another seed, other numbers");
            double mean = 0, var = 0;
            for (double v : a) {
                mean += v;
            }
            mean /= a.length;
            for (double v : a) {
                var += (v - mean) * (v - mean);
            }
            var /= a.length;
            assertEquals(0, mean, 0.05, "randn mean");
            assertEquals(1, var, 0.05, "randn variance");
            float[] f = be.randn(100, 100, 42L).toFloatArray();
            for (int i = 0; i < f.length; i++) {
                assertEquals((float) a[i], f[i], "FLOAT32 randn is the FLOAT64 draw rounded");
            }
            for (double u : be.rand(50, 50, 1L, DType.FLOAT64).toDoubleArray()) {
                assertTrue(u >= 0 && u < 1, "rand in [0, 1)");
            }
        }
    }

    @Test
    void opsComputeByHandValues() {
        try (Scope s = be.scope()) {
            Tensor a = be.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3);      // [[1,2,3],[4,5,6]]
            Tensor b = be.fromArray(new double[]{1, 0, 0, 1, 1, 1}, 3, 2);      // [[1,0],[0,1],[1,1]]
            assertArrayEquals(new double[]{4, 5, 10, 11}, a.matmul(b).toDoubleArray());
            // aᵀ·a = [[17,22,27],[22,29,36],[27,36,45]]
            assertArrayEquals(new double[]{17, 22, 27, 22, 29, 36, 27, 36, 45}, a.matmulTransA(a).toDoubleArray());
            // a·aᵀ = [[14,32],[32,77]]
            assertArrayEquals(new double[]{14, 32, 32, 77}, a.matmulTransB(a).toDoubleArray());
            Tensor row = be.fromArray(new double[]{10, 20, 30}, 1, 3);
            assertArrayEquals(new double[]{11, 22, 33, 14, 25, 36}, a.addRowVector(row).toDoubleArray());
            assertArrayEquals(new double[]{2, 4, 6, 8, 10, 12}, a.add(a).toDoubleArray());
            assertArrayEquals(new double[6], a.sub(a).toDoubleArray());
            assertArrayEquals(new double[]{1, 4, 9, 16, 25, 36}, a.hadamard(a).toDoubleArray());
            assertArrayEquals(new double[]{-2, -4, -6, -8, -10, -12}, a.scale(-2).toDoubleArray());
            assertArrayEquals(new double[]{5, 7, 9}, a.sumColumns().toDoubleArray());
            assertEquals(21, a.sum().item());
            assertEquals(3.5, a.mean().item());
            Tensor z = be.fromArray(new double[]{-1000, 0, 1000, -1}, 1, 4);
            assertArrayEquals(new double[]{0, 0.5, 1, 1 / (1 + Math.E)}, z.sigmoid().toDoubleArray(), 1e-15);
            assertArrayEquals(new double[]{0, 0, 1000, 0}, z.relu().toDoubleArray());
            assertArrayEquals(new double[]{Math.tanh(-1000), 0, 1, Math.tanh(-1)}, z.tanh().toDoubleArray(), 1e-15);
            Tensor p = be.fromArray(new double[]{1, 2, 3, 1000, 1000, 1000}, 2, 3);
            double e1 = Math.exp(-2), e2 = Math.exp(-1), sum = e1 + e2 + 1;
            assertArrayEquals(new double[]{e1 / sum, e2 / sum, 1 / sum, 1 / 3.0, 1 / 3.0, 1 / 3.0},
                    p.softmaxRows().toDoubleArray(), 1e-15);
            assertArrayEquals(new double[]{0, Math.log(2)}, be.fromArray(new double[]{1, 2}, 1, 2).log().toDoubleArray());
            assertArrayEquals(new double[]{1, Math.E}, be.fromArray(new double[]{0, 1}, 1, 2).exp().toDoubleArray());
            Tensor acc = be.fromArray(new double[]{1, 1, 1, 1, 1, 1}, 2, 3);
            assertTrue(acc == acc.axpyInPlace(0.5, a), "axpyInPlace returns this");
            assertArrayEquals(new double[]{1.5, 2, 2.5, 3, 3.5, 4}, acc.toDoubleArray());
        }
    }

    @Test
    void toAndCopyMakeNewTensors() {
        try (Backend other = Backend.wrap(new ReferenceBackend()); Scope s = be.scope()) {
            Tensor a = be.fromArray(new float[]{1, 2, 3}, 1, 3);
            Tensor moved = a.to(other);
            assertEquals(other, moved.backend());
            assertArrayEquals(a.toFloatArray(), moved.toFloatArray());
            Tensor same = a.to(be);
            assertNotSame(a, same);
            a.close();
            assertArrayEquals(new float[]{1, 2, 3}, same.toFloatArray(), "a copy outlives its source");
            moved.close();
        }
    }

    @Test
    void statsCountTransfersAndTensors() {
        long before = be.stats().hostToDeviceBytes();
        try (Tensor t = be.fromArray(new float[10], 2, 5)) {
            assertEquals(before + 40, be.stats().hostToDeviceBytes());
            t.toDoubleArray();
            assertEquals(40, be.stats().deviceToHostBytes());
            assertEquals(1, be.stats().liveTensors());
        }
        assertEquals(0, be.stats().liveTensors());
    }
}
