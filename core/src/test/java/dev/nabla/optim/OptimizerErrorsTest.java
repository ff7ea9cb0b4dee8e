package dev.nabla.optim;

import dev.nabla.Backend;
import dev.nabla.BackendMismatchException;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.NablaException;
import dev.nabla.TensorClosedException;
import dev.nabla.autograd.Var;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.io.HostTensor;
import dev.nabla.io.WeightsMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Typed errors naming the call and the value; nothing changed and nothing leaked after any of them. */
class OptimizerErrorsTest {
    private final Backend be = Backend.wrap(new ReferenceBackend());

    private static <T extends NablaException> void expect(Class<T> type, Executable call, String... inMessage) {
        T e = assertThrows(type, call);
        for (String s : inMessage) {
            assertTrue(e.getMessage().contains(s), "message should contain '" + s + "': " + e.getMessage());
        }
    }

    private Map<String, Var> params() {
        return new Trajectory(1, 1).params(be);
    }

    @Test
    void badHyperParametersNameTheOptimizerAndTheValue() {
        Map<String, Var> ps = params();
        try {
            Class<InvalidHyperParameterException> bad = InvalidHyperParameterException.class;
            expect(bad, () -> new SGD(ps, -0.1), "SGD", "learning rate", "-0.1");
            expect(bad, () -> new SGD(ps, Double.NaN), "SGD", "NaN");
            expect(bad, () -> new SGD(ps, 0.1, 1.0, 0, 0, false), "SGD", "momentum", "1.0");
            expect(bad, () -> new SGD(ps, 0.1, 0.9, 1.5, 0, false), "SGD", "dampening", "1.5");
            expect(bad, () -> new SGD(ps, 0.1, 0.9, 0, -1e-3, false), "SGD", "weight decay", "-0.001");
            expect(bad, () -> new SGD(ps, 0.1, 0.0, 0, 0, true), "SGD", "Nesterov", "momentum 0.0");
            expect(bad, () -> new SGD(ps, 0.1, 0.9, 0.1, 0, true), "SGD", "Nesterov", "dampening 0.1");
            expect(bad, () -> new Adam(ps, 0.1, 1.0, 0.999, 1e-8, 0), "Adam", "beta1", "1.0");
            expect(bad, () -> new Adam(ps, 0.1, 0.9, -0.5, 1e-8, 0), "Adam", "beta2", "-0.5");
            expect(bad, () -> new Adam(ps, 0.1, 0.9, 0.999, 0.0, 0), "Adam", "epsilon", "0.0");
            expect(bad, () -> new AdamW(ps, 0.1, 0.9, 0.999, 1e-8, Double.POSITIVE_INFINITY), "AdamW",
                    "weight decay", "Infinity");
            expect(bad, () -> new AdamW(ps, -1), "AdamW", "learning rate", "-1.0");
            try (SGD opt = new SGD(ps, 0.1)) {
                expect(bad, () -> opt.learningRate(-2), "SGD.learningRate", "-2.0");
                assertEquals(0.1, opt.learningRate(), 0.0, "a refused rate changes nothing");
            }
            expect(bad, () -> new StepLR(0, 0.1), "StepLR", "step size", "0");
            expect(bad, () -> new StepLR(2, -0.1), "StepLR", "gamma", "-0.1");
            expect(bad, () -> new CosineAnnealingLR(0, 0), "CosineAnnealingLR", "T_max", "0");
            expect(bad, () -> new CosineAnnealingLR(5, -1), "CosineAnnealingLR", "eta_min", "-1.0");
            expect(bad, () -> new LinearWarmup(-3), "LinearWarmup", "-3");
            expect(bad, () -> GradClip.clipGradNorm(ps, 0.0), "clipGradNorm", "max norm", "0.0");
            try (SGD opt = new SGD(ps, 0.1)) {
                expect(bad, () -> new LrScheduler(opt, (base, t) -> -base), "LrScheduler", "-0.1");
            }
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }

    @Test
    void badParameterMaps() {
        Map<String, Var> ps = params();
        try {
            expect(InvalidArgumentException.class, () -> new SGD(null, 0.1), "SGD", "null");
            expect(InvalidArgumentException.class, () -> new Adam(new LinkedHashMap<>(), 0.1), "Adam", "empty");
            Map<String, Var> twice = new LinkedHashMap<>(ps);
            twice.put("again", ps.get("w"));
            expect(InvalidArgumentException.class, () -> new SGD(twice, 0.1), "SGD", "'w'", "'again'", "same Var");
            Map<String, Var> sameTensor = new LinkedHashMap<>(ps);
            sameTensor.put("tied", Var.parameter(ps.get("b").value()));
            expect(InvalidArgumentException.class, () -> new AdamW(sameTensor, 0.1), "AdamW", "'b'", "'tied'",
                    "same tensor");
            Map<String, Var> constant = new LinkedHashMap<>(ps);
            constant.put("x", Var.constant(ps.get("w").value()));
            expect(InvalidArgumentException.class, () -> new SGD(constant, 0.1), "SGD", "'x'", "Var.parameter");
        } finally {
            Trajectory.closeAll(ps);
        }
    }

    @Test
    void parametersOnTwoBackends() {
        Backend other = Backend.wrap(new ReferenceBackend());
        Map<String, Var> ps = params();
        Var elsewhere = Var.parameter(other.zeros(2, 2, DType.FLOAT64));
        ps.put("elsewhere", elsewhere);
        try {
            expect(BackendMismatchException.class, () -> new Adam(ps, 0.1), "Adam", "'w'", "'elsewhere'");
            expect(BackendMismatchException.class, () -> GradClip.clipGradNorm(ps, 1.0), "clipGradNorm",
                    "'elsewhere'");
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, other.stats().liveTensors());
    }

    @Test
    void closedParameterFailsBeforeAnythingChanges() {
        Trajectory tr = new Trajectory(1, 1);
        Map<String, Var> ps = tr.params(be);
        try (Adam opt = new Adam(ps, 0.1)) {
            tr.backward(be, ps, 0);
            double[] w = ps.get("w").value().toDoubleArray();
            ps.get("b").value().close();
            expect(TensorClosedException.class, opt::step, "Adam.step", "'b'", "closed");
            assertArrayEquals(w, ps.get("w").value().toDoubleArray(), "no parameter was updated");
            expect(TensorClosedException.class, opt::stateDict, "Adam.stateDict", "'b'");
            expect(TensorClosedException.class, () -> GradClip.clipGradNorm(ps, 1.0), "clipGradNorm", "'b'");
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }

    @Test
    void closedOptimizerAndItsStateFreed() {
        Trajectory tr = new Trajectory(1, 1);
        Map<String, Var> ps = tr.params(be);
        long live = be.stats().liveTensors();
        SGD opt = new SGD(ps, 0.1, 0.9, 0, 0, false);
        try {
            tr.backward(be, ps, 0);
            long withGrads = be.stats().liveTensors();
            opt.step();
            assertEquals(withGrads + 2, be.stats().liveTensors(), "one momentum buffer per parameter with a gradient");
            opt.close();
            opt.close();
            assertEquals(withGrads, be.stats().liveTensors(), "close frees the state, not the gradients");
            expect(TensorClosedException.class, opt::step, "SGD.step", "closed");
            expect(TensorClosedException.class, () -> opt.loadStateDict(Map.of()), "SGD.loadStateDict", "closed");
            opt.parameters().values().forEach(Var::zeroGrad);
            assertEquals(live, be.stats().liveTensors());
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }

    @Test
    void stateOfAnotherOptimizerOrShapeIsRefusedAndNothingChanges() {
        Trajectory tr = new Trajectory(1, 2);
        Map<String, Var> ps = tr.params(be);
        try (SGD sgd = new SGD(ps, 0.1, 0.9, 0, 0, false); Adam adam = new Adam(ps, 0.1);
             Adam other = new Adam(ps, 0.1, 0.8, 0.999, 1e-8, 0)) {
            tr.backward(be, ps, 0);
            sgd.step();
            adam.step();
            Map<String, HostTensor> before = adam.stateDict();
            expect(WeightsMismatchException.class, () -> adam.loadStateDict(sgd.stateDict()), "Adam.loadStateDict",
                    "param_groups.beta1 is missing", "state.w.exp_avg is missing", "state.w.momentum_buffer");
            expect(WeightsMismatchException.class, () -> other.loadStateDict(before), "param_groups.beta1 is 0.9",
                    "0.8");
            Map<String, HostTensor> wrongShape = new LinkedHashMap<>(before);
            wrongShape.put("state.w.exp_avg", HostTensor.of(new double[6], 3, 2));
            expect(WeightsMismatchException.class, () -> adam.loadStateDict(wrongShape), "state.w.exp_avg",
                    "[3, 2]", "2×3");
            Map<String, HostTensor> wrongType = new LinkedHashMap<>(before);
            wrongType.put("state.w.exp_avg_sq", HostTensor.of(new float[6], 2, 3));
            expect(WeightsMismatchException.class, () -> adam.loadStateDict(wrongType), "state.w.exp_avg_sq",
                    "FLOAT32");
            Map<String, HostTensor> extra = new LinkedHashMap<>(before);
            extra.put("state.nobody.step", HostTensor.of(new double[]{1}));
            expect(WeightsMismatchException.class, () -> adam.loadStateDict(extra), "state.nobody.step");
            assertEquals(before, adam.stateDict(), "a refused state changes nothing");
            adam.learningRate(0.5);
            adam.loadStateDict(before);
            assertEquals(0.1, adam.learningRate(), 0.0, "the learning rate comes from the state");
        } finally {
            Trajectory.closeAll(ps);
        }
        assertEquals(0, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }
}
