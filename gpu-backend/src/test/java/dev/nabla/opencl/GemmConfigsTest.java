package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.contract.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every configuration the tuner may choose computes correct products: each one this device can run is built and
 * checked against the reference on shapes that cut every tile edge, with all four transpose combinations, so a
 * tuner on a GPU can only pick among kernels proven here.
 */
@ExtendWith(NoSkipOnCi.class)
class GemmConfigsTest {

    @Test
    void everyCandidateOfTheTunerIsCorrect() {
        int checked = 0;
        try (Backend probe = OpenClTests.freshBackend(); Backend ref = Backend.wrap(new ReferenceBackend())) {
            ClDevice device = ((OpenClBackend) probe.compute()).device();
            int[][] shapes = {{129, 131, 67}, {1, 200, 33}, {70, 3, 129}, {128, 128, 32}};
            for (GemmConfig config : GemmConfig.searchSpace()) {
                if (!config.fits(device.maxWorkGroupSize(), device.localMemBytes(), 4)) {
                    continue;
                }
                try (Backend be = Backend.wrap(new OpenClBackend(device, config, false))) {
                    for (int[] s : shapes) {
                        for (int t = 0; t < 4; t++) {
                            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                            int m = s[0], n = s[1], k = s[2];
                            double[] a = HostData.uniform(m + k, m * k, -1, 1);
                            double[] b = HostData.uniform(n + k, k * n, -1, 1);
                            double[] want;
                            try (Scope r = ref.scope()) {
                                Tensor c = ref.zeros(m, n, DType.FLOAT64);
                                ref.ops().gemm(ta, tb, 1, ref.fromArray(a, ta ? k : m, ta ? m : k),
                                        ref.fromArray(b, tb ? n : k, tb ? k : n), 0, c);
                                want = c.toDoubleArray();
                            }
                            try (Scope g = be.scope()) {
                                Tensor c = be.zeros(m, n, DType.FLOAT32);
                                be.ops().gemm(ta, tb, 1, be.fromArray(a, ta ? k : m, ta ? m : k, DType.FLOAT32),
                                        be.fromArray(b, tb ? n : k, tb ? k : n, DType.FLOAT32), 0, c);
                                Tolerance.of(DType.FLOAT32, k).assertClose("gemm " + config + " m=" + m + " n=" + n
                                        + " k=" + k + " transA=" + ta + " transB=" + tb, want, c.toDoubleArray(), n);
                            }
                        }
                    }
                }
                checked++;
            }
        }
        assertTrue(checked >= 10, "only " + checked + " configurations fit this device");
    }

    /** Products with fewer big tiles than compute units go to the small-tile program, and stay correct. */
    @Test
    void smallProductsUseTheSmallTileProgramAndAreCorrect() {
        try (Backend probe = OpenClTests.freshBackend(); Backend ref = Backend.wrap(new ReferenceBackend())) {
            ClDevice device = ((OpenClBackend) probe.compute()).device();
            GemmConfig big = new GemmConfig(128, 128, 8, 8, 8, 4, true, true);
            try (Backend be = Backend.wrap(new OpenClBackend(device, big, GemmConfig.SMALL, false))) {
                assertTrue(be.description().contains("64×64 for small products"), be.description());
                for (int[] s : new int[][]{{100, 90, 300}, {1, 10, 4096}, {129, 10, 77}}) {
                    double[] a = HostData.uniform(s[0], s[0] * s[2], -1, 1);
                    double[] b = HostData.uniform(s[1], s[2] * s[1], -1, 1);
                    double[] want;
                    try (Scope r = ref.scope()) {
                        want = ref.fromArray(a, s[0], s[2]).matmul(ref.fromArray(b, s[2], s[1])).toDoubleArray();
                    }
                    try (Scope g = be.scope()) {
                        Tensor c = be.fromArray(a, s[0], s[2], DType.FLOAT32).matmul(be.fromArray(b, s[2], s[1], DType.FLOAT32));
                        Tolerance.of(DType.FLOAT32, s[2]).assertClose("small-tile gemm " + java.util.Arrays.toString(s),
                                want, c.toDoubleArray(), s[1]);
                    }
                }
            }
        }
    }
}
