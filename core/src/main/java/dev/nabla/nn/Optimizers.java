package dev.nabla.nn;

/** Factories: {@code Optimizers.sgd(0.1).momentum(0.9).weightDecay(1e-4)}, {@code Optimizers.adam(1e-3)}. */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * Plain SGD with learning rate {@code lr} (finite, &gt; 0).
     *
     * @param lr the learning rate
     * @return a new optimizer the caller closes
     */
    public static Sgd sgd(double lr) {
        return new Sgd(lr);
    }

    /**
     * Adam with learning rate {@code lr} (finite, &gt; 0), β = (0.9, 0.999), ε = 1e-8.
     *
     * @param lr the learning rate
     * @return a new optimizer the caller closes
     */
    public static Adam adam(double lr) {
        return new Adam(lr);
    }
}
