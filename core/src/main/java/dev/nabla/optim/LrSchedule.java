package dev.nabla.optim;

/**
 * A learning-rate schedule: the learning rate after {@code t} schedule steps as a function of the base learning
 * rate (the optimizer's when the {@link LrScheduler} was made). Pure, so schedules compose
 * ({@link LinearWarmup#LinearWarmup(long, LrSchedule)}); an {@link LrScheduler} applies one to an optimizer.
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate at schedule step {@code t} (PyTorch's {@code last_epoch}): t = 0 at construction, t + 1 after
     * each {@link LrScheduler#step()}.
     *
     * @param baseLr the base learning rate
     * @param t the steps taken, ≥ 0
     * @return the learning rate, ≥ 0
     */
    double learningRate(double baseLr, long t);
}
