package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * A trainable tensor and the gradient computed for it, as optimizers see them. {@code decays} says whether L2 weight
 * decay applies (weights yes, biases no: backprop.md).
 */
public record Parameter(String name, Tensor value, Tensor gradient, boolean decays) {
}
