package dev.nabla.contract;

import dev.nabla.Ops;
import dev.nabla.Shape;
import dev.nabla.Tensor;

import java.util.List;
import java.util.Set;

/**
 * One way to call one {@link dev.nabla.spi.ComputeBackend} method through {@link Ops}, for the {@link AliasContract}:
 * its operands (roles), their shapes for a size, the call, and which pairs of operands may be the same tensor.
 *
 * @param spi       the SPI method the call reaches
 * @param op        the op name Ops puts at the start of its messages ({@code backpropDelta(RELU_GRAD_FROM_OUTPUT)})
 * @param variant   what else tells this case from the other cases of the same op ("" when nothing)
 * @param roles     the buffer operands, in the order {@link #call} takes them
 * @param allowed   pairs with a written operand that may alias, each as "name=name" (in either order); a pair of
 *                  operands the op only reads may always alias and is not listed
 * @param sizes     (rows, cols) pairs to try; a pair of operands is tried at the sizes where both have one shape
 * @param shapes    the shape of every role for a (rows, cols)
 * @param reduction K of the {@link Tolerance} rule for a (rows, cols): the longest sum behind any result
 * @param call      the call, with one tensor per role
 */
public record AliasCase(String spi, String op, String variant, List<Role> roles, Set<String> allowed,
                        List<int[]> sizes, Shapes shapes, Reduction reduction, Call call) {

    /**
     * An operand: its name (the parameter name of Ops and of the SPI method, which Ops' alias errors use), whether
     * the op writes it (outputs and in-out operands such as axpy's y or Adam's moments), and the range its values are
     * drawn from.
     */
    public record Role(String name, boolean written, double lo, double hi) {
    }

    @FunctionalInterface
    public interface Shapes {
        Shape[] of(int rows, int cols);
    }

    @FunctionalInterface
    public interface Reduction {
        int of(int rows, int cols);
    }

    @FunctionalInterface
    public interface Call {
        void run(Ops ops, Tensor[] operands);
    }

    /** Whether roles i and j may be the same tensor: both only read, or listed in {@link #allowed}. */
    public boolean mayAlias(int i, int j) {
        Role a = roles.get(i);
        Role b = roles.get(j);
        return !a.written() && !b.written() || allowed.contains(a.name() + "=" + b.name())
                || allowed.contains(b.name() + "=" + a.name());
    }

    @Override
    public String toString() {
        return op + (variant.isEmpty() ? "" : " " + variant);
    }
}
