package dev.nabla.optim;

import dev.nabla.Backend;
import dev.nabla.autograd.Var;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Learning-rate schedules against torch.optim.lr_scheduler's step() (its recursive "chainable" formulas, written out)
 * and its documented closed forms, applied to an optimizer through LrScheduler.
 */
class ScheduleTest {
    static final double BASE = 0.2;

    private static void run(LrSchedule schedule, int steps, java.util.function.LongToDoubleFunction expected,
                            double relTol) {
        Backend be = Backend.wrap(new ReferenceBackend());
        Trajectory tr = new Trajectory(3, 1);
        Map<String, Var> ps = tr.params(be);
        try (SGD opt = new SGD(ps, BASE)) {
            LrScheduler sched = new LrScheduler(opt, schedule);
            for (int t = 0; t <= steps; t++) {
                double e = expected.applyAsDouble(t);
                assertEquals(e, opt.learningRate(), relTol * Math.abs(e), schedule + " at t=" + t + " (tolerance "
                        + relTol + " relative)");
                assertEquals(t, sched.stepCount());
                sched.step();
            }
        } finally {
            Trajectory.closeAll(ps);
        }
    }

    @Test
    void stepLrEqualsPyTorchBitForBit() {
        // StepLR.get_lr: lr unchanged unless last_epoch % step_size == 0 (and > 0), then lr * gamma
        double[] torch = new double[31];
        torch[0] = BASE;
        for (int t = 1; t < torch.length; t++) {
            torch[t] = t % 3 == 0 ? torch[t - 1] * 0.7 : torch[t - 1];
        }
        run(new StepLR(3, 0.7), 30, t -> torch[(int) t], 0.0);
    }

    @Test
    void cosineAnnealingIsTheClosedFormAndPyTorchsRecursion() {
        double etaMin = 0.01;
        int tMax = 10;
        // documented closed form, past T_max too (the rate rises again)
        run(new CosineAnnealingLR(tMax, etaMin), 25,
                t -> etaMin + (BASE - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2, 1e-15);
        // CosineAnnealingLR.get_lr, the recursion PyTorch's step() runs
        double[] torch = new double[26];
        torch[0] = BASE;
        for (int t = 1; t < torch.length; t++) {
            if ((t - 1 - tMax) % (2 * tMax) == 0) {
                torch[t] = torch[t - 1] + (BASE - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                torch[t] = (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax))
                        * (torch[t - 1] - etaMin) + etaMin;
            }
        }
        run(new CosineAnnealingLR(tMax, etaMin), 25, t -> torch[(int) t], 1e-12);
        assertEquals(etaMin, new CosineAnnealingLR(tMax, etaMin).learningRate(BASE, tMax), 0.0, "η_min at T_max");
        assertEquals(0.0, new CosineAnnealingLR(tMax, 0.0).learningRate(BASE, tMax), 0.0, "0 at T_max, and the "
                + "optimizers accept lr = 0");
    }

    @Test
    void linearWarmupIsPyTorchsLinearLr() {
        int w = 4;
        run(new LinearWarmup(w), 10, t -> t < w ? BASE * (t + 1) / w : BASE, 1e-15);
        // LinearLR(start_factor=1/W, end_factor=1, total_iters=W-1).get_lr
        double start = 1.0 / w;
        int total = w - 1;
        double[] torch = new double[11];
        torch[0] = BASE * start;
        for (int t = 1; t < torch.length; t++) {
            torch[t] = t > total ? torch[t - 1]
                    : torch[t - 1] * (1 + (1 - start) / (total * start + (t - 1) * (1 - start)));
        }
        run(new LinearWarmup(w), 10, t -> torch[(int) t], 1e-14);
    }

    @Test
    void warmupThenCosineIsSequentialLr() {
        int w = 3;
        int tMax = 5;
        run(new LinearWarmup(w, new CosineAnnealingLR(tMax, 0.0)), 12,
                t -> t < w ? BASE * (t + 1) / w : BASE * (1 + Math.cos(Math.PI * (t - w) / tMax)) / 2, 1e-15);
        run(new LinearWarmup(2, new StepLR(2, 0.5)), 9,
                t -> t < 2 ? BASE * (t + 1) / 2 : BASE * Math.pow(0.5, (t - 2) / 2), 1e-15);
    }

    @Test
    void schedulerStateRestoresTheStep() {
        Backend be = Backend.wrap(new ReferenceBackend());
        Trajectory tr = new Trajectory(3, 1);
        Map<String, Var> ps = tr.params(be);
        try (SGD a = new SGD(ps, BASE); SGD b = new SGD(ps, 1.0)) {
            LrSchedule s = new LinearWarmup(3, new CosineAnnealingLR(7, 0.001));
            LrScheduler first = new LrScheduler(a, s);
            for (int t = 0; t < 6; t++) {
                first.step();
            }
            LrScheduler second = new LrScheduler(b, s);
            second.loadStateDict(first.stateDict());
            assertEquals(6, second.stepCount());
            assertEquals(BASE, second.baseLearningRate(), 0.0);
            assertEquals(a.learningRate(), b.learningRate(), 0.0, "the restored step's learning rate");
            first.step();
            second.step();
            assertEquals(a.learningRate(), b.learningRate(), 0.0);
        } finally {
            Trajectory.closeAll(ps);
        }
    }
}
