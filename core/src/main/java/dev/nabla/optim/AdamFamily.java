package dev.nabla.optim;

import dev.nabla.Ops;
import dev.nabla.Tensor;
import dev.nabla.autograd.Var;
import dev.nabla.spi.UnaryOp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The update {@link Adam} and {@link AdamW} share ({@code torch.optim.Adam} / {@code AdamW}, {@code amsgrad=False},
 * {@code maximize=False}). Per parameter w with gradient g, at its update t (1-based, counted per parameter as
 * PyTorch's {@code state['step']}):
 *
 * <pre>
 * w ← w·(1 − lr·λ)               AdamW only (decoupled decay), and then λ = 0 below
 * g' = g + λ·w                    Adam's L2 decay
 * m ← β₁·m + (1 − β₁)·g'
 * v ← β₂·v + (1 − β₂)·g'²
 * w ← w − lr·m̂/(√v̂ + ε),  m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)
 * </pre>
 *
 * The moment and Adam steps are one fused {@code ops().adamStep} (the same formulas; PyTorch writes the last line as
 * {@code w − (lr/(1 − β₁ᵗ))·m/(√v/√(1 − β₂ᵗ) + ε)} and {@code m} as a lerp, equal up to rounding). With lr = 0
 * (the fused step wants lr &gt; 0) the moments are composed from Tensor ops in the fused step's order and w is left
 * as it is (PyTorch adds −0·m̂/(√v̂ + ε)).
 */
abstract class AdamFamily extends OptimizerBase {
    private static final String[] SLOTS = {"exp_avg", "exp_avg_sq"};
    final double beta1;
    final double beta2;
    final double epsilon;
    final double weightDecay;
    private final boolean decoupled;

    AdamFamily(String name, Map<String, Var> parameters, double lr, double beta1, double beta2, double epsilon,
               double weightDecay, boolean decoupled) {
        super(name, parameters, lr);
        this.beta1 = HyperParameters.fraction(name, "beta1", beta1);
        this.beta2 = HyperParameters.fraction(name, "beta2", beta2);
        this.epsilon = HyperParameters.positive(name, "epsilon", epsilon);
        this.weightDecay = HyperParameters.nonNegative(name, "weight decay", weightDecay);
        this.decoupled = decoupled;
    }

    @Override
    final String[] slots() {
        return SLOTS.clone();
    }

    @Override
    final Map<String, Double> settings() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("beta1", beta1);
        s.put("beta2", beta2);
        s.put("eps", epsilon);
        s.put("weight_decay", weightDecay);
        return s;
    }

    @Override
    final void update(Var p, State s, double lr) {
        Tensor w = p.value();
        Tensor g = p.grad();
        Tensor m = s.slots[0];
        Tensor v = s.slots[1];
        Ops ops = w.backend().ops();
        double l2 = weightDecay;
        if (decoupled) {
            if (weightDecay != 0.0) {
                ops.unary(UnaryOp.SCALE, 1.0 - lr * weightDecay, w, w);     // PyTorch: param.mul_(1 − lr·λ)
            }
            l2 = 0.0;
        }
        if (lr > 0) {
            ops.adamStep(w, g, m, v, lr, beta1, beta2, epsilon, l2, s.step);
            return;
        }
        try (Tensor gd = g.copy()) {
            if (l2 != 0.0) {
                gd.axpyInPlace(l2, w);                                       // g' = g + λ·w
            }
            ops.unary(UnaryOp.SCALE, beta1, m, m);
            m.axpyInPlace(1.0 - beta1, gd);                                  // m = β₁·m + (1 − β₁)·g'
            ops.unary(UnaryOp.SQUARE, 0.0, gd, gd);
            ops.unary(UnaryOp.SCALE, beta2, v, v);
            v.axpyInPlace(1.0 - beta2, gd);                                  // v = β₂·v + (1 − β₂)·g'²
        }
    }
}
