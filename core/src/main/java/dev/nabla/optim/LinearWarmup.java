package dev.nabla.optim;

/**
 * Linear warm-up over W steps: lr_t = base·(t + 1)/W for t &lt; W, then base (alone) or the schedule
 * {@code after} started afresh: lr_t = after(base, t − W). Step 0 already trains (base/W) and step W − 1 reaches
 * base. In PyTorch terms: {@code LinearLR(opt, start_factor=1/W, end_factor=1.0, total_iters=W-1)} (equal up to
 * rounding), and with {@code after},
 * {@code SequentialLR(opt, [that LinearLR, after], milestones=[W])}.
 */
public final class LinearWarmup implements LrSchedule {
    private final long warmupSteps;
    private final LrSchedule after;

    /**
     * Warm-up to the base rate, then the base rate.
     *
     * @param warmupSteps W, ≥ 1
     */
    public LinearWarmup(long warmupSteps) {
        this(warmupSteps, null, true);
    }

    /**
     * Warm-up to the base rate, then {@code after} from its step 0.
     *
     * @param warmupSteps W, ≥ 1
     * @param after the schedule after warm-up
     */
    public LinearWarmup(long warmupSteps, LrSchedule after) {
        this(warmupSteps, after, false);
    }

    private LinearWarmup(long warmupSteps, LrSchedule after, boolean constantAfter) {
        this.warmupSteps = HyperParameters.count("LinearWarmup", "warm-up steps", warmupSteps);
        if (after == null && !constantAfter) {
            throw new dev.nabla.InvalidArgumentException("LinearWarmup: the schedule after warm-up is null");
        }
        this.after = after;
    }

    @Override
    public double learningRate(double baseLr, long t) {
        if (t < warmupSteps) {
            return baseLr * (t + 1) / warmupSteps;
        }
        return after == null ? baseLr : after.learningRate(baseLr, t - warmupSteps);
    }

    @Override
    public String toString() {
        return "LinearWarmup(" + warmupSteps + (after == null ? "" : ", then " + after) + ")";
    }
}
