package dev.nabla.optim;

import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.io.HostTensor;
import dev.nabla.io.WeightsMismatchException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies an {@link LrSchedule} to an optimizer, as a {@code torch.optim.lr_scheduler} object does: the base rate
 * is the optimizer's learning rate at construction, which then sets the optimizer's rate to
 * {@code schedule(base, 0)}; each {@link #step()} (call it after {@code optimizer.step()}) advances t and sets
 * {@code schedule(base, t)}.
 *
 * <pre>{@code
 * LrScheduler sched = new LrScheduler(opt, new LinearWarmup(100, new CosineAnnealingLR(900, 1e-5)));
 * for (...) { ...; opt.step(); sched.step(); }
 * }</pre>
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private double baseLr;
    private long t;

    /**
     * Binds {@code schedule} to {@code optimizer} and sets its learning rate for step 0.
     *
     * @param optimizer the optimizer whose learning rate is scheduled
     * @param schedule the schedule
     */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        if (optimizer == null || schedule == null) {
            throw new InvalidArgumentException("LrScheduler: the " + (optimizer == null ? "optimizer" : "schedule")
                    + " is null");
        }
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.baseLr = optimizer.learningRate();
        apply("LrScheduler");
    }

    /** Advances the schedule one step and sets the optimizer's learning rate. */
    public void step() {
        t++;
        apply("LrScheduler.step");
    }

    private void apply(String op) {
        double lr = schedule.learningRate(baseLr, t);
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new InvalidHyperParameterException(op + ": " + schedule + " gives learning rate " + lr + " at step "
                    + t + " (base " + baseLr + ")");
        }
        optimizer.learningRate(lr);
    }

    /**
     * The steps taken (PyTorch's {@code last_epoch}).
     *
     * @return t
     */
    public long stepCount() {
        return t;
    }

    /**
     * The base learning rate the schedule scales.
     *
     * @return the optimizer's learning rate when this scheduler was made (or the one restored)
     */
    public double baseLearningRate() {
        return baseLr;
    }

    /**
     * The scheduler's state: {@code base_lr} and {@code last_epoch} as FLOAT64 scalars.
     *
     * @return a new map
     */
    public Map<String, HostTensor> stateDict() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        out.put("base_lr", HostTensor.of(new double[]{baseLr}));
        out.put("last_epoch", HostTensor.of(new double[]{t}));
        return out;
    }

    /**
     * Restores a {@link #stateDict()} and sets the optimizer's learning rate for the restored step.
     *
     * @param state the state: {@code base_lr} and {@code last_epoch}, nothing else
     */
    public void loadStateDict(Map<String, HostTensor> state) {
        String op = "LrScheduler.loadStateDict";
        if (state == null) {
            throw new InvalidArgumentException(op + ": the state is null");
        }
        double base = value(state, "base_lr");
        double last = value(state, "last_epoch");
        if (!(base >= 0) || !Double.isFinite(base) || !(last >= 0 && last <= 0x1p53 && last == Math.rint(last))
                || state.size() != 2) {
            throw new WeightsMismatchException(op + ": expected exactly base_lr (finite, ≥ 0) and last_epoch (a count "
                    + "≥ 0) as FLOAT64 scalars, got " + state);
        }
        baseLr = base;
        t = (long) last;
        apply(op);
    }

    private static double value(Map<String, HostTensor> state, String key) {
        HostTensor h = state.get(key);
        return h != null && h.dtype() == DType.FLOAT64 && h.size() == 1 ? h.doubles()[0] : Double.NaN;
    }

    @Override
    public String toString() {
        return "LrScheduler(" + schedule + ", base " + baseLr + ", step " + t + ")";
    }
}
