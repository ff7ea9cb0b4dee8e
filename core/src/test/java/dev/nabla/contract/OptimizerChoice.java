package dev.nabla.contract;

import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;

import java.util.function.Supplier;

/**
 * Every optimizer option that training trajectories are compared under: plain SGD, SGD with momentum, SGD with
 * momentum and weight decay, Adam, Adam with weight decay. Each makes a fresh optimizer (one per network). With
 * momentum μ = 0.9 the steady step is lr/(1 − μ) = 10·lr: lr 0.005 keeps it at plain SGD's 0.05 (at 0.05, a deep
 * IDENTITY/MSE network diverged to 1e20 in 50 steps, which compares nothing).
 */
public enum OptimizerChoice {
    SGD("SGD lr 0.05", () -> Optimizers.sgd(0.05)),
    SGD_MOMENTUM("SGD lr 0.005 μ 0.9", () -> Optimizers.sgd(0.005).momentum(0.9)),
    SGD_MOMENTUM_DECAY("SGD lr 0.005 μ 0.9 λ 0.01", () -> Optimizers.sgd(0.005).momentum(0.9).weightDecay(0.01)),
    ADAM("Adam lr 0.001", () -> Optimizers.adam(0.001)),
    ADAM_DECAY("Adam lr 0.001 λ 0.01", () -> Optimizers.adam(0.001).weightDecay(0.01));

    private final String label;
    private final Supplier<Optimizer> factory;

    OptimizerChoice(String label, Supplier<Optimizer> factory) {
        this.label = label;
        this.factory = factory;
    }

    /** A fresh optimizer with these settings. */
    public Optimizer create() {
        return factory.get();
    }

    /** The choice that trained network {@code index} uses: they cycle, so every choice is trained equally often. */
    public static OptimizerChoice forNetwork(int index) {
        return values()[index % values().length];
    }

    @Override
    public String toString() {
        return label;
    }
}
