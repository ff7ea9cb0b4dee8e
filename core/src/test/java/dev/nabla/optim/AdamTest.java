package dev.nabla.optim;

import dev.nabla.Backend;
import dev.nabla.autograd.Var;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.io.HostTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Adam and AdamW against torch.optim.Adam / AdamW's formulas (_single_tensor_adam, amsgrad=False) written out element
 * by element in float64, over 12 steps; the step count is per parameter ("b" gets a gradient every other step).
 */
class AdamTest {
    static final int STEPS = 12;

    static Stream<Arguments> settings() {
        // decoupled (AdamW), lr, beta1, beta2, eps, weight decay
        return Stream.of(
                Arguments.of(false, 0.01, 0.9, 0.999, 1e-8, 0.0),
                Arguments.of(false, 0.01, 0.8, 0.99, 1e-6, 0.1),     // L2 decay in the gradient
                Arguments.of(true, 0.01, 0.9, 0.999, 1e-8, 0.01),    // AdamW's defaults
                Arguments.of(true, 0.02, 0.5, 0.9, 1e-4, 0.3));
    }

    @ParameterizedTest(name = "AdamW={0} lr={1} betas={2},{3} eps={4} weightDecay={5}")
    @MethodSource("settings")
    void matchesPyTorchFormulas(boolean decoupled, double lr, double b1, double b2, double eps, double wd) {
        Backend be = Backend.wrap(new ReferenceBackend());
        Trajectory tr = new Trajectory(11, STEPS);
        Map<String, Var> ps = tr.params(be);
        double[][] w = tr.referenceParams();
        int n = Trajectory.NAMES.length;
        double[][] expAvg = new double[n][];
        double[][] expAvgSq = new double[n][];
        long[] stepT = new long[n];
        try (Optimizer opt = decoupled ? new AdamW(ps, lr, b1, b2, eps, wd) : new Adam(ps, lr, b1, b2, eps, wd)) {
            for (int k = 0; k < STEPS; k++) {
                double lrK = SgdTest.lrAt(lr, k);
                tr.backward(be, ps, k);
                opt.learningRate(lrK);
                opt.step();
                for (int i = 0; i < n; i++) {
                    if (!Trajectory.hasGrad(i, k)) {
                        continue;
                    }
                    if (expAvg[i] == null) {
                        expAvg[i] = new double[w[i].length];        // torch.zeros_like(param)
                        expAvgSq[i] = new double[w[i].length];
                    }
                    double[] g = tr.grad(i, k, w[i]);
                    stepT[i] += 1;                                  // step_t += 1
                    if (decoupled) {
                        for (int j = 0; j < g.length; j++) {
                            w[i][j] = w[i][j] * (1 - lrK * wd);     // param.mul_(1 - lr * weight_decay)
                        }
                    } else if (wd != 0) {
                        for (int j = 0; j < g.length; j++) {
                            g[j] = g[j] + wd * w[i][j];             // grad = grad.add(param, alpha=weight_decay)
                        }
                    }
                    double bc1 = 1 - Math.pow(b1, stepT[i]);
                    double bc2 = 1 - Math.pow(b2, stepT[i]);
                    double stepSize = lrK / bc1;
                    double bc2Sqrt = Math.sqrt(bc2);
                    for (int j = 0; j < g.length; j++) {
                        expAvg[i][j] = expAvg[i][j] + (1 - b1) * (g[j] - expAvg[i][j]);   // lerp_(grad, 1 - beta1)
                        expAvgSq[i][j] = expAvgSq[i][j] * b2 + (1 - b2) * g[j] * g[j];    // mul_.addcmul_
                        double denom = Math.sqrt(expAvgSq[i][j]) / bc2Sqrt + eps;
                        w[i][j] = w[i][j] + -stepSize * (expAvg[i][j] / denom);          // addcdiv_
                    }
                }
                Trajectory.assertClose((decoupled ? "AdamW" : "Adam") + " step " + (k + 1), w, ps);
            }
            assertArrayEquals(tr.init[2], ps.get("unused").value().toDoubleArray(), "a parameter without gradient "
                    + "never changes");
            Map<String, HostTensor> state = opt.stateDict();
            assertFalse(state.keySet().stream().anyMatch(key -> key.startsWith("state.unused.")), state.keySet()
                    .toString());
            assertEquals(stepT[1], (long) state.get("state.b.step").doubles()[0], "per-parameter step count");
            String[] slots = {"exp_avg", "exp_avg_sq"};
            double[][][] expected = {expAvg, expAvgSq};
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < 2; i++) {
                    double[] saved = state.get("state." + Trajectory.NAMES[i] + "." + slots[s]).doubles();
                    for (int j = 0; j < saved.length; j++) {
                        double e = expected[s][i][j];
                        assertEquals(e, saved[j], 1e-12 * Math.max(1e-3, Math.abs(e)), slots[s] + " of "
                                + Trajectory.NAMES[i] + "[" + j + "]");
                    }
                }
            }
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }
}
