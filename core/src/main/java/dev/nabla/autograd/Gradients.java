package dev.nabla.autograd;

import dev.nabla.Tensor;

/** Where a backward rule hands the gradients of its inputs; the engine sums gradients that reach one value twice. */
interface Gradients {
    /**
     * Adds {@code grad} to ∂L/∂(input {@code index}); the engine takes ownership of grad. Ignored (and grad closed)
     * when that input needs no gradient.
     *
     * @param index the input's position in the op's inputs
     * @param grad the gradient, the input's shape
     */
    void add(int index, Tensor grad);

    /**
     * Whether input {@code index} needs a gradient: a rule may skip computing one nobody wants.
     *
     * @param index the input's position
     * @return true when its gradient is used
     */
    boolean wants(int index);
}
