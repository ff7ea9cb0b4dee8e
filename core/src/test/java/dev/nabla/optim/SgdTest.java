package dev.nabla.optim;

import dev.nabla.Backend;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.autograd.Var;
import dev.nabla.io.HostTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SGD against torch.optim.SGD's formulas written out element by element in float64, over 12 steps. */
class SgdTest {
    static final int STEPS = 12;

    static Stream<Arguments> settings() {
        // lr, momentum, dampening, weight decay, nesterov
        return Stream.of(
                Arguments.of(0.1, 0.0, 0.0, 0.0, false),     // plain: fused sgdStep without velocity
                Arguments.of(0.1, 0.0, 0.0, 0.05, false),    // L2 weight decay
                Arguments.of(0.05, 0.9, 0.0, 0.0, false),    // momentum: fused, first step b = g from zeros
                Arguments.of(0.05, 0.9, 0.0, 0.01, false),
                Arguments.of(0.05, 0.8, 0.3, 0.01, false),   // dampening: composed
                Arguments.of(0.05, 0.9, 0.0, 0.0, true),     // Nesterov: composed
                Arguments.of(0.05, 0.7, 0.0, 0.02, true));
    }

    /** The learning rate of step k: the base, except 0 at step 3 (a schedule can reach 0; the update is composed). */
    static double lrAt(double base, int k) {
        return k == 3 ? 0.0 : base * (1 + 0.1 * k);
    }

    @ParameterizedTest(name = "lr={0} momentum={1} dampening={2} weightDecay={3} nesterov={4}")
    @MethodSource("settings")
    void matchesPyTorchFormulas(double lr, double mu, double tau, double wd, boolean nesterov) {
        Backend be = Backend.wrap(new ReferenceBackend());
        Trajectory tr = new Trajectory(42, STEPS);
        Map<String, Var> ps = tr.params(be);
        double[][] w = tr.referenceParams();
        double[][] buf = new double[Trajectory.NAMES.length][];
        try (SGD opt = new SGD(ps, lr, mu, tau, wd, nesterov)) {
            for (int k = 0; k < STEPS; k++) {
                double lrK = lrAt(lr, k);
                // the library
                tr.backward(be, ps, k);
                opt.learningRate(lrK);
                opt.step();
                // torch.optim.SGD._single_tensor_sgd, element by element
                for (int i = 0; i < w.length; i++) {
                    if (!Trajectory.hasGrad(i, k)) {
                        continue;                                   // p.grad is None: skipped
                    }
                    double[] dp = tr.grad(i, k, w[i]);
                    for (int j = 0; j < dp.length; j++) {
                        dp[j] = dp[j] + wd * w[i][j];               // d_p = d_p.add(param, alpha=weight_decay)
                    }
                    if (mu != 0) {
                        if (buf[i] == null) {
                            buf[i] = dp.clone();                    // buf = torch.clone(d_p)
                        } else {
                            for (int j = 0; j < dp.length; j++) {
                                buf[i][j] = buf[i][j] * mu + (1 - tau) * dp[j];
                            }
                        }
                        if (nesterov) {
                            for (int j = 0; j < dp.length; j++) {
                                dp[j] = dp[j] + mu * buf[i][j];     // d_p = d_p.add(buf, alpha=momentum)
                            }
                        } else {
                            dp = buf[i];
                        }
                    }
                    for (int j = 0; j < dp.length; j++) {
                        w[i][j] = w[i][j] + -lrK * dp[j];           // param.add_(d_p, alpha=-lr)
                    }
                }
                Trajectory.assertClose("SGD step " + (k + 1), w, ps);
            }
            assertArrayEquals(tr.init[2], ps.get("unused").value().toDoubleArray(), "a parameter without gradient "
                    + "never changes");
            Map<String, HostTensor> state = opt.stateDict();
            assertFalse(state.keySet().stream().anyMatch(key -> key.startsWith("state.unused.")),
                    "no state for a parameter never updated: " + state.keySet());
            assertEquals(STEPS, state.get("state.w.step").doubles()[0]);
            assertEquals(STEPS / 2, state.get("state.b.step").doubles()[0]);
            assertEquals(mu != 0, state.containsKey("state.w.momentum_buffer"));
            if (mu != 0) {
                double[] saved = state.get("state.w.momentum_buffer").doubles();
                for (int j = 0; j < saved.length; j++) {
                    assertEquals(buf[0][j], saved[j], 1e-12 * Math.max(1, Math.abs(buf[0][j])), "momentum_buffer[" + j
                            + "]");
                }
            }
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }

    @ParameterizedTest(name = "momentum={0}")
    @MethodSource("momenta")
    void zeroGradFreesEveryGradient(double mu) {
        Backend be = Backend.wrap(new ReferenceBackend());
        Trajectory tr = new Trajectory(7, 1);
        Map<String, Var> ps = tr.params(be);
        try (SGD opt = new SGD(ps, 0.1, mu, 0, 0, false)) {
            tr.backward(be, ps, 0);
            assertTrue(ps.get("w").grad() != null && ps.get("b").grad() != null);
            opt.step();
            opt.zeroGrad();
            for (Var p : ps.values()) {
                assertEquals(null, p.grad(), "zeroGrad sets every gradient to null (PyTorch's set_to_none)");
            }
            double[] before = ps.get("w").value().toDoubleArray();
            opt.step();     // no gradient anywhere: nothing moves, not even with momentum (PyTorch skips them)
            assertArrayEquals(before, ps.get("w").value().toDoubleArray());
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }

    static Stream<Double> momenta() {
        return Stream.of(0.0, 0.9);
    }
}
