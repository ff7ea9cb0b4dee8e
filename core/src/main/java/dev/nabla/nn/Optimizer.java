package dev.nabla.nn;

import java.util.List;

/**
 * Updates parameters from their gradients. Implementations keep their per-parameter state (velocity, moments) on
 * the parameters' backend, keyed by the parameter tensor, and release it on {@link #close()}.
 */
public interface Optimizer extends AutoCloseable {

    /**
     * One update of every parameter from its current gradient.
     *
     * @param parameters every parameter of the network, each with its gradient
     */
    void step(List<Parameter> parameters);

    /** Releases the optimizer's state tensors. */
    @Override
    void close();
}
