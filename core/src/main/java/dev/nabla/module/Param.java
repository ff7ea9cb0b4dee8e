package dev.nabla.module;

import dev.nabla.Tensor;
import dev.nabla.autograd.Var;

/**
 * One parameter of a module: the tensor the module owns, the {@link Var} leaf over it, and whether PyTorch stores it
 * as a vector ({@code [n]}, held here as a 1 × n row: biases, LayerNorm's scale and shift) or as a matrix
 * ({@code [rows, cols]}).
 */
record Param(Tensor tensor, Var var, boolean vector) {
    /** The shape PyTorch's state dict gives this parameter. */
    int[] torchShape() {
        return vector ? new int[] {tensor.cols()} : new int[] {tensor.rows(), tensor.cols()};
    }
}
