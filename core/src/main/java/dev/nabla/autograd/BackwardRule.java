package dev.nabla.autograd;

import dev.nabla.Tensor;

/**
 * The backward rule of one recorded op: given ∂L/∂out (the gradient of the root with respect to the op's output), it
 * hands ∂L/∂input for each input that needs one to {@link Gradients#add}. Rules compute with the Tensor API, so they
 * run on every backend; each sits next to its op's forward in the op's family class.
 */
@FunctionalInterface
interface BackwardRule {
    /**
     * @param g ∂L/∂out, the output's shape; owned by the engine (do not close it)
     * @param sink where the inputs' gradients go
     */
    void backward(Tensor g, Gradients sink);
}
