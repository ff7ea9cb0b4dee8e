package dev.nabla.nn;

import java.util.List;

/**
 * Updates parameters from their gradients.
 *
 * <p>An optimizer belongs to one network: the one whose parameters it first steps (through
 * {@link Network#trainStep}). Its state (SGD's velocities, Adam's moments and step count) is that network's, kept
 * on the network's backend until {@link #close()}. Stepping it with another network's parameters throws
 * {@link dev.nabla.InvalidArgumentException} naming both networks, before anything changes: create one optimizer per
 * network. {@link #close()} releases the state and the binding; a closed optimizer starts afresh (new state, Adam's
 * step count from 0) with the next network it steps. Close an optimizer together with its network.
 *
 * <p>{@link Network#optimizerState} and {@link Network#loadOptimizerState} read and replace an {@link Sgd}'s or
 * {@link Adam}'s state by the network's parameter names, bit for bit, so that training can stop and resume exactly.
 */
public interface Optimizer extends AutoCloseable {

    /**
     * One update of every parameter from its current gradient; the parameters must be its network's (above).
     *
     * @param parameters every parameter of the network, each with its gradient
     */
    void step(List<Parameter> parameters);

    /** Releases the optimizer's state tensors and its network. */
    @Override
    void close();
}
