package dev.nabla.optim;

import dev.nabla.Backend;
import dev.nabla.autograd.Var;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** clipGradNorm against torch.nn.utils.clip_grad_norm_ written out in float64. */
class GradClipTest {

    private static void check(double maxNorm) {
        Backend be = Backend.wrap(new ReferenceBackend());
        Trajectory tr = new Trajectory(5, 1);
        Map<String, Var> ps = tr.params(be);
        try {
            tr.backward(be, ps, 0);                     // "w" and "b" have gradients, "unused" none
            double[][] g = {ps.get("w").grad().toDoubleArray(), ps.get("b").grad().toDoubleArray()};
            double sumSq = 0;
            for (double[] gi : g) {
                for (double x : gi) {
                    sumSq += x * x;
                }
            }
            double total = Math.sqrt(sumSq);
            double coef = Math.min(1.0, maxNorm / (total + 1e-6));     // clamp(clip_coef, max=1.0)
            double got = GradClip.clipGradNorm(ps, maxNorm);
            assertEquals(total, got, 1e-14 * total, "the total norm before clipping");
            String[] names = {"w", "b"};
            for (int i = 0; i < 2; i++) {
                double[] after = ps.get(names[i]).grad().toDoubleArray();
                for (int j = 0; j < after.length; j++) {
                    double e = g[i][j] * coef;                          // g.mul_(clip_coef_clamped)
                    assertEquals(e, after[j], 1e-15 * Math.max(1, Math.abs(e)), names[i] + "[" + j + "]");
                }
                if (coef == 1.0) {
                    assertArrayEquals(g[i], after, "not clipped: unchanged");
                }
            }
            assertNull(ps.get("unused").grad(), "a null gradient stays null");
            double[] norm = new double[1];
            double clippedSq = 0;
            for (String n : names) {
                for (double x : ps.get(n).grad().toDoubleArray()) {
                    clippedSq += x * x;
                }
            }
            norm[0] = Math.sqrt(clippedSq);
            if (coef < 1) {
                assertEquals(maxNorm, norm[0], 1e-5 * maxNorm, "the clipped norm is maxNorm (less 1e-6 guard)");
            }
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }

    @Test
    void clipsToTheMaxNorm() {
        check(0.5);
    }

    @Test
    void leavesSmallGradientsAlone() {
        check(1e6);
    }

    @Test
    void noGradientsGiveZero() {
        Backend be = Backend.wrap(new ReferenceBackend());
        Map<String, Var> ps = new LinkedHashMap<>();
        ps.put("w", Var.parameter(be.zeros(2, 2, dev.nabla.DType.FLOAT64)));
        try {
            assertEquals(0.0, GradClip.clipGradNorm(ps, 1.0), 0.0);
        } finally {
            Trajectory.closeAll(ps);
        }
    }
}
