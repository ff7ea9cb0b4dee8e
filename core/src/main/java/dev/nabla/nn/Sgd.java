package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.io.HostTensor;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient descent (backprop.md): {@code W ← W − lr·(∂L/∂W + λW)}, biases without the λ term. With momentum μ
 * the step goes through a velocity: {@code v ← μv + g'}, {@code W ← W − lr·v}.
 */
public final class Sgd implements Optimizer {
    private final double learningRate;
    private double momentum;
    private double weightDecay;
    private final Map<Tensor, Tensor> velocities = new IdentityHashMap<>();
    private final OptimizerBinding binding = new OptimizerBinding("sgd");

    Sgd(double learningRate) {
        this.learningRate = HyperParameters.positive("sgd", "learning rate", learningRate);
    }

    /**
     * Momentum μ in [0, 1); 0 (the default) means plain SGD with no velocity state.
     *
     * @param momentum μ
     * @return this optimizer
     */
    public Sgd momentum(double momentum) {
        this.momentum = HyperParameters.fraction("sgd", "momentum", momentum);
        return this;
    }

    /**
     * L2 weight decay λ ≥ 0 on weights (not biases).
     *
     * @param lambda λ, the L2 weight decay (≥ 0, finite)
     * @return this optimizer
     */
    public Sgd weightDecay(double lambda) {
        this.weightDecay = HyperParameters.nonNegative("sgd", "weight decay", lambda);
        return this;
    }

    /**
     * The learning rate.
     *
     * @return lr
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * Updates every parameter. With momentum, the velocities of parameters seen for the first time are allocated
     * before any parameter changes, so a failed allocation (out of device memory) leaves every parameter as it was.
     * Throws {@link dev.nabla.InvalidArgumentException} for parameters of another network than the first one
     * ({@link Optimizer}).
     */
    @Override
    public void step(List<Parameter> parameters) {
        binding.check(parameters);
        if (momentum != 0.0) {
            for (int i = 0, n = parameters.size(); i < n; i++) {       // indexed: no iterator per step
                Parameter p = parameters.get(i);
                velocities.computeIfAbsent(p.value(), w -> w.backend().zeros(w.rows(), w.cols(), w.dtype()).detach());
            }
        }
        for (int i = 0, n = parameters.size(); i < n; i++) {       // indexed: no iterator per step
            Parameter p = parameters.get(i);
            Tensor v = momentum != 0.0 ? velocities.get(p.value()) : null;
            p.value().backend().ops().sgdStep(p.value(), p.gradient(), v, learningRate, momentum,
                    p.decays() ? weightDecay : 0.0);
        }
    }

    /** The state's layout ({@link OptimizerStates}): lr, momentum, weight_decay; a momentum_buffer with momentum. */
    private OptimizerStates.Layout layout() {
        Map<String, Double> settings = new LinkedHashMap<>();
        settings.put("lr", learningRate);
        settings.put("momentum", momentum);
        settings.put("weight_decay", weightDecay);
        return new OptimizerStates.Layout("sgd", settings, momentum != 0.0 ? new String[]{"momentum_buffer"}
                : new String[0], false);
    }

    /** The velocities on the host ({@link Network#optimizerState}); refuses another network's parameters. */
    Map<String, HostTensor> exportState(List<Parameter> parameters) {
        binding.checkBindable(parameters);
        return OptimizerStates.export(layout(), parameters,
                w -> velocities.containsKey(w) ? new Tensor[]{velocities.get(w)} : null, 0);
    }

    /**
     * Replaces the velocities with {@code state}'s ({@link Network#loadOptimizerState}) and binds to the parameters'
     * network; on any error nothing has changed.
     */
    void importState(String op, List<Parameter> parameters, Map<String, HostTensor> state, Backend backend) {
        binding.checkBindable(parameters);
        OptimizerStates.Loaded loaded = OptimizerStates.load(op, layout(), toString(), parameters, state, backend);
        velocities.values().forEach(Tensor::close);
        velocities.clear();
        loaded.slots().forEach((w, slots) -> velocities.put(w, slots[0]));
        binding.check(parameters);
    }

    @Override
    public void close() {
        velocities.values().forEach(Tensor::close);
        velocities.clear();
        binding.release();
    }

    @Override
    public String toString() {
        return "sgd(lr=" + learningRate + ", momentum=" + momentum + ", weightDecay=" + weightDecay + ")";
    }
}
