package dev.nabla.nn;

import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;

import java.util.List;

/**
 * The network an optimizer belongs to: the parameters of its first {@link Optimizer#step}. A step with any other
 * parameters (another network's) is refused with an {@link InvalidArgumentException} naming both, because the
 * optimizer's state (velocities, moments, Adam's step count) is the first network's. {@link #release()} (the
 * optimizer's close) frees it for a new network.
 */
final class OptimizerBinding {
    private final String optimizer;
    /** The value tensors of the bound parameters, in order; null while unbound. */
    private Tensor[] bound;
    private String boundDescription;

    OptimizerBinding(String optimizer) {
        this.optimizer = optimizer;
    }

    /** Throws as {@link #check} would, without binding: for reading or replacing the state before it is bound. */
    void checkBindable(List<Parameter> parameters) {
        if (bound != null) {
            check(parameters);
        } else if (parameters == null) {
            throw new InvalidArgumentException(optimizer + ": the parameter list is null");
        }
    }

    /** Binds on the first call; afterwards throws unless {@code parameters} are the bound ones, in the same order. */
    void check(List<Parameter> parameters) {
        if (parameters == null) {
            throw new InvalidArgumentException(optimizer + ": the parameter list is null");
        }
        int n = parameters.size();
        for (int i = 0; i < n; i++) {
            Parameter p = parameters.get(i);
            if (p == null || p.value() == null || p.gradient() == null) {
                throw new InvalidArgumentException(optimizer + ": parameter " + i + " (or its value or gradient) is null");
            }
        }
        if (bound == null) {
            Tensor[] values = new Tensor[n];
            for (int i = 0; i < n; i++) {
                values[i] = parameters.get(i).value();
            }
            bound = values;
            boundDescription = describe(parameters);
            return;
        }
        if (!isBound(parameters)) {                     // every step: compared in place, nothing allocated
            String other = describe(parameters);
            throw new InvalidArgumentException(optimizer + ": this optimizer belongs to the network it first stepped ("
                    + boundDescription + "), not to this one (" + other + (other.equals(boundDescription)
                    ? ", another network of the same shape" : "") + "): its state is the first network's; use one "
                    + "optimizer per network, or close it before stepping another network");
        }
    }

    /** Forgets the bound network (the optimizer released its state). */
    void release() {
        bound = null;
        boundDescription = null;
    }

    /** Whether {@code parameters}' values are the bound tensors themselves, in the same order. */
    private boolean isBound(List<Parameter> parameters) {
        if (parameters.size() != bound.length) {
            return false;
        }
        for (int i = 0; i < bound.length; i++) {
            if (parameters.get(i).value() != bound[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code W0 4×3, b0 1×3, W1 3×2, b1 1×2 FLOAT32 [cpu]}. */
    private static String describe(List<Parameter> parameters) {
        if (parameters.isEmpty()) {
            return "no parameters";
        }
        StringBuilder sb = new StringBuilder();
        for (Parameter p : parameters) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.name()).append(' ').append(p.value().shape());
        }
        Tensor first = parameters.get(0).value();
        return sb.append(' ').append(first.dtype()).append(" [").append(first.backend().name()).append(']').toString();
    }
}
