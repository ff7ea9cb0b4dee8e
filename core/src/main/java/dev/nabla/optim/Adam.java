package dev.nabla.optim;

import dev.nabla.autograd.Var;

import java.util.Map;

/**
 * Adam as {@code torch.optim.Adam} ({@code amsgrad=False}): L2 weight decay λ is added to the gradient
 * (g' = g + λ·w) before the moments; the update and how it runs are in {@link AdamFamily}'s formulas. State per
 * parameter: {@code exp_avg} (m), {@code exp_avg_sq} (v) and its step count, on the parameter's backend.
 */
public final class Adam extends AdamFamily {
    /**
     * Adam with PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay.
     *
     * @param parameters the parameters by name, in order (leaves made with {@code Var.parameter}, one backend)
     * @param lr the learning rate, finite and ≥ 0
     */
    public Adam(Map<String, Var> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0.0);
    }

    /**
     * Adam with every setting.
     *
     * @param parameters the parameters by name, in order (leaves made with {@code Var.parameter}, one backend)
     * @param lr the learning rate, finite and ≥ 0
     * @param beta1 β₁ in [0, 1), the first moment's decay
     * @param beta2 β₂ in [0, 1), the second moment's decay
     * @param epsilon ε &gt; 0, added to √v̂
     * @param weightDecay λ ≥ 0, the L2 decay added to the gradient
     */
    public Adam(Map<String, Var> parameters, double lr, double beta1, double beta2, double epsilon,
                double weightDecay) {
        super("Adam", parameters, lr, beta1, beta2, epsilon, weightDecay, false);
    }
}
