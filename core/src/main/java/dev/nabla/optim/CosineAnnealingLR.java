package dev.nabla.optim;

/**
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR}: lr_t = η_min + (base − η_min)·(1 + cos(π·t / T_max)) / 2.
 * This is the closed form PyTorch documents; its {@code step()} computes the same curve recursively, which agrees up
 * to rounding. Past T_max the cosine goes on (the rate rises again), as in PyTorch; it is never clamped.
 */
public final class CosineAnnealingLR implements LrSchedule {
    private final long tMax;
    private final double etaMin;

    /**
     * The schedule.
     *
     * @param tMax T_max, the steps from the base rate down to η_min, ≥ 1
     * @param etaMin η_min, the lowest rate, finite and ≥ 0
     */
    public CosineAnnealingLR(long tMax, double etaMin) {
        this.tMax = HyperParameters.count("CosineAnnealingLR", "T_max", tMax);
        this.etaMin = HyperParameters.nonNegative("CosineAnnealingLR", "eta_min", etaMin);
    }

    @Override
    public double learningRate(double baseLr, long t) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }

    @Override
    public String toString() {
        return "CosineAnnealingLR(tMax=" + tMax + ", etaMin=" + etaMin + ")";
    }
}
