package dev.nabla.contract;

import dev.nabla.DType;
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
 * @param dtypes    the dtypes the case runs in: the dtype of every role that does not fix its own
 * @param sizes     (rows, cols) pairs to try; a pair of operands is tried as one tensor at the sizes where both have
 *                  one shape, and as overlapping views of one buffer at every size
 * @param shapes    the shape of every role for a (rows, cols)
 * @param reduction K of the {@link Tolerance} rule for a (rows, cols): the longest sum behind any result
 * @param call      the call, with one tensor per role
 */
public record AliasCase(String spi, String op, String variant, List<Role> roles, Set<String> allowed,
                        List<DType> dtypes, List<int[]> sizes, Shapes shapes, Reduction reduction, Call call) {

    /**
     * An operand: its name (the parameter name of Ops and of the SPI method, which Ops' alias errors use), whether
     * the op writes it (outputs and in-out operands such as axpy's y or Adam's moments), the range [lo, hi) its values
     * are drawn from (integers in it for an INT32 operand), its dtype (null: the dtype the case runs in) and, for an
     * operand whose INT32 values index something, the bound that replaces the range: integers in [0, bound).
     */
    public record Role(String name, boolean written, double lo, double hi, DType dtype, Bound bound) {

        /** An operand in the dtype the case runs in, with values in [lo, hi). */
        public Role(String name, boolean written, double lo, double hi) {
            this(name, written, lo, hi, null, null);
        }

        /** The dtype of this operand in a run of the case in {@code caseDType}. */
        public DType dtypeIn(DType caseDType) {
            return dtype != null ? dtype : caseDType;
        }

        /** The range [lo, hi) of this operand's values at a size, in a run in {@code caseDType}. */
        public double[] range(DType caseDType, int rows, int cols) {
            return dtypeIn(caseDType) == DType.INT32 && bound != null ? new double[]{0, bound.of(rows, cols)}
                    : new double[]{lo, hi};
        }
    }

    /** The exclusive upper bound of an index operand's values at a (rows, cols): the rows it indexes, the classes. */
    @FunctionalInterface
    public interface Bound {
        int of(int rows, int cols);
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
