package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The argument checks of core's fused and reduction ops, called on {@link Backend#ops()} directly. The bad-input
 * matrix reaches these ops only through {@link Tensor} and the network, which build operands that pass them, so PIT
 * found the checks themselves removable without a failing test (docs/reliability.md, "Mutation testing"). Here each
 * call differs from a valid one in exactly one thing: a null, a closed tensor, a tensor of another backend, an INT32
 * or FLOAT64 operand among FLOAT32 ones, one wrong shape, two operands that must not share a buffer, or a
 * hyper-parameter out of range. Each must fail with its exception type, a message that starts with the op's name
 * and ends with the backend, and no operand changed. The valid call itself runs in each test, so a check that
 * refused valid input would fail too.
 *
 * <p>Then the ops that update their outputs in place are run into views at rows 1..r of a larger tensor: the result
 * must be copied back into the parent (Staging.commit), which {@code Network} never exercises since it calls these
 * ops on whole tensors.
 */
class OpsFusedArgumentsTest {
    private static final UnaryOp GRAD = UnaryOp.SIGMOID_GRAD_FROM_OUTPUT;

    private Backend be;
    private Backend other;
    private Scope scope;
    private Scope otherScope;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
        other = Backend.wrap(new ReferenceBackend());
        scope = be.scope();
        otherScope = other.scope();
    }

    @AfterEach
    void stop() {
        otherScope.close();
        scope.close();
        be.close();
        other.close();
    }

    private Ops ops() {
        return be.ops();
    }

    /** A rows × cols tensor of distinct values in (0, 1), of the given dtype. */
    private Tensor t(int rows, int cols, DType dtype) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i + 1.0) / (v.length + 2.0);
        }
        return be.fromArray(v, rows, cols, dtype);
    }

    private Tensor t(int rows, int cols) {
        return t(rows, cols, DType.FLOAT32);
    }

    /**
     * The call fails with exactly {@code type}, its message starts with {@code op + ":"} and names this backend, and
     * none of the {@code operands} (the open ones of this backend) changed.
     */
    private void refused(Class<? extends NablaException> type, String op, Runnable call, Tensor... operands) {
        List<double[]> before = new ArrayList<>();
        for (Tensor x : operands) {
            before.add(readable(x) ? x.toDoubleArray() : null);
        }
        NablaException e = assertThrowsExactly(type, call::run, op);
        assertTrue(e.getMessage().startsWith(op + ":"), "message names the op: " + e.getMessage());
        assertTrue(e.getMessage().contains(ReferenceBackend.NAME), "message names the backend: " + e.getMessage());
        for (int i = 0; i < operands.length; i++) {
            if (before.get(i) != null) {
                assertArrayEquals(before.get(i), operands[i].toDoubleArray(), op + ": operand " + i + " was written");
            }
        }
    }

    private boolean readable(Tensor x) {
        return x != null && !x.isClosed() && x.backend() == be && x.dtype() != DType.INT32;
    }

    private Tensor closed(int rows, int cols) {
        Tensor x = t(rows, cols);
        x.close();
        return x;
    }

    /**
     * The checks every tensor operand of a call gets: each position in turn is null, closed, of another backend,
     * INT32, FLOAT64 (where the others are FLOAT32), then the call with all valid runs. {@code call} receives the
     * operands; {@code valid} builds a fresh valid set.
     */
    private void eachOperandChecked(String op, java.util.function.Supplier<Tensor[]> valid, Consumer<Tensor[]> call) {
        eachOperandChecked(op, -1, valid, call);
    }

    /** As above; the operand at {@code optional} may be null (SGD's velocity), and the call with it null must run. */
    private void eachOperandChecked(String op, int optional, java.util.function.Supplier<Tensor[]> valid,
                                    Consumer<Tensor[]> call) {
        int n = valid.get().length;
        for (int i = 0; i < n; i++) {
            Tensor[] args = valid.get();
            Tensor good = args[i];
            args[i] = null;
            Tensor[] a0 = args.clone();
            if (i == optional) {
                call.accept(a0);
            } else {
                refused(InvalidArgumentException.class, op, () -> call.accept(a0), a0);
            }
            args[i] = closed(good.rows(), good.cols());
            Tensor[] a1 = args.clone();
            refused(TensorClosedException.class, op, () -> call.accept(a1), a1);
            args[i] = other.fromArray(good.toDoubleArray(), good.rows(), good.cols(), good.dtype());
            Tensor[] a2 = args.clone();
            refused(BackendMismatchException.class, op, () -> call.accept(a2), a2);
            args[i] = be.fromArray(new int[good.rows() * good.cols()], good.rows(), good.cols());
            Tensor[] a3 = args.clone();
            refused(UnsupportedDTypeException.class, op, () -> call.accept(a3), a3);
            args[i] = good.cast(DType.FLOAT64);
            Tensor[] a4 = args.clone();
            Class<? extends NablaException> mixed = DTypeMismatchException.class;
            refused(mixed, op, () -> call.accept(a4), a4);
            args[i] = good;
            call.accept(args);
        }
    }

    @Test
    void gemmChecksEachOperand() {
        eachOperandChecked("gemm", () -> new Tensor[]{t(2, 3), t(3, 4), t(2, 4)},
                a -> ops().gemm(false, false, 1, a[0], a[1], 0, a[2]));
        Tensor a = t(2, 2);
        Tensor b = t(2, 2);
        refused(ShapeMismatchException.class, "gemm", () -> ops().gemm(false, false, 1, a, b, 0, t(2, 3)), a, b);
        refused(ShapeMismatchException.class, "gemm", () -> ops().gemm(false, false, 1, a, t(3, 2), 0, t(2, 2)), a);
        refused(InvalidArgumentException.class, "gemm", () -> ops().gemm(false, false, 1, a, b, 0, a), a, b);
        refused(InvalidArgumentException.class, "gemm", () -> ops().gemm(false, false, 1, a, b, 1, b), a, b);
    }

    @Test
    void reductionsCheckEachOperand() {
        eachOperandChecked("sumColumns", () -> new Tensor[]{t(3, 2), t(1, 2)}, a -> ops().sumColumns(a[0], a[1]));
        eachOperandChecked("reduceRows(SUM)", () -> new Tensor[]{t(3, 2), t(3, 1)},
                a -> ops().reduceRows(RowReduction.SUM, a[0], a[1]));
        eachOperandChecked("sumAll", () -> new Tensor[]{t(3, 2), t(1, 1)}, a -> ops().sumAll(a[0], a[1]));
        eachOperandChecked("softmaxRows", () -> new Tensor[]{t(3, 2), t(3, 2)}, a -> ops().softmaxRows(a[0], a[1]));
        Tensor x = t(4, 2);
        refused(ShapeMismatchException.class, "sumColumns", () -> ops().sumColumns(x, t(1, 3)), x);
        refused(ShapeMismatchException.class, "reduceRows(MAX)", () -> ops().reduceRows(RowReduction.MAX, x, t(1, 4)),
                x);
        refused(ShapeMismatchException.class, "sumAll", () -> ops().sumAll(x, t(1, 2)), x);
        refused(ShapeMismatchException.class, "softmaxRows", () -> ops().softmaxRows(x, t(2, 4)), x);
        refused(InvalidArgumentException.class, "reduceRows", () -> ops().reduceRows(null, x, t(4, 1)), x);
        // outputs that are views of their input
        refused(InvalidArgumentException.class, "sumColumns", () -> ops().sumColumns(x, x.sliceRows(0, 1)), x);
        refused(InvalidArgumentException.class, "reduceRows(SUM)",
                () -> ops().reduceRows(RowReduction.SUM, x, x.sliceRows(0, 2).reshape(4, 1)), x);
        refused(InvalidArgumentException.class, "sumAll", () -> ops().sumAll(x, x.reshape(8, 1).sliceRows(3, 4)), x);
    }

    @Test
    void fusedActivationsCheckEachOperandAndTheirOp() {
        eachOperandChecked("biasActivation(SIGMOID)", () -> new Tensor[]{t(3, 2), t(1, 2), t(3, 2)},
                a -> ops().biasActivation(UnaryOp.SIGMOID, a[0], a[1], a[2]));
        eachOperandChecked("activationBackward(" + GRAD + ")", () -> new Tensor[]{t(3, 2), t(3, 2), t(3, 2)},
                a -> ops().activationBackward(GRAD, a[0], a[1], a[2]));
        Tensor z = t(3, 2);
        Tensor b = t(1, 2);
        refused(ShapeMismatchException.class, "biasActivation(SIGMOID)",
                () -> ops().biasActivation(UnaryOp.SIGMOID, z, t(1, 3), t(3, 2)), z);
        refused(ShapeMismatchException.class, "biasActivation(SIGMOID)",
                () -> ops().biasActivation(UnaryOp.SIGMOID, z, b, t(2, 3)), z, b);
        refused(InvalidArgumentException.class, "biasActivation",
                () -> ops().biasActivation(null, z, b, t(3, 2)), z, b);
        refused(InvalidArgumentException.class, "biasActivation(" + GRAD + ")",
                () -> ops().biasActivation(GRAD, z, b, t(3, 2)), z, b);
        refused(ShapeMismatchException.class, "activationBackward(" + GRAD + ")",
                () -> ops().activationBackward(GRAD, z, t(2, 3), t(3, 2)), z);
        refused(ShapeMismatchException.class, "activationBackward(" + GRAD + ")",
                () -> ops().activationBackward(GRAD, z, t(3, 2), t(3, 1)), z);
        refused(InvalidArgumentException.class, "activationBackward",
                () -> ops().activationBackward(null, z, t(3, 2), t(3, 2)), z);
        refused(InvalidArgumentException.class, "activationBackward(SIGMOID)",
                () -> ops().activationBackward(UnaryOp.SIGMOID, z, t(3, 2), t(3, 2)), z);
    }

    @Test
    void backpropDeltaChecksEachOperand() {
        String op = "backpropDelta(" + GRAD + ")";
        // δ 3×4, W 2×4: δ·Wᵀ is 3×2
        eachOperandChecked(op, () -> new Tensor[]{t(3, 4), t(2, 4), t(3, 2), t(3, 2)},
                a -> ops().backpropDelta(GRAD, a[0], a[1], a[2], a[3]));
        Tensor d = t(3, 4);
        Tensor w = t(2, 4);
        Tensor ap = t(3, 2);
        refused(ShapeMismatchException.class, op, () -> ops().backpropDelta(GRAD, d, t(2, 3), ap, t(3, 2)), d, ap);
        refused(ShapeMismatchException.class, op, () -> ops().backpropDelta(GRAD, d, w, t(3, 3), t(3, 2)), d, w);
        refused(ShapeMismatchException.class, op, () -> ops().backpropDelta(GRAD, d, w, ap, t(2, 3)), d, w, ap);
        refused(InvalidArgumentException.class, "backpropDelta", () -> ops().backpropDelta(null, d, w, ap, t(3, 2)),
                d, w, ap);
        refused(InvalidArgumentException.class, "backpropDelta(RELU)",
                () -> ops().backpropDelta(UnaryOp.RELU, d, w, ap, t(3, 2)), d, w, ap);
        Tensor sq = t(2, 2);
        Tensor sw = t(2, 2);
        Tensor sa = t(2, 2);
        refused(InvalidArgumentException.class, op, () -> ops().backpropDelta(GRAD, sq, sw, sa, sq), sq, sw, sa);
        refused(InvalidArgumentException.class, op, () -> ops().backpropDelta(GRAD, sq, sw, sa, sw), sq, sw, sa);
        refused(InvalidArgumentException.class, op, () -> ops().backpropDelta(GRAD, sq, sw, sa, sa), sq, sw, sa);
    }

    @Test
    void lossesCheckEachOperandAndTheirTerm() {
        BinaryOp mse = BinaryOp.HALF_SQUARED_ERROR;
        String op = "lossAndDelta(" + mse + ")";
        eachOperandChecked(op, () -> new Tensor[]{t(3, 2), t(3, 2), t(3, 2), t(1, 1)},
                a -> ops().lossAndDelta(mse, GRAD, a[0], a[1], a[2], a[3]));
        String ce = "logitLossAndDelta(" + BinaryOp.CROSS_ENTROPY + ")";
        eachOperandChecked(ce, () -> new Tensor[]{t(3, 2), t(3, 2), t(3, 2), t(3, 2), t(1, 1)},
                a -> ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, a[0], a[1], a[2], a[3], a[4]));
        Tensor f = t(4, 1);
        Tensor y = t(4, 1);
        refused(ShapeMismatchException.class, op, () -> ops().lossAndDelta(mse, GRAD, f, t(1, 4), t(4, 1), t(1, 1)),
                f);
        refused(ShapeMismatchException.class, op, () -> ops().lossAndDelta(mse, GRAD, f, y, t(4, 2), t(1, 1)), f, y);
        refused(ShapeMismatchException.class, op, () -> ops().lossAndDelta(mse, GRAD, f, y, t(4, 1), t(1, 2)), f, y);
        refused(InvalidArgumentException.class, "lossAndDelta", () -> ops().lossAndDelta(null, GRAD, f, y, t(4, 1),
                t(1, 1)), f, y);
        refused(InvalidArgumentException.class, op, () -> ops().lossAndDelta(mse, null, f, y, t(4, 1), t(1, 1)), f, y);
        refused(InvalidArgumentException.class, "lossAndDelta(ADD)",
                () -> ops().lossAndDelta(BinaryOp.ADD, GRAD, f, y, t(4, 1), t(1, 1)), f, y);
        refused(InvalidArgumentException.class, op,
                () -> ops().lossAndDelta(mse, UnaryOp.SIGMOID, f, y, t(4, 1), t(1, 1)), f, y);
        refused(InvalidArgumentException.class, op,
                () -> ops().lossAndDelta(mse, GRAD, f, y, t(4, 1), f.sliceRows(2, 3)), f, y);
        Tensor z = t(4, 1);
        refused(ShapeMismatchException.class, ce,
                () -> ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, t(4, 2), f, y, t(4, 1), t(1, 1)), f, y);
        refused(ShapeMismatchException.class, ce,
                () -> ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, z, f, t(1, 4), t(4, 1), t(1, 1)), z, f);
        refused(ShapeMismatchException.class, ce,
                () -> ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, z, f, y, t(2, 2), t(1, 1)), z, f, y);
        refused(ShapeMismatchException.class, ce,
                () -> ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, z, f, y, t(4, 1), t(2, 1)), z, f, y);
        refused(InvalidArgumentException.class, "logitLossAndDelta",
                () -> ops().logitLossAndDelta(null, z, f, y, t(4, 1), t(1, 1)), z, f, y);
        refused(InvalidArgumentException.class, "logitLossAndDelta(" + BinaryOp.HALF_SQUARED_ERROR + ")",
                () -> ops().logitLossAndDelta(BinaryOp.HALF_SQUARED_ERROR, z, f, y, t(4, 1), t(1, 1)), z, f, y);
        refused(InvalidArgumentException.class, ce,
                () -> ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, z, f, y, z, t(1, 1)), z, f, y);
        refused(InvalidArgumentException.class, ce,
                () -> ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, z, f, y, t(4, 1), z.sliceRows(0, 1)), z, f, y);
    }

    @Test
    void optimizerStepsCheckEachOperandAndHyperParameter() {
        eachOperandChecked("sgdStep", 2, () -> new Tensor[]{t(3, 2), t(3, 2), t(3, 2)},
                a -> ops().sgdStep(a[0], a[1], a[2], 0.1, 0.9, 0.01));
        eachOperandChecked("adamStep", () -> new Tensor[]{t(3, 2), t(3, 2), t(3, 2), t(3, 2)},
                a -> ops().adamStep(a[0], a[1], a[2], a[3], 1e-3, 0.9, 0.999, 1e-8, 0, 1));
        Tensor w = t(3, 2);
        Tensor g = t(3, 2);
        Tensor v = t(3, 2);
        Tensor m = t(3, 2);
        Class<InvalidHyperParameterException> hp = InvalidHyperParameterException.class;
        for (double lr : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused(hp, "sgdStep", () -> ops().sgdStep(w, g, v, lr, 0.9, 0), w, g, v);
            refused(hp, "adamStep", () -> ops().adamStep(w, g, m, v, lr, 0.9, 0.999, 1e-8, 0, 1), w, g, m, v);
        }
        for (double f : new double[]{-0.1, 1, Double.NaN}) {
            refused(hp, "sgdStep", () -> ops().sgdStep(w, g, v, 0.1, f, 0), w, g, v);
            refused(hp, "adamStep", () -> ops().adamStep(w, g, m, v, 0.1, f, 0.999, 1e-8, 0, 1), w, g, m, v);
            refused(hp, "adamStep", () -> ops().adamStep(w, g, m, v, 0.1, 0.9, f, 1e-8, 0, 1), w, g, m, v);
        }
        for (double wd : new double[]{-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused(hp, "sgdStep", () -> ops().sgdStep(w, g, v, 0.1, 0.9, wd), w, g, v);
            refused(hp, "adamStep", () -> ops().adamStep(w, g, m, v, 0.1, 0.9, 0.999, 1e-8, wd, 1), w, g, m, v);
        }
        for (double eps : new double[]{0, -1e-8, Double.NaN}) {
            refused(hp, "adamStep", () -> ops().adamStep(w, g, m, v, 0.1, 0.9, 0.999, eps, 0, 1), w, g, m, v);
        }
        refused(InvalidArgumentException.class, "adamStep",
                () -> ops().adamStep(w, g, m, v, 0.1, 0.9, 0.999, 1e-8, 0, 0), w, g, m, v);
        refused(ShapeMismatchException.class, "sgdStep", () -> ops().sgdStep(w, t(2, 3), v, 0.1, 0.9, 0), w, v);
        refused(ShapeMismatchException.class, "sgdStep", () -> ops().sgdStep(w, g, t(3, 1), 0.1, 0.9, 0), w, g);
        refused(ShapeMismatchException.class, "adamStep",
                () -> ops().adamStep(w, t(2, 3), m, v, 0.1, 0.9, 0.999, 1e-8, 0, 1), w, m, v);
        refused(ShapeMismatchException.class, "adamStep",
                () -> ops().adamStep(w, g, t(3, 1), v, 0.1, 0.9, 0.999, 1e-8, 0, 1), w, g, v);
        refused(ShapeMismatchException.class, "adamStep",
                () -> ops().adamStep(w, g, m, t(1, 6), 0.1, 0.9, 0.999, 1e-8, 0, 1), w, g, m);
        // w and the velocity or moments need buffers of their own
        refused(InvalidArgumentException.class, "sgdStep", () -> ops().sgdStep(w, w, v, 0.1, 0.9, 0), w, v);
        refused(InvalidArgumentException.class, "sgdStep", () -> ops().sgdStep(w, g, w, 0.1, 0.9, 0), w, g);
        refused(InvalidArgumentException.class, "sgdStep", () -> ops().sgdStep(w, g, g, 0.1, 0.9, 0), w, g);
        refused(InvalidArgumentException.class, "adamStep",
                () -> ops().adamStep(w, g, m, m, 0.1, 0.9, 0.999, 1e-8, 0, 1), w, g, m);
        refused(InvalidArgumentException.class, "adamStep",
                () -> ops().adamStep(w, g, g, v, 0.1, 0.9, 0.999, 1e-8, 0, 1), w, g, v);
        refused(InvalidArgumentException.class, "adamStep",
                () -> ops().adamStep(w, w, m, v, 0.1, 0.9, 0.999, 1e-8, 0, 1), w, m, v);
    }

    /**
     * An output that is exactly its input is in-place work, which Staging allows; these ops forbid it (their result
     * has another meaning than the input), and only their own alias check says so. Shapes where the two coincide.
     */
    @Test
    void reductionsAndLossesRefuseTheirInputAsTheirOutput() {
        Tensor one = t(1, 1);
        refused(InvalidArgumentException.class, "sumAll", () -> ops().sumAll(one, one), one);
        Tensor col = t(3, 1);
        refused(InvalidArgumentException.class, "reduceRows(SUM)", () -> ops().reduceRows(RowReduction.SUM, col, col),
                col);
        Tensor row = t(1, 3);
        refused(InvalidArgumentException.class, "sumColumns", () -> ops().sumColumns(row, row), row);
        Tensor f = t(1, 1);
        Tensor y = t(1, 1);
        Tensor z = t(1, 1);
        refused(InvalidArgumentException.class, "lossAndDelta(" + BinaryOp.HALF_SQUARED_ERROR + ")",
                () -> ops().lossAndDelta(BinaryOp.HALF_SQUARED_ERROR, GRAD, f, y, t(1, 1), f), f, y);
        refused(InvalidArgumentException.class, "logitLossAndDelta(" + BinaryOp.BINARY_CROSS_ENTROPY + ")",
                () -> ops().logitLossAndDelta(BinaryOp.BINARY_CROSS_ENTROPY, z, f, y, t(1, 1), z), z, f, y);
    }

    /**
     * The 16-bit operands take their own path through the checks (the backend computes on them): a closed one, one
     * of another backend and a null one are refused there too.
     */
    @Test
    void sixteenBitOperandsAreCheckedOnTheirOwnPath() {
        DType h = DType.BFLOAT16;
        Tensor a = t(2, 3, h);
        Tensor b = t(3, 2, h);
        Tensor closedHalf = t(2, 3, h);
        closedHalf.close();
        Tensor foreignHalf = other.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 3, 2, h);
        refused(TensorClosedException.class, "gemm", () -> ops().gemm(false, false, 1, closedHalf, b, 0, t(2, 2)), b);
        refused(BackendMismatchException.class, "gemm", () -> ops().gemm(false, false, 1, a, foreignHalf, 0, t(2, 2)),
                a);
        Tensor c = t(2, 2);
        c.close();
        refused(TensorClosedException.class, "gemm", () -> ops().gemm(false, false, 1, a, b, 0, c), a, b);
        refused(TensorClosedException.class, "sumColumns", () -> ops().sumColumns(closedHalf, t(1, 3)));
        refused(BackendMismatchException.class, "sumColumns", () -> ops().sumColumns(a, other.zeros(1, 3)), a);
        refused(InvalidArgumentException.class, "sumColumns", () -> ops().sumColumns(a, null), a);
        refused(TensorClosedException.class, "biasActivation(SIGMOID)",
                () -> ops().biasActivation(UnaryOp.SIGMOID, closedHalf, t(1, 3, h), t(2, 3, h)));
        refused(BackendMismatchException.class, "activationBackward(" + GRAD + ")",
                () -> ops().activationBackward(GRAD, a, a, other.fromArray(new double[6], 2, 3, h)), a);
    }

    /**
     * The op run into rows 1..r of (r + 2)-row parents, one per operand it updates, gives what it gives on tensors of
     * their own, and leaves the parents' other rows as they were.
     */
    private void updatesViewsLikeTensors(String what, int r, int c, int[] updated, int operands,
                                         Consumer<Tensor[]> op) {
        Tensor[] own = new Tensor[operands];
        Tensor[] viewed = new Tensor[operands];
        Tensor[] parents = new Tensor[operands];
        for (int i = 0; i < operands; i++) {
            own[i] = t(r, c);
            viewed[i] = own[i];
        }
        for (int i : updated) {
            double[] fill = new double[(r + 2) * c];
            Arrays.fill(fill, -7);
            System.arraycopy(own[i].toDoubleArray(), 0, fill, c, r * c);
            parents[i] = be.fromArray(fill, r + 2, c, DType.FLOAT32);
            viewed[i] = parents[i].sliceRows(1, r + 1);
        }
        op.accept(own);
        op.accept(viewed);
        for (int i : updated) {
            double[] expected = new double[(r + 2) * c];
            Arrays.fill(expected, -7);
            System.arraycopy(own[i].toDoubleArray(), 0, expected, c, r * c);
            assertArrayEquals(expected, parents[i].toDoubleArray(), what + ": operand " + i + " as rows 1.." + r
                    + " of a " + (r + 2) + "×" + c);
        }
    }

    @Test
    void opsUpdatingInPlaceWriteBackIntoViews() {
        updatesViewsLikeTensors("sgdStep", 3, 2, new int[]{0, 2}, 3, a -> ops().sgdStep(a[0], a[1], a[2], 0.5, 0.9,
                0.01));
        updatesViewsLikeTensors("adamStep", 3, 2, new int[]{0, 2, 3}, 4, a -> ops().adamStep(a[0], a[1], a[2], a[3],
                0.5, 0.9, 0.999, 1e-8, 0.01, 2));
        updatesViewsLikeTensors("backpropDelta", 2, 2, new int[]{3}, 4,
                a -> ops().backpropDelta(GRAD, a[0], a[1], a[2], a[3]));
        updatesViewsLikeTensors("lossAndDelta", 3, 2, new int[]{2}, 3, a -> {
            try (Scope s = be.scope()) {
                ops().lossAndDelta(BinaryOp.HALF_SQUARED_ERROR, GRAD, a[0], a[1], a[2], be.zeros(1, 1));
            }
        });
        updatesViewsLikeTensors("logitLossAndDelta", 3, 2, new int[]{3}, 4, a -> {
            try (Scope s = be.scope()) {
                ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, a[0], a[1], a[2], a[3], be.zeros(1, 1));
            }
        });
        // the loss itself into a view: element (1, 0) of a 3 × 1 parent
        for (boolean logit : new boolean[]{false, true}) {
            Tensor z = t(3, 2);
            Tensor f = t(3, 2);
            Tensor y = t(3, 2);
            Tensor own = be.zeros(1, 1);
            Tensor parent = be.fromArray(new double[]{-7, -7, -7}, 3, 1, DType.FLOAT32);
            for (Tensor loss : new Tensor[]{own, parent.sliceRows(1, 2)}) {
                if (logit) {
                    ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, z, f, y, t(3, 2), loss);
                } else {
                    ops().lossAndDelta(BinaryOp.HALF_SQUARED_ERROR, GRAD, f, y, t(3, 2), loss);
                }
            }
            assertArrayEquals(new double[]{-7, own.toDoubleArray()[0], -7}, parent.toDoubleArray(),
                    (logit ? "logitLossAndDelta" : "lossAndDelta") + ": the loss into a 1×1 view");
        }
    }
}
