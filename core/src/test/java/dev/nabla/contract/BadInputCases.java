package dev.nabla.contract;

import dev.nabla.BackendClosedException;
import dev.nabla.BackendMismatchException;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.InvalidShapeException;
import dev.nabla.NablaException;
import dev.nabla.Shape;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.nn.Activation;
import dev.nabla.nn.GradientCheck;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.NetworkBuilder;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The bad-input matrix: every public op of {@link Tensor}, {@link dev.nabla.Backend}'s factories,
 * {@link dev.nabla.Ops}, the network builder, {@link Network}, the optimizers and {@link GradientCheck}, each with
 * the bad inputs that apply to it (wrong shapes, wrong dtypes, mixed backends, closed tensors, nulls, negative and
 * huge dimensions, NaN or out-of-range hyper-parameters, labels that do not match the output, closed networks and
 * backends), the typed exception each must raise, and what its message must say. {@link BadInputContract} runs
 * every row on a backend and checks that nothing was left allocated and the backend still computes correctly.
 */
public final class BadInputCases {
    private final List<BadInput> cases = new ArrayList<>();

    private BadInputCases() {
    }

    /** Every case, in a fixed order. */
    public static List<BadInput> all() {
        BadInputCases c = new BadInputCases();
        c.tensorOps();
        c.factories();
        c.explicitOps();
        c.optimizerSteps();
        c.builder();
        c.network();
        c.optimizers();
        return List.copyOf(c.cases);
    }

    private void add(String op, String kind, Class<? extends NablaException> type, BadInput.Call call,
                     String... message) {
        cases.add(new BadInput(op, kind, type, message, call));
    }

    private static final String SHAPE = "shape";
    private static final String DTYPE = "dtype";
    private static final String MIXED = "mixed backends";
    private static final String CLOSED = "closed tensor";
    private static final String NULL = "null";
    private static final String NEGATIVE = "negative size";
    private static final String HUGE = "huge size";
    private static final String HYPER = "hyper-parameter";
    private static final String LABELS = "labels";
    private static final String ARGUMENT = "argument";
    private static final String CLOSED_NET = "closed network";
    private static final String CLOSED_BACKEND = "closed backend";

    // ---- Tensor ----------------------------------------------------------------------------------------------------

    private void tensorOps() {
        Map<String, BiFunction<Tensor, Tensor, Tensor>> sameShape = new LinkedHashMap<>();
        sameShape.put("add", Tensor::add);
        sameShape.put("sub", Tensor::sub);
        sameShape.put("hadamard", Tensor::hadamard);
        sameShape.put("div", Tensor::div);
        sameShape.forEach((name, op) -> {
            String o = "Tensor." + name;
            add(o, SHAPE, ShapeMismatchException.class, f -> op.apply(f.t(3, 4), f.t(4, 3)),
                    name + ": 3×4 and 4×3: the second operand must be the same shape (no broadcasting unless asked) [{be}]");
            add(o, SHAPE, ShapeMismatchException.class, f -> op.apply(f.t(3, 4), f.t(1, 4)),
                    name + ": 3×4 and 1×4: the second operand must be the same shape", "[{be}]");
            binaryCommon(o, name, op, 3, 4, 3, 4);
        });
        add("Tensor.addRowVector", SHAPE, ShapeMismatchException.class, f -> f.t(3, 4).addRowVector(f.t(1, 3)),
                "addRowVector: 3×4 and 1×3: the second operand must be a 1×4 row vector [{be}]");
        add("Tensor.addRowVector", SHAPE, ShapeMismatchException.class, f -> f.t(3, 4).addRowVector(f.t(3, 4)),
                "addRowVector: 3×4 and 3×4: the second operand must be a 1×4 row vector [{be}]");
        binaryCommon("Tensor.addRowVector", "addRowVector", Tensor::addRowVector, 3, 4, 1, 4);

        add("Tensor.matmul", SHAPE, ShapeMismatchException.class, f -> f.t(2, 3).matmul(f.t(4, 5)),
                "matmul: (2×3) · (4×5) cannot be multiplied (3 != 4) [{be}]");
        add("Tensor.matmulTransA", SHAPE, ShapeMismatchException.class, f -> f.t(2, 3).matmulTransA(f.t(4, 5)),
                "matmulTransA: (2×3)ᵀ · (4×5) cannot be multiplied (2 != 4) [{be}]");
        add("Tensor.matmulTransB", SHAPE, ShapeMismatchException.class, f -> f.t(2, 3).matmulTransB(f.t(4, 5)),
                "matmulTransB: (2×3) · (4×5)ᵀ cannot be multiplied (3 != 5) [{be}]");
        // the output's shape is checked before it is allocated: 2.5·10⁹ elements overflow int and every buffer
        add("Tensor.matmul", HUGE, InvalidShapeException.class, f -> f.t(50000, 1).matmul(f.t(1, 50000)),
                "matmul: the output 50000×50000 FLOAT32 has 2500000000 elements, more than one buffer of {be} can hold");
        add("Tensor.matmulTransA", HUGE, InvalidShapeException.class, f -> f.t(1, 50000).matmulTransA(f.t(1, 50000)),
                "matmulTransA: the output 50000×50000 FLOAT32 has 2500000000 elements, more than one buffer of {be} "
                        + "can hold");
        add("Tensor.matmulTransB", HUGE, InvalidShapeException.class, f -> f.t(50000, 1).matmulTransB(f.t(50000, 1)),
                "matmulTransB: the output 50000×50000 FLOAT32 has 2500000000 elements, more than one buffer of {be} "
                        + "can hold");
        binaryCommon("Tensor.matmul", "matmul", Tensor::matmul, 2, 3, 3, 4);
        binaryCommon("Tensor.matmulTransA", "matmulTransA", Tensor::matmulTransA, 3, 2, 3, 4);
        binaryCommon("Tensor.matmulTransB", "matmulTransB", Tensor::matmulTransB, 2, 3, 4, 3);

        add("Tensor.axpyInPlace", SHAPE, ShapeMismatchException.class, f -> f.t(3, 4).axpyInPlace(0.5, f.t(3, 3)),
                "axpyInPlace: x 3×3 and y 3×4 must have the same shape [{be}]");
        add("Tensor.axpyInPlace", DTYPE, DTypeMismatchException.class, f -> f.t(3, 4).axpyInPlace(0.5, f.d(3, 4)),
                "axpyInPlace: dtypes differ: 3×4 is FLOAT64, 3×4 is FLOAT32 [{be}]");
        add("Tensor.axpyInPlace", MIXED, BackendMismatchException.class, f -> f.t(3, 4).axpyInPlace(0.5, f.onOther(3, 4)),
                "axpyInPlace: tensor 3×4 lives on {other}, but this op runs on {be}");
        add("Tensor.axpyInPlace", CLOSED, TensorClosedException.class, f -> f.closed(3, 4).axpyInPlace(0.5, f.t(3, 4)),
                "axpyInPlace: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.axpyInPlace", NULL, InvalidArgumentException.class, f -> f.t(3, 4).axpyInPlace(0.5, null),
                "axpyInPlace: a tensor argument is null [{be}]");

        Map<String, Function<Tensor, Object>> unary = new LinkedHashMap<>();
        unary.put("scale", t -> t.scale(2));
        unary.put("sigmoid", Tensor::sigmoid);
        unary.put("tanh", Tensor::tanh);
        unary.put("relu", Tensor::relu);
        unary.put("exp", Tensor::exp);
        unary.put("log", Tensor::log);
        unary.put("softmaxRows", Tensor::softmaxRows);
        unary.put("sumColumns", Tensor::sumColumns);
        unary.put("sum", Tensor::sum);
        unary.put("mean", Tensor::mean);
        unary.put("copy", Tensor::copy);
        unary.put("toFloatArray", Tensor::toFloatArray);
        unary.put("toDoubleArray", Tensor::toDoubleArray);
        unary.put("item", Tensor::item);
        unary.put("buffer", Tensor::buffer);
        unary.forEach((name, op) -> add("Tensor." + name, CLOSED, TensorClosedException.class,
                f -> op.apply(f.closed(3, 4)), name + ": tensor 3×4 FLOAT32 [{be}] is closed"));
        add("Tensor.to", CLOSED, TensorClosedException.class, f -> f.closed(3, 4).to(f.other()),
                "to: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.to", NULL, InvalidArgumentException.class, f -> f.t(3, 4).to(null),
                "to: the target backend is null (tensor 3×4 FLOAT32 [{be}])");
        add("Tensor.to", CLOSED_BACKEND, BackendClosedException.class, f -> f.t(3, 4).to(f.closedBackend()),
                "to: backend {be} is closed");
        add("Tensor.item", SHAPE, ShapeMismatchException.class, f -> f.t(3, 4).item(),
                "item: only a 1×1 tensor has one value, this is 3×4 [{be}]");
        add("Tensor.item", SHAPE, ShapeMismatchException.class, f -> f.t(0, 0).item(),
                "item: only a 1×1 tensor has one value, this is 0×0 [{be}]");
    }

    /** Wrong dtype, other backend, closed operand or receiver, null operand: the same for every two-operand op. */
    private void binaryCommon(String o, String name, BiFunction<Tensor, Tensor, Tensor> op, int ar, int ac, int br,
                              int bc) {
        add(o, DTYPE, DTypeMismatchException.class, f -> op.apply(f.t(ar, ac), f.d(br, bc)),
                name + ": dtypes differ: " + ar + "×" + ac + " is FLOAT32, " + br + "×" + bc + " is FLOAT64 [{be}]");
        add(o, MIXED, BackendMismatchException.class, f -> op.apply(f.t(ar, ac), f.onOther(br, bc)),
                name + ": tensor " + br + "×" + bc + " lives on {other}, but this op runs on {be}",
                "move it first with tensor.to(backend)");
        add(o, CLOSED, TensorClosedException.class, f -> op.apply(f.t(ar, ac), f.closed(br, bc)),
                name + ": tensor " + br + "×" + bc + " FLOAT32 [{be}] is closed");
        add(o, CLOSED, TensorClosedException.class, f -> op.apply(f.closed(ar, ac), f.t(br, bc)),
                name + ": tensor " + ar + "×" + ac + " FLOAT32 [{be}] is closed");
        add(o, NULL, InvalidArgumentException.class, f -> op.apply(f.t(ar, ac), null),
                name + ": a tensor argument is null [{be}]");
    }

    // ---- Backend factories -------------------------------------------------------------------------------------------

    private void factories() {
        add("Backend.fromArray", SHAPE, InvalidArgumentException.class, f -> f.be().fromArray(new float[5], 2, 3),
                "fromArray: 5 values cannot fill a 2×3 tensor (needs 6) [{be}]");
        add("Backend.fromArray", SHAPE, InvalidArgumentException.class, f -> f.be().fromArray(new double[7], 2, 3),
                "fromArray: 7 values cannot fill a 2×3 tensor (needs 6) [{be}]");
        add("Backend.fromArray", SHAPE, InvalidArgumentException.class,
                f -> f.be().fromArray(new double[7], 2, 3, DType.FLOAT32),
                "fromArray: 7 values cannot fill a 2×3 tensor (needs 6) [{be}]");
        add("Backend.fromArray", NULL, InvalidArgumentException.class, f -> f.be().fromArray((float[]) null, 2, 3),
                "fromArray: the data array is null [{be}]");
        add("Backend.fromArray", NULL, InvalidArgumentException.class,
                f -> f.be().fromArray((double[]) null, 2, 3, DType.FLOAT32), "fromArray: the data array is null [{be}]");
        add("Backend.fromArray", NULL, InvalidArgumentException.class, f -> f.be().fromArray(new double[6], 2, 3, null),
                "fromArray: dtype is null [{be}]");
        add("Backend.fromArray", NEGATIVE, InvalidShapeException.class, f -> f.be().fromArray(new float[0], -1, 0),
                "fromArray: dimensions must be ≥ 0, got -1×0 [{be}]");
        add("Backend.fromArray", HUGE, InvalidShapeException.class,
                f -> f.be().fromArray(new float[6], 2, Integer.MAX_VALUE),
                "fromArray: 2×2147483647 FLOAT32 has 4294967294 elements, more than one buffer of {be} can hold");
        add("Backend.zeros", NEGATIVE, InvalidShapeException.class, f -> f.be().zeros(-1, 3),
                "zeros: dimensions must be ≥ 0, got -1×3 [{be}]");
        add("Backend.zeros", NEGATIVE, InvalidShapeException.class, f -> f.be().zeros(3, Integer.MIN_VALUE),
                "zeros: dimensions must be ≥ 0, got 3×-2147483648 [{be}]");
        add("Backend.zeros", HUGE, InvalidShapeException.class,
                f -> f.be().zeros(Integer.MAX_VALUE, Integer.MAX_VALUE),
                "zeros: 2147483647×2147483647 FLOAT32 has 4611686014132420609 elements, more than one buffer of {be} can hold");
        add("Backend.zeros", NULL, InvalidArgumentException.class, f -> f.be().zeros(2, 2, null),
                "zeros: dtype is null [{be}]");
        add("Backend.full", NEGATIVE, InvalidShapeException.class, f -> f.be().full(3, -2, 1.0),
                "full: dimensions must be ≥ 0, got 3×-2 [{be}]");
        add("Backend.full", HUGE, InvalidShapeException.class, f -> f.be().full(1, Integer.MAX_VALUE, 0.5, DType.FLOAT64),
                "full: 1×2147483647 FLOAT64 has 2147483647 elements, more than one buffer of {be} can hold");
        add("Backend.full", NULL, InvalidArgumentException.class, f -> f.be().full(2, 2, 1.0, null),
                "full: dtype is null [{be}]");
        add("Backend.empty", NEGATIVE, InvalidShapeException.class, f -> f.be().empty(-1, -1, DType.FLOAT32),
                "empty: dimensions must be ≥ 0, got -1×-1 [{be}]");
        add("Backend.empty", HUGE, InvalidShapeException.class, f -> f.be().empty(65536, 65536, DType.FLOAT32),
                "empty: 65536×65536 FLOAT32 has 4294967296 elements, more than one buffer of {be} can hold");
        add("Backend.empty", NULL, InvalidArgumentException.class, f -> f.be().empty(1, 1, null),
                "empty: dtype is null [{be}]");
        add("Backend.randn", NEGATIVE, InvalidShapeException.class, f -> f.be().randn(-4, 2, 7L),
                "randn: dimensions must be ≥ 0, got -4×2 [{be}]");
        add("Backend.randn", HUGE, InvalidShapeException.class, f -> f.be().randn(100_000, 100_000, 7L),
                "randn: 100000×100000 FLOAT32 has 10000000000 elements, more than one buffer of {be} can hold");
        add("Backend.randn", NULL, InvalidArgumentException.class, f -> f.be().randn(2, 2, 7L, null),
                "randn: dtype is null [{be}]");
        add("Backend.rand", NEGATIVE, InvalidShapeException.class, f -> f.be().rand(2, -4, 7L),
                "rand: dimensions must be ≥ 0, got 2×-4 [{be}]");
        add("Backend.rand", HUGE, InvalidShapeException.class, f -> f.be().rand(Integer.MAX_VALUE, 3, 7L, DType.FLOAT64),
                "rand: 2147483647×3 FLOAT64 has 6442450941 elements, more than one buffer of {be} can hold");
        add("Backend.rand", NULL, InvalidArgumentException.class, f -> f.be().rand(2, 2, 7L, null),
                "rand: dtype is null [{be}]");
        add("Shape.new", NEGATIVE, InvalidShapeException.class, f -> new Shape(-1, 2),
                "shape: dimensions must be ≥ 0, got -1×2");
        add("Backend.asCall", NULL, InvalidArgumentException.class, f -> f.be().asCall(null, () -> 1),
                "asCall: the op name is null [{be}]");
        add("Backend.asCall", NULL, InvalidArgumentException.class, f -> f.be().asCall("fit", null),
                "asCall: the body is null [{be}]");
        add("Backend.asCall", HUGE, InvalidShapeException.class,
                f -> f.be().asCall("fit", () -> f.be().zeros(100_000, 100_000)),
                "fit: 100000×100000 FLOAT32 has 10000000000 elements, more than one buffer of {be} can hold");
        add("Backend.wrap", NULL, InvalidArgumentException.class, f -> dev.nabla.Backend.wrap(null),
                "wrap: the backend implementation is null");

        add("Backend.zeros", CLOSED_BACKEND, BackendClosedException.class, f -> f.closedBackend().zeros(2, 2),
                "zeros: backend {be} is closed");
        add("Backend.full", CLOSED_BACKEND, BackendClosedException.class, f -> f.closedBackend().full(2, 2, 1.0),
                "full: backend {be} is closed");
        add("Backend.empty", CLOSED_BACKEND, BackendClosedException.class,
                f -> f.closedBackend().empty(2, 2, DType.FLOAT32), "empty: backend {be} is closed");
        add("Backend.fromArray", CLOSED_BACKEND, BackendClosedException.class,
                f -> f.closedBackend().fromArray(new float[4], 2, 2), "fromArray: backend {be} is closed");
        add("Backend.randn", CLOSED_BACKEND, BackendClosedException.class, f -> f.closedBackend().randn(2, 2, 1L),
                "randn: backend {be} is closed");
        add("Backend.rand", CLOSED_BACKEND, BackendClosedException.class, f -> f.closedBackend().rand(2, 2, 1L),
                "rand: backend {be} is closed");
        add("Backend.scope", CLOSED_BACKEND, BackendClosedException.class, f -> f.closedBackend().scope(),
                "scope: backend {be} is closed");
        add("Backend.synchronize", CLOSED_BACKEND, BackendClosedException.class, f -> f.closedBackend().synchronize(),
                "synchronize: backend {be} is closed");
    }

    // ---- Ops: explicit outputs -------------------------------------------------------------------------------------

    private void explicitOps() {
        add("Ops.gemm", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().gemm(true, false, 1, f.t(6, 8), f.t(6, 2), 0, f.t(2, 8)),
                "gemm: (6×8)ᵀ · (6×2) needs a 8×2 output, got 2×8 [{be}]");
        add("Ops.gemm", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().gemm(false, false, 1, f.t(2, 3), f.t(4, 5), 0, f.t(2, 5)),
                "gemm: (2×3) · (4×5) cannot be multiplied (3 != 4) [{be}]");
        add("Ops.gemm", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().gemm(false, true, 1, f.t(2, 3), f.t(5, 4), 0, f.t(2, 5)),
                "gemm: (2×3) · (5×4)ᵀ cannot be multiplied (3 != 4) [{be}]");
        add("Ops.gemm", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor a = f.t(3, 3);
            f.be().ops().gemm(false, false, 1, a, f.t(3, 3), 0, a);
        }, "gemm: c and a are the same buffer; c must have a buffer of its own [{be}]");
        add("Ops.gemm", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().gemm(false, false, 1, f.t(2, 3), f.t(3, 4), 0, f.d(2, 4)),
                "gemm: dtypes differ: 2×3 is FLOAT32, 2×4 is FLOAT64 [{be}]");
        add("Ops.gemm", MIXED, BackendMismatchException.class,
                f -> f.be().ops().gemm(false, false, 1, f.t(2, 3), f.t(3, 4), 0, f.onOther(2, 4)),
                "gemm: tensor 2×4 lives on {other}, but this op runs on {be}");
        add("Ops.gemm", CLOSED, TensorClosedException.class,
                f -> f.be().ops().gemm(false, false, 1, f.t(2, 3), f.t(3, 4), 0, f.closed(2, 4)),
                "gemm: tensor 2×4 FLOAT32 [{be}] is closed");
        add("Ops.gemm", NULL, InvalidArgumentException.class,
                f -> f.be().ops().gemm(false, false, 1, f.t(2, 3), f.t(3, 4), 0, null),
                "gemm: a tensor argument is null [{be}]");

        add("Ops.unary", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().unary(UnaryOp.EXP, 0, f.t(3, 4), f.t(4, 3)),
                "exp: input 3×4 and output 4×3 must have the same shape [{be}]");
        add("Ops.unary", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().unary(UnaryOp.RELU, 0, f.t(2, 2), f.d(2, 2)),
                "relu: dtypes differ: 2×2 is FLOAT32, 2×2 is FLOAT64 [{be}]");
        add("Ops.unary", NULL, InvalidArgumentException.class, f -> {
            Tensor x = f.t(2, 2);
            f.be().ops().unary(null, 0, x, x);
        }, "unary: op is null [{be}]");
        add("Ops.unary", MIXED, BackendMismatchException.class,
                f -> f.be().ops().unary(UnaryOp.TANH, 0, f.onOther(2, 2), f.t(2, 2)),
                "tanh: tensor 2×2 lives on {other}, but this op runs on {be}");

        add("Ops.binary", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().binary(BinaryOp.SUB, f.t(3, 4), f.t(4, 1), Broadcast.COLUMN, f.t(3, 4)),
                "sub: 3×4 and 4×1: the second operand must be a 3×1 column vector [{be}]");
        add("Ops.binary", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().binary(BinaryOp.ADD, f.t(3, 4), f.t(1, 4), Broadcast.ROW, f.t(4, 3)),
                "add: input 3×4 and output 4×3 must have the same shape [{be}]");
        add("Ops.binary", NULL, InvalidArgumentException.class, f -> {
            Tensor x = f.t(2, 2);
            f.be().ops().binary(BinaryOp.MUL, x, x, null, x);
        }, "mul: broadcast is null [{be}]");
        add("Ops.binary", NULL, InvalidArgumentException.class, f -> {
            Tensor x = f.t(2, 2);
            f.be().ops().binary(null, x, x, Broadcast.NONE, x);
        }, "binary: op is null [{be}]");
        add("Ops.binary", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().binary(BinaryOp.ADD, f.t(2, 2), f.t(2, 2), Broadcast.NONE, f.d(2, 2)),
                "add: dtypes differ: 2×2 is FLOAT32, 2×2 is FLOAT64 [{be}]");

        add("Ops.copy", SHAPE, ShapeMismatchException.class, f -> f.be().ops().copy(f.t(2, 3), f.t(3, 2)),
                "copy: source 2×3 and destination 3×2 must have the same shape [{be}]");
        add("Ops.copy", DTYPE, DTypeMismatchException.class, f -> f.be().ops().copy(f.t(2, 3), f.d(2, 3)),
                "copy: dtypes differ: 2×3 is FLOAT32, 2×3 is FLOAT64 [{be}]");
        add("Ops.copy", MIXED, BackendMismatchException.class, f -> f.be().ops().copy(f.onOther(2, 3), f.t(2, 3)),
                "copy: tensor 2×3 lives on {other}, but this op runs on {be}");
        add("Ops.fill", CLOSED, TensorClosedException.class, f -> f.be().ops().fill(f.closed(2, 2), 1),
                "fill: tensor 2×2 FLOAT32 [{be}] is closed");
        add("Ops.fill", NULL, InvalidArgumentException.class, f -> f.be().ops().fill(null, 1),
                "fill: a tensor argument is null [{be}]");
        add("Ops.fill", MIXED, BackendMismatchException.class, f -> f.be().ops().fill(f.onOther(2, 2), 1),
                "fill: tensor 2×2 lives on {other}, but this op runs on {be}");
        add("Ops.axpy", SHAPE, ShapeMismatchException.class, f -> f.be().ops().axpy(1, f.t(2, 2), f.t(2, 3)),
                "axpy: x 2×2 and y 2×3 must have the same shape [{be}]");

        add("Ops.sumColumns", SHAPE, ShapeMismatchException.class, f -> f.be().ops().sumColumns(f.t(3, 4), f.t(1, 3)),
                "sumColumns: input 3×4 needs a 1×4 output, got 1×3 [{be}]");
        add("Ops.sumColumns", DTYPE, DTypeMismatchException.class, f -> f.be().ops().sumColumns(f.t(3, 4), f.d(1, 4)),
                "sumColumns: dtypes differ: 3×4 is FLOAT32, 1×4 is FLOAT64 [{be}]");
        add("Ops.reduceRows", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().reduceRows(RowReduction.MAX, f.t(3, 4), f.t(1, 3)),
                "reduceRows(MAX): input 3×4 needs a 3×1 output, got 1×3 [{be}]");
        add("Ops.reduceRows", NULL, InvalidArgumentException.class,
                f -> f.be().ops().reduceRows(null, f.t(3, 4), f.t(3, 1)), "reduceRows: op is null [{be}]");
        add("Ops.sumAll", SHAPE, ShapeMismatchException.class, f -> f.be().ops().sumAll(f.t(3, 4), f.t(2, 1)),
                "sumAll: input 3×4 needs a 1×1 output, got 2×1 [{be}]");
        add("Ops.sumAll", CLOSED, TensorClosedException.class, f -> f.be().ops().sumAll(f.t(3, 4), f.closed(1, 1)),
                "sumAll: tensor 1×1 FLOAT32 [{be}] is closed");

        add("Ops.biasActivation", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().biasActivation(UnaryOp.EXP, z, f.t(1, 3), z);
        }, "biasActivation(EXP): EXP is not an elementwise activation (IDENTITY, SIGMOID, TANH, RELU) [{be}]");
        add("Ops.biasActivation", SHAPE, ShapeMismatchException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().biasActivation(UnaryOp.RELU, z, f.t(3, 1), z);
        }, "biasActivation(RELU): bias 3×1 must be 1×3 for input 4×3 [{be}]");
        add("Ops.biasActivation", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().biasActivation(UnaryOp.SIGMOID, f.t(4, 3), f.t(1, 3), f.t(3, 4)),
                "biasActivation(SIGMOID): input 4×3 and output 3×4 must have the same shape [{be}]");
        add("Ops.biasActivation", NULL, InvalidArgumentException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().biasActivation(null, z, f.t(1, 3), z);
        }, "biasActivation: activation is null [{be}]");
        add("Ops.softmaxRows", SHAPE, ShapeMismatchException.class, f -> f.be().ops().softmaxRows(f.t(3, 4), f.t(4, 3)),
                "softmaxRows: input 3×4 and output 4×3 must have the same shape [{be}]");
        add("Ops.activationBackward", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor a = f.t(3, 4);
            f.be().ops().activationBackward(UnaryOp.SIGMOID, a, f.t(3, 4), a);
        }, "activationBackward(SIGMOID): SIGMOID is not a *_GRAD_FROM_OUTPUT op [{be}]");
        add("Ops.activationBackward", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().activationBackward(UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, f.t(3, 4), f.t(4, 3), f.t(3, 4)),
                "activationBackward(SIGMOID_GRAD_FROM_OUTPUT): activation 3×4 and error 4×3 must have the same shape [{be}]");
        add("Ops.activationBackward", NULL, InvalidArgumentException.class, f -> {
            Tensor a = f.t(3, 4);
            f.be().ops().activationBackward(null, a, a, a);
        }, "activationBackward: gradient op is null [{be}]");
        add("Ops.backpropDelta", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().backpropDelta(UnaryOp.RELU_GRAD_FROM_OUTPUT, f.t(4, 2), f.t(3, 2), f.t(4, 5), f.t(4, 5)),
                "backpropDelta(RELU_GRAD_FROM_OUTPUT): δ·Wᵀ is 4×3 but the previous activation is 4×5 [{be}]");
        add("Ops.backpropDelta", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().backpropDelta(UnaryOp.TANH_GRAD_FROM_OUTPUT, f.t(4, 2), f.t(3, 5), f.t(4, 3), f.t(4, 3)),
                "backpropDelta(TANH_GRAD_FROM_OUTPUT): (4×2) · (3×5)ᵀ cannot be multiplied (2 != 5) [{be}]");
        add("Ops.backpropDelta", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor delta = f.t(4, 2);
            f.be().ops().backpropDelta(UnaryOp.RELU_GRAD_FROM_OUTPUT, delta, f.t(2, 2), f.t(4, 2), delta);
        }, "backpropDelta(RELU_GRAD_FROM_OUTPUT): out and delta are the same buffer; out must have a buffer of its own",
                "[{be}]");
        add("Ops.backpropDelta", ARGUMENT, InvalidArgumentException.class,
                f -> f.be().ops().backpropDelta(UnaryOp.RELU, f.t(4, 2), f.t(3, 2), f.t(4, 3), f.t(4, 3)),
                "backpropDelta(RELU): RELU is not a *_GRAD_FROM_OUTPUT op [{be}]");
        add("Ops.backpropDelta", NULL, InvalidArgumentException.class,
                f -> f.be().ops().backpropDelta(null, f.t(4, 2), f.t(3, 2), f.t(4, 3), f.t(4, 3)),
                "backpropDelta: gradient op is null [{be}]");
        add("Ops.lossAndDelta", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().lossAndDelta(BinaryOp.ADD, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, z, f.t(4, 3), z, f.t(1, 1));
        }, "lossAndDelta(ADD): ADD is not a loss term [{be}]");
        add("Ops.lossAndDelta", LABELS, ShapeMismatchException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().lossAndDelta(BinaryOp.CROSS_ENTROPY, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, z, f.labels(4, 2), z,
                    f.t(1, 1));
        }, "lossAndDelta(CROSS_ENTROPY): targets 4×2 do not match the output 4×3 [{be}]");
        add("Ops.lossAndDelta", SHAPE, ShapeMismatchException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().lossAndDelta(BinaryOp.HALF_SQUARED_ERROR, UnaryOp.SIGMOID_GRAD_FROM_OUTPUT, z, f.t(4, 3), z,
                    f.t(2, 2));
        }, "lossAndDelta(HALF_SQUARED_ERROR): input 4×3 needs a 1×1 output, got 2×2 [{be}]");
        add("Ops.lossAndDelta", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().lossAndDelta(BinaryOp.HALF_SQUARED_ERROR, UnaryOp.EXP, z, f.t(4, 3), z, f.t(1, 1));
        }, "lossAndDelta(HALF_SQUARED_ERROR): EXP is not a *_GRAD_FROM_OUTPUT op [{be}]");
        add("Ops.lossAndDelta", NULL, InvalidArgumentException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().lossAndDelta(null, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, z, f.t(4, 3), z, f.t(1, 1));
        }, "lossAndDelta: loss term is null [{be}]");
        add("Ops.lossAndDelta", DTYPE, DTypeMismatchException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().lossAndDelta(BinaryOp.CROSS_ENTROPY, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, z, f.d(4, 3), z,
                    f.t(1, 1));
        }, "lossAndDelta(CROSS_ENTROPY): dtypes differ: 4×3 is FLOAT32, 4×3 is FLOAT64 [{be}]");
        logitLoss();
    }

    private void logitLoss() {
        add("Ops.logitLossAndDelta", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().logitLossAndDelta(BinaryOp.HALF_SQUARED_ERROR, z, f.t(4, 3), f.t(4, 3), f.t(4, 3), f.t(1, 1));
        }, "logitLossAndDelta(HALF_SQUARED_ERROR): HALF_SQUARED_ERROR is not a cross-entropy (CROSS_ENTROPY or BINARY_CROSS_ENTROPY) [{be}]");
        add("Ops.logitLossAndDelta", SHAPE, ShapeMismatchException.class, f -> {
            Tensor o = f.t(4, 3);
            f.be().ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, f.t(4, 2), o, f.t(4, 3), o, f.t(1, 1));
        }, "logitLossAndDelta(CROSS_ENTROPY): logits 4×2 and output 4×3 must have the same shape [{be}]");
        add("Ops.logitLossAndDelta", LABELS, ShapeMismatchException.class, f -> {
            Tensor o = f.t(4, 3);
            f.be().ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, f.t(4, 3), o, f.labels(4, 2), o, f.t(1, 1));
        }, "logitLossAndDelta(CROSS_ENTROPY): targets 4×2 do not match the output 4×3 [{be}]");
        add("Ops.logitLossAndDelta", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor z = f.t(4, 3);
            f.be().ops().logitLossAndDelta(BinaryOp.BINARY_CROSS_ENTROPY, z, f.t(4, 3), f.t(4, 3), z, f.t(1, 1));
        }, "logitLossAndDelta(BINARY_CROSS_ENTROPY): delta and z are the same buffer; delta must have a buffer of its own [{be}]");
        add("Ops.logitLossAndDelta", NULL, InvalidArgumentException.class,
                f -> f.be().ops().logitLossAndDelta(null, f.t(4, 3), f.t(4, 3), f.t(4, 3), f.t(4, 3), f.t(1, 1)),
                "logitLossAndDelta: loss term is null [{be}]");
        add("Ops.logitLossAndDelta", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().logitLossAndDelta(BinaryOp.CROSS_ENTROPY, f.d(4, 3), f.t(4, 3), f.t(4, 3), f.t(4, 3),
                        f.t(1, 1)),
                "logitLossAndDelta(CROSS_ENTROPY): dtypes differ: 4×3 is FLOAT64, 4×3 is FLOAT32 [{be}]");
    }

    private void optimizerSteps() {
        double[][] badSgd = {{Double.NaN, 0.9, 0}, {-0.1, 0.9, 0}, {0, 0, 0}, {Double.POSITIVE_INFINITY, 0, 0},
                {0.1, 1.0, 0}, {0.1, -0.5, 0}, {0.1, Double.NaN, 0}, {0.1, 0, -1e-4}, {0.1, 0, Double.NaN}};
        String[] sgdMessages = {"sgdStep: learning rate must be finite and > 0, got NaN [{be}]",
                "sgdStep: learning rate must be finite and > 0, got -0.1 [{be}]",
                "sgdStep: learning rate must be finite and > 0, got 0.0 [{be}]",
                "sgdStep: learning rate must be finite and > 0, got Infinity [{be}]",
                "sgdStep: momentum must be in [0, 1), got 1.0 [{be}]",
                "sgdStep: momentum must be in [0, 1), got -0.5 [{be}]",
                "sgdStep: momentum must be in [0, 1), got NaN [{be}]",
                "sgdStep: weight decay must be finite and ≥ 0, got -1.0E-4 [{be}]",
                "sgdStep: weight decay must be finite and ≥ 0, got NaN [{be}]"};
        for (int i = 0; i < badSgd.length; i++) {
            double[] p = badSgd[i];
            add("Ops.sgdStep", HYPER, InvalidHyperParameterException.class,
                    f -> f.be().ops().sgdStep(f.t(3, 4), f.t(3, 4), f.t(3, 4), p[0], p[1], p[2]), sgdMessages[i]);
        }
        add("Ops.sgdStep", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().sgdStep(f.t(3, 4), f.t(4, 3), null, 0.1, 0, 0),
                "sgdStep: parameter 3×4 and gradient 4×3 must have the same shape [{be}]");
        add("Ops.sgdStep", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().sgdStep(f.t(3, 4), f.t(3, 4), f.t(1, 4), 0.1, 0.9, 0),
                "sgdStep: parameter 3×4 and velocity 1×4 must have the same shape [{be}]");
        add("Ops.sgdStep", CLOSED, TensorClosedException.class,
                f -> f.be().ops().sgdStep(f.t(3, 4), f.t(3, 4), f.closed(3, 4), 0.1, 0.9, 0),
                "sgdStep: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Ops.sgdStep", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().sgdStep(f.t(3, 4), f.d(3, 4), null, 0.1, 0, 0),
                "sgdStep: dtypes differ: 3×4 is FLOAT32, 3×4 is FLOAT64 [{be}]");

        double[][] badAdam = {{Double.NaN, 0.9, 0.999, 1e-8, 0}, {0.01, 1.0, 0.999, 1e-8, 0},
                {0.01, 0.9, Double.NaN, 1e-8, 0}, {0.01, 0.9, 0.999, 0, 0}, {0.01, 0.9, 0.999, -1e-8, 0},
                {0.01, 0.9, 0.999, 1e-8, -1}, {-1, 0.9, 0.999, 1e-8, 0}};
        String[] adamMessages = {"adamStep: learning rate must be finite and > 0, got NaN [{be}]",
                "adamStep: beta1 must be in [0, 1), got 1.0 [{be}]",
                "adamStep: beta2 must be in [0, 1), got NaN [{be}]",
                "adamStep: epsilon must be finite and > 0, got 0.0 [{be}]",
                "adamStep: epsilon must be finite and > 0, got -1.0E-8 [{be}]",
                "adamStep: weight decay must be finite and ≥ 0, got -1.0 [{be}]",
                "adamStep: learning rate must be finite and > 0, got -1.0 [{be}]"};
        for (int i = 0; i < badAdam.length; i++) {
            double[] p = badAdam[i];
            add("Ops.adamStep", HYPER, InvalidHyperParameterException.class,
                    f -> f.be().ops().adamStep(f.t(3, 4), f.t(3, 4), f.t(3, 4), f.t(3, 4), p[0], p[1], p[2], p[3], p[4], 1),
                    adamMessages[i]);
        }
        add("Ops.adamStep", ARGUMENT, InvalidArgumentException.class,
                f -> f.be().ops().adamStep(f.t(3, 4), f.t(3, 4), f.t(3, 4), f.t(3, 4), 0.1, 0.9, 0.99, 1e-8, 0, 0),
                "adamStep: step counts from 1, got 0 [{be}]");
        add("Ops.adamStep", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().adamStep(f.t(3, 4), f.t(3, 4), f.t(3, 3), f.t(3, 4), 0.1, 0.9, 0.99, 1e-8, 0, 1),
                "adamStep: parameter 3×4 and first moment 3×3 must have the same shape [{be}]");
        add("Ops.adamStep", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().adamStep(f.t(3, 4), f.t(3, 4), f.t(3, 4), f.d(3, 4), 0.1, 0.9, 0.99, 1e-8, 0, 1),
                "adamStep: dtypes differ: 3×4 is FLOAT32, 3×4 is FLOAT64 [{be}]");
        add("Ops.adamStep", MIXED, BackendMismatchException.class,
                f -> f.be().ops().adamStep(f.t(3, 4), f.onOther(3, 4), f.t(3, 4), f.t(3, 4), 0.1, 0.9, 0.99, 1e-8, 0, 1),
                "adamStep: tensor 3×4 lives on {other}, but this op runs on {be}");
    }

    // ---- networks ------------------------------------------------------------------------------------------------------

    private static NetworkBuilder mlp() {
        return Network.builder().input(4).dense(3, Activation.RELU).dense(2, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY);
    }

    private void build(String op, String kind, Class<? extends NablaException> type, NetworkBuilder b,
                       String... message) {
        add(op, kind, type, f -> b.build(f.be()).close(), message);
    }

    private void builder() {
        build("NetworkBuilder.input", ARGUMENT, InvalidArgumentException.class,
                Network.builder().dense(2, Activation.RELU).loss(Loss.MSE),
                "network: input(n) must be set to at least 1 feature, got -1 [{be}]");
        build("NetworkBuilder.input", NEGATIVE, InvalidArgumentException.class,
                Network.builder().input(-3).dense(2, Activation.RELU).loss(Loss.MSE),
                "network: input(n) must be set to at least 1 feature, got -3 [{be}]");
        build("NetworkBuilder.input", ARGUMENT, InvalidArgumentException.class,
                Network.builder().input(0).dense(2, Activation.RELU).loss(Loss.MSE),
                "network: input(n) must be set to at least 1 feature, got 0 [{be}]");
        build("NetworkBuilder.dense", ARGUMENT, InvalidArgumentException.class,
                Network.builder().input(2).loss(Loss.MSE), "network: add at least one dense layer [{be}]");
        build("NetworkBuilder.dense", ARGUMENT, InvalidArgumentException.class,
                Network.builder().input(2).dense(0, Activation.RELU).loss(Loss.MSE),
                "network: layer 0 must have at least 1 unit, got 0 [{be}]");
        build("NetworkBuilder.dense", NEGATIVE, InvalidArgumentException.class,
                Network.builder().input(2).dense(3, Activation.RELU).dense(-2, Activation.RELU).loss(Loss.MSE),
                "network: layer 1 must have at least 1 unit, got -2 [{be}]");
        build("NetworkBuilder.dense", NULL, InvalidArgumentException.class,
                Network.builder().input(2).dense(3, null).loss(Loss.MSE), "network: layer 0 has no activation [{be}]");
        build("NetworkBuilder.dense", ARGUMENT, InvalidArgumentException.class,
                Network.builder().input(2).dense(3, Activation.SOFTMAX).dense(2, Activation.SIGMOID).loss(Loss.MSE),
                "network: SOFTMAX is only supported on the output layer (layer 1), found it on layer 0 [{be}]");
        build("NetworkBuilder.loss", ARGUMENT, InvalidArgumentException.class,
                Network.builder().input(2).dense(2, Activation.SIGMOID).loss(Loss.CROSS_ENTROPY),
                "network: CROSS_ENTROPY needs a SOFTMAX output layer, got SIGMOID [{be}]");
        build("NetworkBuilder.loss", ARGUMENT, InvalidArgumentException.class,
                Network.builder().input(2).dense(2, Activation.RELU).loss(Loss.BINARY_CROSS_ENTROPY),
                "network: BINARY_CROSS_ENTROPY needs a SIGMOID output layer, got RELU [{be}]");
        build("NetworkBuilder.loss", ARGUMENT, InvalidArgumentException.class,
                Network.builder().input(2).dense(2, Activation.SOFTMAX).loss(Loss.MSE),
                "network: MSE after SOFTMAX is not supported", "[{be}]");
        build("NetworkBuilder.loss", NULL, InvalidArgumentException.class,
                Network.builder().input(2).dense(2, Activation.RELU).loss(null), "network: loss(...) must be set [{be}]");
        build("NetworkBuilder.dtype", NULL, InvalidArgumentException.class, mlp().dtype(null),
                "network: dtype and init must not be null [{be}]");
        build("NetworkBuilder.init", NULL, InvalidArgumentException.class, mlp().init(null),
                "network: dtype and init must not be null [{be}]");
        add("NetworkBuilder.build", NULL, InvalidArgumentException.class, f -> mlp().build(null),
                "network: backend is null");
        add("NetworkBuilder.build", CLOSED_BACKEND, BackendClosedException.class, f -> mlp().build(f.closedBackend()),
                "network: backend {be} is closed");
        build("NetworkBuilder.dense", HUGE, InvalidShapeException.class,
                Network.builder().input(100_000).dense(100_000, Activation.RELU).loss(Loss.MSE),
                "network: layer 0's weights (100000×100000) cannot be allocated: 100000×100000 FLOAT32 has "
                        + "10000000000 elements, more than one buffer of {be} can hold");
        build("NetworkBuilder.dense", HUGE, InvalidShapeException.class,
                Network.builder().input(3).dense(4, Activation.TANH).dense(Integer.MAX_VALUE, Activation.SIGMOID)
                        .loss(Loss.MSE),
                "network: layer 1's weights (4×2147483647) cannot be allocated: 4×2147483647 FLOAT32 has "
                        + "8589934588 elements, more than one buffer of {be} can hold");
    }

    /** The network calls that take a batch: each gets the same bad batches. */
    private interface BatchCall {
        void run(Network net, Tensor x, Tensor t, Optimizer opt);
    }

    private void network() {
        Map<String, BatchCall> calls = new LinkedHashMap<>();
        calls.put("trainStep", (n, x, t, o) -> n.trainStep(x, t, o));
        calls.put("trainStepWithoutLoss", (n, x, t, o) -> n.trainStepWithoutLoss(x, t, o));
        calls.put("gradients", (n, x, t, o) -> n.gradients(x, t));
        calls.put("loss", (n, x, t, o) -> n.loss(x, t));
        calls.forEach((name, call) -> {
            String o = "Network." + name;
            add(o, SHAPE, ShapeMismatchException.class, f -> call.run(f.net(), f.t(8, 5), f.labels(8, 2), Optimizers.sgd(0.1)),
                    name + ": input 8×5 does not fit the network's 4 inputs (need N×4) [{be}]");
            add(o, LABELS, ShapeMismatchException.class, f -> call.run(f.net(), f.t(8, 4), f.labels(8, 3), Optimizers.sgd(0.1)),
                    name + ": targets 8×3 do not match the output 8×2 of input 8×4 (CROSS_ENTROPY targets are one-hot rows) [{be}]");
            add(o, LABELS, ShapeMismatchException.class, f -> call.run(f.net(), f.t(8, 4), f.labels(7, 2), Optimizers.sgd(0.1)),
                    name + ": targets 7×2 do not match the output 8×2 of input 8×4", "[{be}]");
            add(o, LABELS, ShapeMismatchException.class, f -> call.run(f.net(), f.t(8, 4), f.t(2, 8), Optimizers.sgd(0.1)),
                    name + ": targets 2×8 do not match the output 8×2 of input 8×4", "[{be}]");
            add(o, DTYPE, DTypeMismatchException.class, f -> call.run(f.net(), f.d(8, 4), f.labels(8, 2), Optimizers.sgd(0.1)),
                    name + ": input 8×4 is FLOAT64 but the network is FLOAT32 [{be}]");
            add(o, DTYPE, DTypeMismatchException.class, f -> call.run(f.net(), f.t(8, 4), f.d(8, 2), Optimizers.sgd(0.1)),
                    name + ": targets 8×2 is FLOAT64 but the network is FLOAT32 [{be}]");
            add(o, MIXED, BackendMismatchException.class,
                    f -> call.run(f.net(), f.onOther(8, 4), f.labels(8, 2), Optimizers.sgd(0.1)),
                    name + ": input 8×4 lives on {other} but the network lives on {be}; move it with tensor.to(backend)");
            add(o, MIXED, BackendMismatchException.class,
                    f -> call.run(f.net(), f.t(8, 4), f.onOther(8, 2), Optimizers.sgd(0.1)),
                    name + ": targets 8×2 lives on {other} but the network lives on {be}");
            add(o, CLOSED, TensorClosedException.class, f -> call.run(f.net(), f.closed(8, 4), f.labels(8, 2), Optimizers.sgd(0.1)),
                    name + ": input 8×4 is closed [{be}]");
            add(o, CLOSED, TensorClosedException.class, f -> call.run(f.net(), f.t(8, 4), f.closed(8, 2), Optimizers.sgd(0.1)),
                    name + ": targets 8×2 is closed [{be}]");
            add(o, NULL, InvalidArgumentException.class, f -> call.run(f.net(), null, f.labels(8, 2), Optimizers.sgd(0.1)),
                    name + ": input is null [{be}]");
            add(o, NULL, InvalidArgumentException.class, f -> call.run(f.net(), f.t(8, 4), null, Optimizers.sgd(0.1)),
                    name + ": targets is null [{be}]");
            add(o, CLOSED_NET, NablaException.class, f -> call.run(f.closedNet(), f.t(8, 4), f.labels(8, 2), Optimizers.sgd(0.1)),
                    name + ": the network is closed [{be}]");
        });
        // a batch whose workspace (40000×60000 activations) no buffer holds: the error names the user's call
        calls.forEach((name, call) -> add("Network." + name, HUGE, InvalidShapeException.class, f -> {
            try (Network wide = Network.builder().input(1).dense(60_000, Activation.RELU).dense(1, Activation.SIGMOID)
                    .loss(Loss.MSE).build(f.be())) {
                call.run(wide, f.t(40_000, 1), f.t(40_000, 1), Optimizers.sgd(0.1));
            }
        }, name + ": 40000×60000 FLOAT32 has 2400000000 elements, more than one buffer of {be} can hold"));
        add("Network.forward", HUGE, InvalidShapeException.class, f -> {
            try (Network wide = Network.builder().input(1).dense(60_000, Activation.RELU).dense(1, Activation.SIGMOID)
                    .loss(Loss.MSE).build(f.be())) {
                wide.forward(f.t(40_000, 1));
            }
        }, "forward: 40000×60000 FLOAT32 has 2400000000 elements, more than one buffer of {be} can hold");
        // an optimizer belongs to the first network it steps (Optimizer's javadoc)
        for (String kind : new String[]{"sgd", "adam"}) {
            add("Network.trainStep", ARGUMENT, InvalidArgumentException.class, f -> {
                try (Optimizer opt = kind.equals("sgd") ? Optimizers.sgd(0.1).momentum(0.9) : Optimizers.adam(0.01)) {
                    Network first = f.net();
                    first.trainStep(f.t(8, 4), f.labels(8, 2), opt);
                    f.net().trainStep(f.t(8, 4), f.labels(8, 2), opt);
                }
            }, kind + ": this optimizer belongs to the network it first stepped (W0 4×3, b0 1×3, W1 3×2, b1 1×2 "
                    + "FLOAT32 [{be}]), not to this one (W0 4×3, b0 1×3, W1 3×2, b1 1×2 FLOAT32 [{be}], another "
                    + "network of the same shape)", "use one optimizer per network");
        }
        add("Network.trainStepWithoutLoss", ARGUMENT, InvalidArgumentException.class, f -> {
            try (Optimizer opt = Optimizers.adam(0.01)) {
                f.net().trainStepWithoutLoss(f.t(8, 4), f.labels(8, 2), opt);
                Network other = f.own(Network.builder().input(4).dense(5, Activation.TANH).dense(2, Activation.SOFTMAX)
                        .loss(Loss.CROSS_ENTROPY).build(f.be()));
                other.trainStepWithoutLoss(f.t(8, 4), f.labels(8, 2), opt);
            }
        }, "adam: this optimizer belongs to the network it first stepped (W0 4×3, b0 1×3, W1 3×2, b1 1×2 FLOAT32 "
                + "[{be}]), not to this one (W0 4×5, b0 1×5, W1 5×2, b1 1×2 FLOAT32 [{be}])");
        add("Network.trainStep", NULL, InvalidArgumentException.class, f -> f.net().trainStep(f.t(8, 4), f.labels(8, 2), null),
                "trainStep: optimizer is null [{be}]");
        add("Network.trainStepWithoutLoss", NULL, InvalidArgumentException.class,
                f -> f.net().trainStepWithoutLoss(f.t(8, 4), f.labels(8, 2), null), "trainStepWithoutLoss: optimizer is null [{be}]");
        add("Network.forward", SHAPE, ShapeMismatchException.class, f -> f.net().forward(f.t(8, 5)),
                "forward: input 8×5 does not fit the network's 4 inputs (need N×4) [{be}]");
        add("Network.forward", DTYPE, DTypeMismatchException.class, f -> f.net().forward(f.d(8, 4)),
                "forward: input 8×4 is FLOAT64 but the network is FLOAT32 [{be}]");
        add("Network.forward", MIXED, BackendMismatchException.class, f -> f.net().forward(f.onOther(8, 4)),
                "forward: input 8×4 lives on {other} but the network lives on {be}");
        add("Network.forward", CLOSED, TensorClosedException.class, f -> f.net().forward(f.closed(8, 4)),
                "forward: input 8×4 is closed [{be}]");
        add("Network.forward", NULL, InvalidArgumentException.class, f -> f.net().forward(null),
                "forward: input is null [{be}]");
        add("Network.forward", CLOSED_NET, NablaException.class, f -> f.closedNet().forward(f.t(8, 4)),
                "forward: the network is closed [{be}]");
        add("Network.weights", ARGUMENT, InvalidArgumentException.class, f -> f.net().weights(2),
                "weights: layer 2 does not exist; the network has layers 0..1 [{be}]");
        add("Network.biases", ARGUMENT, InvalidArgumentException.class, f -> f.net().biases(-1),
                "biases: layer -1 does not exist; the network has layers 0..1 [{be}]");
        add("Network.weights", CLOSED_NET, NablaException.class, f -> f.closedNet().weights(0),
                "weights: the network is closed [{be}]");
        add("Network.setWeights", SHAPE, InvalidArgumentException.class, f -> f.net().setWeights(0, new double[5]),
                "setWeights: the parameter is 4×3 and needs 12 values, got 5 [{be}]");
        add("Network.setWeights", NULL, InvalidArgumentException.class, f -> f.net().setWeights(1, (float[]) null),
                "setWeights: the parameter is 3×2 and needs 6 values, got null [{be}]");
        add("Network.setWeights", ARGUMENT, InvalidArgumentException.class, f -> f.net().setWeights(5, new double[12]),
                "setWeights: layer 5 does not exist; the network has layers 0..1 [{be}]");
        add("Network.setBiases", SHAPE, InvalidArgumentException.class, f -> f.net().setBiases(1, new float[3]),
                "setBiases: the parameter is 1×2 and needs 2 values, got 3 [{be}]");
        add("Network.setBiases", CLOSED_NET, NablaException.class, f -> f.closedNet().setBiases(0, new double[3]),
                "setBiases: the network is closed [{be}]");
        add("Network.copyTo", NULL, InvalidArgumentException.class, f -> f.net().copyTo(null),
                "copyTo: the target backend is null [{be}]");
        add("Network.copyTo", CLOSED_BACKEND, BackendClosedException.class, f -> f.net().copyTo(f.closedBackend()),
                "copyTo: backend {be} is closed");
        add("Network.copyTo", CLOSED_NET, NablaException.class, f -> f.closedNet().copyTo(f.other()),
                "copyTo: the network is closed [{be}]");
        add("GradientCheck.run", DTYPE, InvalidArgumentException.class,
                f -> GradientCheck.run(f.net(), f.t(2, 4), f.labels(2, 2)),
                "gradientCheck: needs a FLOAT64 network (central differences in float32 are noise), got FLOAT32 [{be}]");
        add("GradientCheck.run", HYPER, InvalidHyperParameterException.class, f -> {
            Network n = mlp().dtype(DType.FLOAT64).build(f.be());
            try {
                GradientCheck.run(n, f.d(2, 4), f.d(2, 2), Double.NaN, 1e-3);
            } finally {
                n.close();
            }
        }, "gradientCheck: epsilon must be finite and > 0, got NaN [{be}]");
        add("GradientCheck.run", NULL, InvalidArgumentException.class, f -> GradientCheck.run(null, f.t(2, 4), f.t(2, 2)),
                "gradientCheck: the network is null");
    }

    private void optimizers() {
        add("Optimizers.sgd", HYPER, InvalidHyperParameterException.class, f -> Optimizers.sgd(Double.NaN),
                "sgd: learning rate must be finite and > 0, got NaN");
        add("Optimizers.sgd", HYPER, InvalidHyperParameterException.class, f -> Optimizers.sgd(-0.1),
                "sgd: learning rate must be finite and > 0, got -0.1");
        add("Optimizers.sgd", HYPER, InvalidHyperParameterException.class, f -> Optimizers.sgd(0),
                "sgd: learning rate must be finite and > 0, got 0.0");
        add("Optimizers.sgd", HYPER, InvalidHyperParameterException.class, f -> Optimizers.sgd(Double.POSITIVE_INFINITY),
                "sgd: learning rate must be finite and > 0, got Infinity");
        add("Sgd.momentum", HYPER, InvalidHyperParameterException.class, f -> Optimizers.sgd(0.1).momentum(1.0),
                "sgd: momentum must be in [0, 1), got 1.0");
        add("Sgd.momentum", HYPER, InvalidHyperParameterException.class, f -> Optimizers.sgd(0.1).momentum(Double.NaN),
                "sgd: momentum must be in [0, 1), got NaN");
        add("Sgd.momentum", HYPER, InvalidHyperParameterException.class, f -> Optimizers.sgd(0.1).momentum(-0.1),
                "sgd: momentum must be in [0, 1), got -0.1");
        add("Sgd.weightDecay", HYPER, InvalidHyperParameterException.class, f -> Optimizers.sgd(0.1).weightDecay(-1e-4),
                "sgd: weight decay must be finite and ≥ 0, got -1.0E-4");
        add("Sgd.weightDecay", HYPER, InvalidHyperParameterException.class,
                f -> Optimizers.sgd(0.1).weightDecay(Double.NaN), "sgd: weight decay must be finite and ≥ 0, got NaN");
        add("Sgd.weightDecay", HYPER, InvalidHyperParameterException.class,
                f -> Optimizers.sgd(0.1).weightDecay(Double.POSITIVE_INFINITY),
                "sgd: weight decay must be finite and ≥ 0, got Infinity");
        add("Optimizers.adam", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(0),
                "adam: learning rate must be finite and > 0, got 0.0");
        add("Optimizers.adam", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(Double.NaN),
                "adam: learning rate must be finite and > 0, got NaN");
        add("Optimizers.adam", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(-1e-3),
                "adam: learning rate must be finite and > 0, got -0.001");
        add("Adam.betas", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(1e-3).betas(0.9, 1.5),
                "adam: beta2 must be in [0, 1), got 1.5");
        add("Adam.betas", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(1e-3).betas(-0.1, 0.9),
                "adam: beta1 must be in [0, 1), got -0.1");
        add("Adam.betas", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(1e-3).betas(Double.NaN, 0.9),
                "adam: beta1 must be in [0, 1), got NaN");
        add("Adam.betas", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(1e-3).betas(0.9, 1.0),
                "adam: beta2 must be in [0, 1), got 1.0");
        add("Adam.epsilon", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(1e-3).epsilon(0),
                "adam: epsilon must be finite and > 0, got 0.0");
        add("Adam.epsilon", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(1e-3).epsilon(-1),
                "adam: epsilon must be finite and > 0, got -1.0");
        add("Adam.epsilon", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(1e-3).epsilon(Double.NaN),
                "adam: epsilon must be finite and > 0, got NaN");
        add("Adam.weightDecay", HYPER, InvalidHyperParameterException.class, f -> Optimizers.adam(1e-3).weightDecay(-1),
                "adam: weight decay must be finite and ≥ 0, got -1.0");
        add("Adam.weightDecay", HYPER, InvalidHyperParameterException.class,
                f -> Optimizers.adam(1e-3).weightDecay(Double.NaN), "adam: weight decay must be finite and ≥ 0, got NaN");
    }
}
