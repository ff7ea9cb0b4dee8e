package dev.nabla.optim;

/**
 * {@code torch.optim.lr_scheduler.StepLR}: the learning rate is multiplied by γ every {@code stepSize} steps,
 * lr_t = base·γ^⌊t / stepSize⌋. Computed as PyTorch's {@code step()} does, by ⌊t / stepSize⌋ successive
 * multiplications by γ (not {@code Math.pow}), so it equals PyTorch's value bit for bit.
 */
public final class StepLR implements LrSchedule {
    private final long stepSize;
    private final double gamma;

    /**
     * The schedule.
     *
     * @param stepSize the period, ≥ 1
     * @param gamma γ, the factor, finite and &gt; 0 (PyTorch's default is 0.1)
     */
    public StepLR(long stepSize, double gamma) {
        this.stepSize = HyperParameters.count("StepLR", "step size", stepSize);
        this.gamma = HyperParameters.positive("StepLR", "gamma", gamma);
    }

    @Override
    public double learningRate(double baseLr, long t) {
        double lr = baseLr;
        for (long k = t / stepSize; k > 0; k--) {
            lr *= gamma;
        }
        return lr;
    }

    @Override
    public String toString() {
        return "StepLR(stepSize=" + stepSize + ", gamma=" + gamma + ")";
    }
}
