package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.DeviceException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.ReplicaFailedException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.contract.FaultyBackend;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.module.LayerNorm;
import dev.nabla.module.Linear;
import dev.nabla.module.Module;
import dev.nabla.module.Residual;
import dev.nabla.module.Sequential;
import dev.nabla.module.Tanh;
import dev.nabla.optim.Adam;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ModuleDataParallel} on k FLOAT64 reference backends against one: the same losses and parameters over a
 * 30-step trajectory (up to the order of the float64 sums), replicas bit-identical after each step, a device fault
 * during the gradients changing nothing, bad input refused before any replica starts, nothing left allocated.
 */
class ModuleDataParallelTest {
    private static final DType F64 = DType.FLOAT64;
    private static final int ROWS = 13;
    private static final ModuleDataParallel.LossFunction CE = (out, t) -> out.crossEntropyWithLogits(t);

    /** 5 → 7 tanh → residual(LayerNorm, Linear 7 → 7, Tanh) → 3 logits, FLOAT64, the same weights everywhere. */
    private static Module model(Backend be) {
        return new Sequential(new Linear(5, 7, be, 1, F64), new Tanh(),
                new Residual(new Sequential(new LayerNorm(7, 1e-5, be, F64), new Linear(7, 7, be, 2, F64), new Tanh())),
                new Linear(7, 3, be, 3, F64));
    }

    private static List<double[]> parameters(Module m) {
        List<double[]> out = new ArrayList<>();
        for (Var p : m.parameters().values()) {
            out.add(p.value().toDoubleArray());
        }
        return out;
    }

    private static Tensor x(Backend be, int step) {
        return be.fromArray(HostData.uniform(100 + step, ROWS * 5, -1, 1), ROWS, 5, F64);
    }

    private static Tensor t(Backend be, int step) {
        return be.fromArray(HostData.oneHot(200 + step, ROWS, 3), ROWS, 3, F64);
    }

    /** Losses and final parameters of 30 steps of replica 0 alone. */
    private static double[] single(Function<Map<String, Var>, Optimizer> opt, List<double[]> paramsOut) {
        try (Backend be = Backend.wrap(new ReferenceBackend(), true)) {
            Module m = model(be);
            double[] losses = new double[30];
            try (Optimizer o = opt.apply(m.parameters())) {
                for (int s = 0; s < losses.length; s++) {
                    try (Tensor x = x(be, s); Tensor t = t(be, s)) {
                        o.zeroGrad();
                        try (Graph g = Graph.record(be)) {
                            Var l = CE.apply(m.forward(Var.constant(x)), t);
                            losses[s] = l.value().item();
                            l.backward();
                        }
                        o.step();
                    }
                }
                paramsOut.addAll(parameters(m));
            } finally {
                m.close();
            }
            assertEquals(0, be.stats().liveTensors(), () -> "left: " + be.liveTensorDescriptions());
            return losses;
        }
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(ints = {1, 2, 3, 5})
    void kReplicasTrainAsOneWithSgdMomentumAndAdam(int k) {
        List<Function<Map<String, Var>, Optimizer>> optimizers = List.of(
                p -> new SGD(p, 0.1, 0.9, 0.0, 0.01, true),
                p -> new Adam(p, 0.01));
        for (Function<Map<String, Var>, Optimizer> opt : optimizers) {
            List<double[]> want = new ArrayList<>();
            double[] wantLosses = single(opt, want);
            List<Backend> backends = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                backends.add(Backend.wrap(new ReferenceBackend(), true));
            }
            Backend b0 = backends.get(0);
            Module m = model(b0);
            try (ModuleDataParallel dp = ModuleDataParallel.of(m, backends); Optimizer o = opt.apply(m.parameters())) {
                assertEquals(k, dp.replicas());
                for (int s = 0; s < wantLosses.length; s++) {
                    try (Tensor x = x(b0, s); Tensor t = t(b0, s)) {
                        double loss = dp.trainStep(x, t, CE, o);
                        assertEquals(wantLosses[s], loss, 1e-12 * (1 + Math.abs(wantLosses[s])), "k = " + k
                                + ", step " + s + ": the global batch's mean loss");
                    }
                    for (int i = 1; i < k; i++) {
                        List<double[]> r = parameters(dp.replica(i)), r0 = parameters(m);
                        for (int p = 0; p < r0.size(); p++) {
                            assertArrayEquals(r0.get(p), r.get(p), "replica " + i + " after step " + s);
                        }
                    }
                }
                List<double[]> got = parameters(m);
                for (int p = 0; p < want.size(); p++) {
                    double[] w = want.get(p), g = got.get(p);
                    for (int e = 0; e < w.length; e++) {
                        assertEquals(w[e], g[e], 1e-10 * (1 + Math.abs(w[e])), "k = " + k + ", parameter " + p
                                + "[" + e + "] after 30 steps");
                    }
                }
            } finally {
                m.close();
            }
            for (Backend b : backends) {
                assertEquals(0, b.stats().liveTensors(), () -> "left: " + b.liveTensorDescriptions());
                b.close();
                assertTrue(b.leakReports().isEmpty(), "leaks: " + b.leakReports());
            }
        }
    }

    @Test
    void aDeviceFaultDuringTheGradientsChangesNoParameterAndNoOptimizerState() {
        int k = 3;
        List<double[]> want = new ArrayList<>();
        double[] wantLosses = single(p -> new Adam(p, 0.01), want);
        FaultyBackend[] faulty = new FaultyBackend[k];
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            faulty[i] = new FaultyBackend(new ReferenceBackend());
            backends.add(Backend.wrap(faulty[i], true));
        }
        Backend b0 = backends.get(0);
        Module m = model(b0);
        try (ModuleDataParallel dp = ModuleDataParallel.of(m, backends); Optimizer o = new Adam(m.parameters(), 0.01)) {
            for (int s = 0; s < wantLosses.length; s++) {
                try (Tensor x = x(b0, s); Tensor t = t(b0, s)) {
                    if (s == 3) {                           // replica 2's 5th device operation of this step fails
                        List<double[]> before = parameters(m);
                        faulty[2].reset();
                        faulty[2].failOperation(5, () -> new DeviceException("injected fault"));
                        ReplicaFailedException e = assertThrows(ReplicaFailedException.class,
                                () -> dp.trainStep(x, t, CE, o));
                        assertTrue(e.getMessage().startsWith("ModuleDataParallel.trainStep"), e.getMessage());
                        assertTrue(e.getMessage().contains("replica 2"), e.getMessage());
                        assertEquals(ReplicaFailedException.Stage.GRADIENTS, e.stage());
                        List<double[]> after = parameters(m);
                        for (int p = 0; p < before.size(); p++) {
                            assertArrayEquals(before.get(p), after.get(p), "a failed step changed parameter " + p);
                        }
                    }
                    double loss = dp.trainStep(x, t, CE, o);
                    assertEquals(wantLosses[s], loss, 1e-12 * (1 + Math.abs(wantLosses[s])), "step " + s);
                }
            }
            List<double[]> got = parameters(m);
            for (int p = 0; p < want.size(); p++) {
                double[] w = want.get(p), g = got.get(p);
                for (int e = 0; e < w.length; e++) {
                    assertEquals(w[e], g[e], 1e-10 * (1 + Math.abs(w[e])), "Adam's state did not move: parameter "
                            + p + "[" + e + "]");
                }
            }
        } finally {
            m.close();
        }
        for (Backend b : backends) {
            assertEquals(0, b.stats().liveTensors(), () -> "left: " + b.liveTensorDescriptions());
            b.close();
        }
    }

    @Test
    void badInputIsRefusedBeforeAnyReplicaStarts() {
        try (Backend a = Backend.wrap(new ReferenceBackend(), true); Backend b = Backend.wrap(new ReferenceBackend(),
                true)) {
            Module m = model(a);
            try (ModuleDataParallel dp = ModuleDataParallel.of(m, List.of(a, b));
                 Optimizer o = new SGD(m.parameters(), 0.1, 0, 0, 0, false);
                 Tensor x = x(a, 0); Tensor t = t(a, 0); Tensor one = a.zeros(1, 5, F64);
                 Tensor oneT = a.zeros(1, 3, F64)) {
                List<double[]> before = parameters(m);
                String msg = assertThrows(ShapeMismatchException.class, () -> dp.trainStep(one, oneT, CE, o))
                        .getMessage();
                assertTrue(msg.startsWith("ModuleDataParallel.trainStep: a batch of 1 row cannot be split over 2"),
                        msg);
                msg = assertThrows(InvalidArgumentException.class, () -> dp.trainStep(x, t, null, o)).getMessage();
                assertTrue(msg.contains("the loss function is null") && msg.endsWith("[reference, reference]"), msg);
                msg = assertThrows(InvalidArgumentException.class, () -> dp.trainStep(null, t, CE, o)).getMessage();
                assertTrue(msg.contains("the input is null"), msg);
                ReplicaFailedException e = assertThrows(ReplicaFailedException.class,
                        () -> dp.trainStep(x, t, (out, tg) -> out, o));
                assertTrue(e.getCause() instanceof ShapeMismatchException, e.toString());
                assertTrue(e.getCause().getMessage().contains("must return a 1 × 1 mean"), e.getCause().getMessage());
                List<double[]> after = parameters(m);
                for (int p = 0; p < before.size(); p++) {
                    assertArrayEquals(before.get(p), after.get(p));
                }
            } finally {
                m.close();
            }
            try (Module onB = model(b)) {
                String msg = assertThrows(dev.nabla.BackendMismatchException.class,
                        () -> ModuleDataParallel.of(onB, List.of(a, b))).getMessage();
                assertTrue(msg.startsWith("ModuleDataParallel.of: the model's parameters live on reference but "
                        + "backend 0"), msg);
            }
            assertThrows(InvalidArgumentException.class, () -> ModuleDataParallel.of(null, List.of(a)));
            assertEquals(0, a.stats().liveTensors(), () -> "left: " + a.liveTensorDescriptions());
            assertEquals(0, b.stats().liveTensors(), () -> "left: " + b.liveTensorDescriptions());
        }
    }
}
