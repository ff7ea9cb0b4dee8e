package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.io.HostTensor;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba) with L2 weight decay folded into the gradient (weights only):
 * {@code g' = g + λW; m ← β₁m + (1−β₁)g'; v ← β₂v + (1−β₂)g'²; W ← W − lr·m̂/(√v̂ + ε)}.
 * The step count t (for the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)) advances once per {@link #step}.
 */
public final class Adam implements Optimizer {
    private final double learningRate;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay;
    private long t;
    private final Map<Tensor, Tensor[]> moments = new IdentityHashMap<>();
    private final OptimizerBinding binding = new OptimizerBinding("adam");

    Adam(double learningRate) {
        this.learningRate = HyperParameters.positive("adam", "learning rate", learningRate);
    }

    /**
     * β₁, β₂ in [0, 1); defaults 0.9 and 0.999.
     *
     * @param beta1 β₁, the decay of the first moment
     * @param beta2 β₂, the decay of the second moment
     * @return this optimizer
     */
    public Adam betas(double beta1, double beta2) {
        this.beta1 = HyperParameters.fraction("adam", "beta1", beta1);
        this.beta2 = HyperParameters.fraction("adam", "beta2", beta2);
        return this;
    }

    /**
     * ε &gt; 0; default 1e-8.
     *
     * @param epsilon ε, added to √v̂
     * @return this optimizer
     */
    public Adam epsilon(double epsilon) {
        this.epsilon = HyperParameters.positive("adam", "epsilon", epsilon);
        return this;
    }

    /**
     * L2 weight decay λ ≥ 0 on weights (not biases).
     *
     * @param lambda λ, the L2 weight decay (≥ 0, finite)
     * @return this optimizer
     */
    public Adam weightDecay(double lambda) {
        this.weightDecay = HyperParameters.nonNegative("adam", "weight decay", lambda);
        return this;
    }

    /**
     * Steps taken so far for the network this optimizer belongs to (0 again after {@link #close()}).
     *
     * @return the number of {@code step} calls that updated the parameters
     */
    public long steps() {
        return t;
    }

    /**
     * Updates every parameter and advances the step count. The moments of parameters seen for the first time are
     * allocated before anything changes, so a failed allocation (out of device memory) leaves every parameter, every
     * moment and the step count as they were. Throws {@link dev.nabla.InvalidArgumentException} for parameters of
     * another network than the first one ({@link Optimizer}): the step count is that network's.
     */
    @Override
    public void step(List<Parameter> parameters) {
        binding.check(parameters);
        for (int i = 0, n = parameters.size(); i < n; i++) {       // indexed: no iterator per step
            Parameter p = parameters.get(i);
            if (!moments.containsKey(p.value())) {
                Tensor w = p.value();
                Tensor m = w.backend().zeros(w.rows(), w.cols(), w.dtype()).detach();
                try {
                    moments.put(w, new Tensor[]{m, w.backend().zeros(w.rows(), w.cols(), w.dtype()).detach()});
                } catch (RuntimeException | Error e) {
                    m.close();
                    throw e;
                }
            }
        }
        t++;
        for (int i = 0, n = parameters.size(); i < n; i++) {       // indexed: no iterator per step
            Parameter p = parameters.get(i);
            Tensor[] mv = moments.get(p.value());
            p.value().backend().ops().adamStep(p.value(), p.gradient(), mv[0], mv[1], learningRate, beta1, beta2,
                    epsilon, p.decays() ? weightDecay : 0.0, t);
        }
    }

    /** The state's layout ({@link OptimizerStates}): lr, beta1, beta2, eps, weight_decay; step, exp_avg, exp_avg_sq. */
    private OptimizerStates.Layout layout() {
        Map<String, Double> settings = new LinkedHashMap<>();
        settings.put("lr", learningRate);
        settings.put("beta1", beta1);
        settings.put("beta2", beta2);
        settings.put("eps", epsilon);
        settings.put("weight_decay", weightDecay);
        return new OptimizerStates.Layout("adam", settings, new String[]{"exp_avg", "exp_avg_sq"}, true);
    }

    /** The moments and step count on the host ({@link Network#optimizerState}); refuses another network's. */
    Map<String, HostTensor> exportState(List<Parameter> parameters) {
        binding.checkBindable(parameters);
        // moments allocated by a step that then failed (t still 0) are zeros: a state with none is the same
        return OptimizerStates.export(layout(), parameters, w -> t == 0 ? null : moments.get(w), t);
    }

    /**
     * Replaces the moments and step count with {@code state}'s ({@link Network#loadOptimizerState}) and binds to the
     * parameters' network; on any error nothing has changed.
     */
    void importState(String op, List<Parameter> parameters, Map<String, HostTensor> state, Backend backend) {
        binding.checkBindable(parameters);
        OptimizerStates.Loaded loaded = OptimizerStates.load(op, layout(), toString(), parameters, state, backend);
        for (Tensor[] mv : moments.values()) {
            mv[0].close();
            mv[1].close();
        }
        moments.clear();
        moments.putAll(loaded.slots());
        t = loaded.step();
        binding.check(parameters);
    }

    @Override
    public void close() {
        for (Tensor[] mv : moments.values()) {
            mv[0].close();
            mv[1].close();
        }
        moments.clear();
        t = 0;
        binding.release();
    }

    @Override
    public String toString() {
        return "adam(lr=" + learningRate + ", betas=" + beta1 + "/" + beta2 + ", eps=" + epsilon + ", weightDecay="
                + weightDecay + ")";
    }
}
