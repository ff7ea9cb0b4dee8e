package dev.nabla.optim;

import dev.nabla.InvalidHyperParameterException;
import dev.nabla.Tensor;
import dev.nabla.autograd.Var;
import dev.nabla.spi.UnaryOp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD} (one parameter group, {@code maximize=False}). For each
 * parameter w with gradient g, with momentum μ, dampening τ, weight decay λ and learning rate lr:
 *
 * <pre>
 * g' = g + λ·w
 * b  = g'                          on the parameter's first update (PyTorch's clone, no dampening)
 * b  = μ·b + (1 − τ)·g'            after that
 * d  = g' + μ·b  (Nesterov)   or   d = b  (plain momentum)   or   d = g'  (μ = 0: no buffer)
 * w ← w − lr·d
 * </pre>
 *
 * <p>How it runs: without momentum, and with momentum when τ = 0 and no Nesterov, one fused
 * {@code ops().sgdStep} per parameter (its {@code v ← μ·v + g'; w ← w − lr·v} from a buffer of zeros gives
 * b = g' exactly on the first update, so it equals PyTorch's rule). Dampening and Nesterov, which the fused step does
 * not have, are composed from Tensor ops in PyTorch's order (a copy, {@code axpy}, {@code SCALE}), as is a step with
 * lr = 0 (the fused step wants lr &gt; 0; a cosine schedule reaches 0). The momentum buffer
 * ({@code momentum_buffer} in {@link #stateDict()}) lives on the parameter's backend.
 */
public final class SGD extends OptimizerBase {
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    /**
     * Plain SGD: w ← w − lr·g.
     *
     * @param parameters the parameters by name, in order (leaves made with {@code Var.parameter}, one backend)
     * @param lr the learning rate, finite and ≥ 0
     */
    public SGD(Map<String, Var> parameters, double lr) {
        this(parameters, lr, 0.0, 0.0, 0.0, false);
    }

    /**
     * SGD with every setting of {@code torch.optim.SGD}.
     *
     * @param parameters the parameters by name, in order (leaves made with {@code Var.parameter}, one backend)
     * @param lr the learning rate, finite and ≥ 0
     * @param momentum μ in [0, 1) (0: no momentum buffer)
     * @param dampening τ in [0, 1]
     * @param weightDecay λ, the L2 decay added to the gradient, finite and ≥ 0
     * @param nesterov Nesterov momentum (needs μ &gt; 0 and τ = 0, as in PyTorch)
     */
    public SGD(Map<String, Var> parameters, double lr, double momentum, double dampening, double weightDecay,
               boolean nesterov) {
        super("SGD", parameters, lr);
        this.momentum = HyperParameters.fraction(name, "momentum", momentum);
        this.dampening = HyperParameters.unitInterval(name, "dampening", dampening);
        this.weightDecay = HyperParameters.nonNegative(name, "weight decay", weightDecay);
        if (nesterov && (momentum == 0.0 || dampening != 0.0)) {
            throw new InvalidHyperParameterException(name + ": Nesterov momentum needs momentum > 0 and dampening 0, "
                    + "got momentum " + momentum + " and dampening " + dampening);
        }
        this.nesterov = nesterov;
    }

    @Override
    String[] slots() {
        return momentum == 0.0 ? new String[0] : new String[]{"momentum_buffer"};
    }

    @Override
    Map<String, Double> settings() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("momentum", momentum);
        s.put("dampening", dampening);
        s.put("weight_decay", weightDecay);
        s.put("nesterov", nesterov ? 1.0 : 0.0);
        return s;
    }

    @Override
    void update(Var p, State s, double lr) {
        Tensor w = p.value();
        Tensor g = p.grad();
        Tensor buf = momentum == 0.0 ? null : s.slots[0];
        if (lr > 0 && dampening == 0.0 && !nesterov) {
            w.backend().ops().sgdStep(w, g, buf, lr, momentum, weightDecay);
            return;
        }
        try (Tensor d = g.copy()) {
            if (weightDecay != 0.0) {
                d.axpyInPlace(weightDecay, w);                                  // g' = g + λ·w
            }
            if (buf == null) {
                w.axpyInPlace(-lr, d);                                          // w ← w − lr·g'
                return;
            }
            if (s.step == 1) {
                buf.copyFrom(d);                                                // b = g'
            } else {
                w.backend().ops().unary(UnaryOp.SCALE, momentum, buf, buf);     // b = μ·b
                buf.axpyInPlace(1.0 - dampening, d);                            //   + (1 − τ)·g'
            }
            if (nesterov) {
                d.axpyInPlace(momentum, buf);                                   // d = g' + μ·b
                w.axpyInPlace(-lr, d);
            } else {
                w.axpyInPlace(-lr, buf);                                        // d = b
            }
        }
    }
}
