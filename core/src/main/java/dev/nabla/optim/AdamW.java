package dev.nabla.optim;

import dev.nabla.autograd.Var;

import java.util.Map;

/**
 * AdamW as {@code torch.optim.AdamW} ({@code amsgrad=False}): decoupled weight decay, w ← w·(1 − lr·λ) (that is,
 * w − lr·λ·w) before an Adam update without L2 term; formulas in {@link AdamFamily}. State per parameter:
 * {@code exp_avg}, {@code exp_avg_sq} and its step count, on the parameter's backend.
 */
public final class AdamW extends AdamFamily {
    /**
     * AdamW with PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01.
     *
     * @param parameters the parameters by name, in order (leaves made with {@code Var.parameter}, one backend)
     * @param lr the learning rate, finite and ≥ 0
     */
    public AdamW(Map<String, Var> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    /**
     * AdamW with every setting.
     *
     * @param parameters the parameters by name, in order (leaves made with {@code Var.parameter}, one backend)
     * @param lr the learning rate, finite and ≥ 0
     * @param beta1 β₁ in [0, 1), the first moment's decay
     * @param beta2 β₂ in [0, 1), the second moment's decay
     * @param epsilon ε &gt; 0, added to √v̂
     * @param weightDecay λ ≥ 0, the decoupled decay: w ← w·(1 − lr·λ) each step
     */
    public AdamW(Map<String, Var> parameters, double lr, double beta1, double beta2, double epsilon,
                 double weightDecay) {
        super("AdamW", parameters, lr, beta1, beta2, epsilon, weightDecay, true);
    }
}
