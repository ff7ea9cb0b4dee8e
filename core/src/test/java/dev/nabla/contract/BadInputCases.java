package dev.nabla.contract;

import dev.nabla.nn.Gradients;

import dev.nabla.BackendClosedException;
import dev.nabla.BackendMismatchException;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.IndexOutOfRangeException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.InvalidShapeException;
import dev.nabla.NablaException;
import dev.nabla.Shape;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.UnsupportedDTypeException;
import dev.nabla.autograd.AutogradException;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.data.DataLoader;
import dev.nabla.nn.Activation;
import dev.nabla.nn.GradientCheck;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.NetworkBuilder;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.ArrayList;
import java.util.Arrays;
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
        c.tensorApi();
        c.factories();
        c.intFactories();
        c.explicitOps();
        c.layoutAndIndexingOps();
        c.optimizerSteps();
        c.builder();
        c.network();
        c.optimizers();
        c.sliceColumns();
        c.autograd();
        c.halfStorage();
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
    private static final String INDEX = "index";

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
        build("NetworkBuilder.precision", NULL, InvalidArgumentException.class, mlp().precision(null),
                "network: precision must be FLOAT32, BFLOAT16 or FLOAT16, got null [{be}]");
        build("NetworkBuilder.precision", DTYPE, InvalidArgumentException.class, mlp().precision(DType.FLOAT64),
                "network: precision must be FLOAT32, BFLOAT16 or FLOAT16, got FLOAT64 [{be}]");
        build("NetworkBuilder.precision", DTYPE, InvalidArgumentException.class,
                mlp().precision(DType.BFLOAT16).dtype(DType.FLOAT64),
                "network: precision BFLOAT16 keeps FLOAT32 master weights; the dtype must be FLOAT32, got FLOAT64 [{be}]");
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

    /** One zeroed array per layer of n, of the size of its dW (or db when {@code bias}): what gradientsInto fills. */
    private static double[][] hostArrays(Network n, boolean bias) {
        double[][] a = new double[n.layers().size()][];
        for (int l = 0; l < a.length; l++) {
            var d = n.layers().get(l);
            a[l] = new double[bias ? d.outputs() : d.inputs() * d.outputs()];
        }
        return a;
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
        calls.put("gradientsInto", (n, x, t, o) -> n.gradientsInto(x, t, hostArrays(n, false), hostArrays(n, true)));
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
        // applyGradients (issue 17: gradients combined over replicas)
        add("Network.applyGradients", NULL, InvalidArgumentException.class,
                f -> f.net().applyGradients(null, Optimizers.sgd(0.1)), "applyGradients: the gradients are null [{be}]");
        add("Network.applyGradients", NULL, InvalidArgumentException.class,
                f -> f.net().applyGradients(Gradients.of(0, List.of(new double[12], new double[6]),
                        List.of(new double[3], new double[2]), List.of(new Shape(4, 3), new Shape(3, 2))), null),
                "applyGradients: the optimizer is null [{be}]");
        add("Network.applyGradients", SHAPE, ShapeMismatchException.class,
                f -> f.net().applyGradients(Gradients.of(0, List.of(new double[12]), List.of(new double[3]),
                        List.of(new Shape(4, 3))), Optimizers.sgd(0.1)),
                "applyGradients: gradients of 1 layer for a network of 2 [{be}]");
        add("Network.applyGradients", SHAPE, ShapeMismatchException.class,
                f -> f.net().applyGradients(Gradients.of(0, List.of(new double[15], new double[10]),
                        List.of(new double[5], new double[2]), List.of(new Shape(3, 5), new Shape(5, 2))),
                        Optimizers.sgd(0.1)),
                "applyGradients: dW0 is 3×5 but W0 is 4×3 [{be}]");
        add("Network.applyGradients", CLOSED_NET, NablaException.class,
                f -> f.closedNet().applyGradients(Gradients.of(0, List.of(new double[12], new double[6]),
                        List.of(new double[3], new double[2]), List.of(new Shape(4, 3), new Shape(3, 2))),
                        Optimizers.sgd(0.1)),
                "applyGradients: the network is closed [{be}]");
        // the host-array twins DataParallel steps through (issue 17: no per-step host allocation)
        add("Network.gradientsInto", SHAPE, ShapeMismatchException.class,
                f -> f.net().gradientsInto(f.t(8, 4), f.labels(8, 2), new double[][]{new double[12]},
                        new double[][]{new double[3]}),
                "gradientsInto: 1 dW and 1 db arrays for a network of 2 layers [{be}]");
        add("Network.gradientsInto", NULL, InvalidArgumentException.class,
                f -> f.net().gradientsInto(f.t(8, 4), f.labels(8, 2), new double[][]{new double[12], new double[6]},
                        null),
                "gradientsInto: the db arrays are null [{be}]");
        add("Network.applyGradients", SHAPE, ShapeMismatchException.class,
                f -> f.net().applyGradients(new double[][]{new double[12], new double[5]},
                        new double[][]{new double[3], new double[2]}, Optimizers.sgd(0.1)),
                "applyGradients: layer 1 has W 3×2 and needs 6 dW and 2 db values, got 5 dW and 2 db [{be}]");
        add("Network.applyGradients", NULL, InvalidArgumentException.class,
                f -> f.net().applyGradients(new double[][]{new double[12], new double[6]},
                        new double[][]{new double[3], new double[2]}, null),
                "applyGradients: the optimizer is null [{be}]");
        add("Network.applyGradients", CLOSED_NET, NablaException.class,
                f -> f.closedNet().applyGradients(new double[][]{new double[12], new double[6]},
                        new double[][]{new double[3], new double[2]}, Optimizers.sgd(0.1)),
                "applyGradients: the network is closed [{be}]");
        add("Network.weightsInto", SHAPE, InvalidArgumentException.class, f -> f.net().weightsInto(0, new double[11]),
                "weightsInto: the parameter is 4×3 and needs an array of 12 values, got 11 [{be}]");
        add("Network.weightsInto", ARGUMENT, InvalidArgumentException.class, f -> f.net().weightsInto(2, new double[6]),
                "weightsInto: layer 2 does not exist; the network has layers 0..1 [{be}]");
        add("Network.weightsInto", CLOSED_NET, NablaException.class, f -> f.closedNet().weightsInto(0, new double[12]),
                "weightsInto: the network is closed [{be}]");
        add("Network.biasesInto", NULL, InvalidArgumentException.class, f -> f.net().biasesInto(1, null),
                "biasesInto: the parameter is 1×2 and needs an array of 2 values, got null [{be}]");
        add("Network.biasesInto", ARGUMENT, InvalidArgumentException.class, f -> f.net().biasesInto(-1, new double[3]),
                "biasesInto: layer -1 does not exist; the network has layers 0..1 [{be}]");
        // the loss scaler (FLOAT16 mixed precision; replicas and resumes set it)
        add("Network.setLossScale", HYPER, InvalidArgumentException.class, f -> f.net().setLossScale(3),
                "setLossScale: the loss scale must be a finite power of two > 0, got 3.0 [{be}]");
        add("Network.setLossScale", HYPER, InvalidArgumentException.class, f -> f.net().setLossScale(Double.NaN),
                "setLossScale: the loss scale must be a finite power of two > 0, got NaN [{be}]");
        add("Network.setLossScale", ARGUMENT, InvalidArgumentException.class, f -> f.net().setLossScale(2),
                "setLossScale: a FLOAT32 network is not loss-scaled (S = 1); only FLOAT16 networks take a loss scale, "
                        + "got 2.0 [{be}]");
        add("Network.setLossScale", CLOSED_NET, NablaException.class, f -> f.closedNet().setLossScale(1),
                "setLossScale: the network is closed [{be}]");
        add("Network.lossScalerState", CLOSED_NET, NablaException.class, f -> f.closedNet().lossScalerState(),
                "lossScalerState: the network is closed [{be}]");
        add("Network.loadLossScalerState", NULL, InvalidArgumentException.class,
                f -> f.net().loadLossScalerState(null),
                "loadLossScalerState: the state must hold exactly scale and growth_tracker, got null [{be}]");
        add("Network.loadLossScalerState", ARGUMENT, InvalidArgumentException.class,
                f -> f.net().loadLossScalerState(java.util.Map.of("scale", 1.0, "growth_tracker", 2.5)),
                "loadLossScalerState: growth_tracker must be a whole number in [0, 2000), got 2.5 [{be}]");
        add("Network.loadLossScalerState", CLOSED_NET, NablaException.class,
                f -> f.closedNet().loadLossScalerState(java.util.Map.of("scale", 1.0, "growth_tracker", 0.0)),
                "loadLossScalerState: the network is closed [{be}]");
        // optimizer state for exact resume (issue 17: checkpoints)
        add("Network.optimizerState", NULL, InvalidArgumentException.class, f -> f.net().optimizerState(null),
                "optimizerState: the optimizer is null [{be}]");
        add("Network.optimizerState", CLOSED_NET, NablaException.class,
                f -> f.closedNet().optimizerState(Optimizers.adam(0.1)), "optimizerState: the network is closed [{be}]");
        add("Network.loadOptimizerState", NULL, InvalidArgumentException.class,
                f -> f.net().loadOptimizerState(Optimizers.adam(0.1), null), "loadOptimizerState: the state is null [{be}]");
        add("Network.loadOptimizerState", NULL, InvalidArgumentException.class,
                f -> f.net().loadOptimizerState(null, java.util.Map.of()),
                "loadOptimizerState: the optimizer is null [{be}]");
        add("Network.loadOptimizerState", ARGUMENT, dev.nabla.io.WeightsMismatchException.class,
                f -> f.net().loadOptimizerState(Optimizers.sgd(0.1), java.util.Map.of("param_groups.beta1",
                        dev.nabla.io.HostTensor.of(new double[]{0.9}))),
                "loadOptimizerState: the state is adam's (it has param_groups.beta1), not sgd's", "[{be}]");
        add("Network.loadOptimizerState", SHAPE, dev.nabla.io.WeightsMismatchException.class,
                f -> {
                    Optimizer sgd = Optimizers.sgd(0.1).momentum(0.5);
                    java.util.Map<String, dev.nabla.io.HostTensor> state = new java.util.LinkedHashMap<>(
                            f.net().optimizerState(sgd));
                    for (String p : List.of("W0", "b0", "W1", "b1")) {
                        state.put("state." + p + ".momentum_buffer", dev.nabla.io.HostTensor.of(new float[1], 1, 1));
                    }
                    f.net().loadOptimizerState(sgd, state);
                },
                "loadOptimizerState: the state does not fit sgd(lr=0.1, momentum=0.5",
                "state.W0.momentum_buffer is FLOAT32 [1, 1] but parameter W0 is FLOAT32 4×3", "[{be}]");
        add("Network.loadOptimizerState", CLOSED_NET, NablaException.class,
                f -> f.closedNet().loadOptimizerState(Optimizers.adam(0.1), java.util.Map.of()),
                "loadOptimizerState: the network is closed [{be}]");
        // predict, evaluate and load (issue 13)
        add("Network.predict", SHAPE, ShapeMismatchException.class, f -> f.net().predict(f.t(8, 5)),
                "predict: input 8×5 does not fit the network's 4 inputs (need N×4) [{be}]");
        add("Network.predict", DTYPE, DTypeMismatchException.class, f -> f.net().predict(f.d(8, 4)),
                "predict: input 8×4 is FLOAT64 but the network is FLOAT32 [{be}]");
        add("Network.predict", MIXED, BackendMismatchException.class, f -> f.net().predict(f.onOther(8, 4)),
                "predict: input 8×4 lives on {other} but the network lives on {be}");
        add("Network.predict", CLOSED, TensorClosedException.class, f -> f.net().predict(f.closed(8, 4)),
                "predict: input 8×4 is closed [{be}]");
        add("Network.predict", NULL, InvalidArgumentException.class, f -> f.net().predict(null),
                "predict: input is null [{be}]");
        add("Network.predict", CLOSED_NET, NablaException.class, f -> f.closedNet().predict(f.t(8, 4)),
                "predict: the network is closed [{be}]");
        add("Network.evaluate", NULL, InvalidArgumentException.class, f -> f.net().evaluate(null),
                "evaluate: the loader is null [{be}]");
        add("Network.evaluate", SHAPE, ShapeMismatchException.class,
                f -> f.net().evaluate(f.own(DataLoader.of(f.t(8, 5), f.ints(0, 1, 0, 1, 0, 1, 0, 1), 4))),
                "evaluate: the loader's rows have 5 features, the network has 4 inputs [{be}]");
        add("Network.evaluate", LABELS, ShapeMismatchException.class,
                f -> f.net().evaluate(f.own(DataLoader.of(f.t(8, 4), f.ints(0, 1, 2, 1, 0, 1, 0, 1), 4).classes(3))),
                "evaluate: the loader makes 3-class targets, the network has 2 outputs [{be}]");
        add("Network.evaluate", DTYPE, DTypeMismatchException.class,
                f -> f.net().evaluate(f.own(DataLoader.of(f.d(8, 4), f.ints(0, 1, 0, 1, 0, 1, 0, 1), 4))),
                "evaluate: the loader's features are FLOAT64 but the network is FLOAT32 [{be}]");
        add("Network.evaluate", MIXED, BackendMismatchException.class,
                f -> f.net().evaluate(f.own(DataLoader.of(f.onOther(8, 4), f.intsOnOther(0, 1, 0, 1, 0, 1, 0, 1), 4))),
                "evaluate: the loader's data lives on {other}, the network on {be}");
        add("Network.evaluate", CLOSED_NET, NablaException.class,
                f -> f.closedNet().evaluate(f.own(DataLoader.of(f.t(8, 4), f.ints(0, 1, 0, 1, 0, 1, 0, 1), 4))),
                "evaluate: the network is closed [{be}]");
        add("Network.load", NULL, InvalidArgumentException.class, f -> {
            try {
                Network.load(null, f.be());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "Network.load: the file is null [{be}]");
        add("Network.load", ARGUMENT, dev.nabla.io.WeightsFormatException.class, f -> {
            try {
                java.nio.file.Path file = java.nio.file.Files.createTempFile("nabla-bad-input", ".safetensors");
                try {
                    dev.nabla.io.Safetensors.write(file, Map.of("w", dev.nabla.io.HostTensor.of(new float[]{1}, 1, 1)),
                            Map.of());
                    Network.load(file, f.be());
                } finally {
                    java.nio.file.Files.deleteIfExists(file);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "Network.load: ", "has no \"nabla.inputs\" metadata", "[{be}]");
        add("Network.load", CLOSED_BACKEND, dev.nabla.BackendClosedException.class, f -> {
            try {
                Network.load(java.nio.file.Path.of("unused.safetensors"), f.closedBackend());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "Network.load: backend {be} is closed");
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

    // ---- issue 16: BFLOAT16 and FLOAT16 are storage: every op without a half kernel refuses them by name -------------

    private static String storageOnly(String op, String shape, DType dtype) {
        return op + ": tensor " + shape + " is " + dtype + ", a storage type " + op + " does not compute on yet; cast it"
                + " to FLOAT32 first [{be}]";
    }

    private void halfStorage() {
        for (DType h : new DType[]{DType.BFLOAT16, DType.FLOAT16}) {
            Map<String, Function<Tensor, Object>> unaryOps = new LinkedHashMap<>();
            unaryOps.put("sigmoid", Tensor::sigmoid);
            unaryOps.put("relu", Tensor::relu);
            unaryOps.put("exp", Tensor::exp);
            unaryOps.put("abs", Tensor::abs);
            unaryOps.put("scale", t -> t.scale(2));
            unaryOps.put("add", t -> t.add(1.0));
            unaryOps.put("softmaxRows", Tensor::softmaxRows);
            unaryOps.put("sum", Tensor::sum);
            unaryOps.put("mean", Tensor::mean);
            unaryOps.put("sumRows", Tensor::sumRows);
            unaryOps.put("maxRows", Tensor::maxRows);
            unaryOps.put("argmaxRows", Tensor::argmaxRows);
            unaryOps.put("gt", t -> t.gt(0.5));
            unaryOps.forEach((name, op) -> add("Tensor." + name, DTYPE, UnsupportedDTypeException.class,
                    f -> op.apply(f.half(3, 4, h)), storageOnly(name, "3×4", h)));
            Map<String, BiFunction<Tensor, Tensor, Tensor>> binaryOps = new LinkedHashMap<>();
            binaryOps.put("add", Tensor::add);
            binaryOps.put("hadamard", Tensor::hadamard);
            binaryOps.put("maximum", Tensor::maximum);
            binaryOps.put("lt", Tensor::lt);
            binaryOps.forEach((name, op) -> add("Tensor." + name, DTYPE, UnsupportedDTypeException.class,
                    f -> op.apply(f.half(3, 4, h), f.half(3, 4, h)), storageOnly(name, "3×4", h)));
            add("Tensor.addRowVector", DTYPE, UnsupportedDTypeException.class,
                    f -> f.half(3, 4, h).addRowVector(f.half(1, 4, h)), storageOnly("addRowVector", "3×4", h));
            // gemm takes two halves where the backend says so (IndexingContract checks both answers); a FLOAT32
            // left operand with a half right one is refused everywhere
            add("Tensor.matmul", DTYPE, UnsupportedDTypeException.class,
                    f -> f.t(3, 4).matmul(f.half(4, 2, h)), storageOnly("matmul", "4×2", h));
            add("Tensor.matmulTransA", DTYPE, UnsupportedDTypeException.class,
                    f -> f.t(4, 3).matmulTransA(f.half(4, 2, h)), storageOnly("matmulTransA", "4×2", h));
            add("Ops.gemm", DTYPE, UnsupportedDTypeException.class,
                    f -> f.be().ops().gemm(false, true, 1, f.t(3, 4), f.half(2, 4, h), 0, f.t(3, 2)),
                    storageOnly("gemm", "2×4", h));
            add("Tensor.where", DTYPE, UnsupportedDTypeException.class,
                    f -> Tensor.where(f.i(3, 4), f.half(3, 4, h), f.half(3, 4, h)), storageOnly("where", "3×4", h));
            add("Tensor.scatterAddRows", DTYPE, UnsupportedDTypeException.class,
                    f -> f.half(2, 4, h).scatterAddRows(f.ints(0, 1), 3), storageOnly("scatterAddRows", "2×4", h));
            add("Tensor.oneHot", DTYPE, UnsupportedDTypeException.class, f -> f.ints(0, 1).oneHot(2, h),
                    storageOnly("oneHot", "2×2", h));
            add("Ops.axpy", DTYPE, UnsupportedDTypeException.class,
                    f -> f.be().ops().axpy(0.5, f.half(3, 4, h), f.half(3, 4, h)), storageOnly("axpy", "3×4", h));
            // sumColumns sums a half x into FLOAT32 where the backend says so (IndexingContract checks both answers);
            // a half out of a FLOAT32 x is refused everywhere
            add("Ops.sumColumns", DTYPE, UnsupportedDTypeException.class,
                    f -> f.be().ops().sumColumns(f.t(3, 4), f.half(1, 4, h)), storageOnly("sumColumns", "1×4", h));
            // biasActivation and activationBackward take them where the backend says so (IndexingContract checks
            // both answers); mixing a half with another dtype is refused everywhere
            add("Ops.biasActivation", DTYPE, UnsupportedDTypeException.class,
                    f -> f.be().ops().biasActivation(UnaryOp.SIGMOID, f.t(3, 4), f.half(1, 4, h), f.t(3, 4)),
                    storageOnly("biasActivation(SIGMOID)", "1×4", h));
            add("Ops.activationBackward", DTYPE, UnsupportedDTypeException.class,
                    f -> f.be().ops().activationBackward(UnaryOp.TANH_GRAD_FROM_OUTPUT, f.t(3, 4), f.half(3, 4, h),
                            f.t(3, 4)), storageOnly("activationBackward(TANH_GRAD_FROM_OUTPUT)", "3×4", h));
            add("Ops.sgdStep", DTYPE, UnsupportedDTypeException.class,
                    f -> f.be().ops().sgdStep(f.half(3, 4, h), f.half(3, 4, h), null, 0.1, 0, 0),
                    storageOnly("sgdStep", "3×4", h));
            // the 16-bit patterns in and out: only for the 16-bit types
            add("Tensor.toHalfBits", DTYPE, DTypeMismatchException.class, f -> f.t(3, 4).toHalfBits(),
                    "toHalfBits: tensor 3×4 is FLOAT32, not BFLOAT16 or FLOAT16; convert it with cast(DType.BFLOAT16)"
                            + " or cast(DType.FLOAT16) (rounds to nearest even) [{be}]");
            add("Tensor.toIntArray", DTYPE, DTypeMismatchException.class, f -> f.half(3, 4, h).toIntArray(),
                    "toIntArray: tensor 3×4 is " + h + ", not INT32; convert it with cast(DType.INT32) (rounds toward "
                            + "zero) [{be}]");
            add("Backend.fromHalfBits", DTYPE, UnsupportedDTypeException.class,
                    f -> f.be().fromHalfBits(new short[4], 2, 2, DType.FLOAT32),
                    "fromHalfBits: 16-bit patterns make a BFLOAT16 or FLOAT16 tensor, not FLOAT32; use fromArray [{be}]");
            add("Backend.fromHalfBits", ARGUMENT, InvalidArgumentException.class,
                    f -> f.be().fromHalfBits(new short[3], 2, 2, h),
                    "fromHalfBits: 3 values cannot fill a 2×2 tensor (needs 4) [{be}]");
            add("Backend.fromHalfBits", NULL, InvalidArgumentException.class,
                    f -> f.be().fromHalfBits(null, 2, 2, h), "fromHalfBits: the data array is null [{be}]");
            add("Backend.fromArray", ARGUMENT, InvalidArgumentException.class,
                    f -> f.be().fromArray(new float[3], 2, 2, h),
                    "fromArray: 3 values cannot fill a 2×2 tensor (needs 4) [{be}]");
            add("Tensor.copyFrom", DTYPE, DTypeMismatchException.class,
                    f -> f.half(3, 4, h).copyFrom(f.t(3, 4)),
                    "copyFrom: dtypes differ: 3×4 is FLOAT32, 3×4 is " + h + " [{be}]");
        }
    }

    // ---- issue 13: the Tensor API of INT32 tensors, views, indexing, masks and layout ---------------------------------

    private static String needsFloat(String op, String shape) {
        return op + ": tensor " + shape + " is INT32; " + op + " needs FLOAT32 or FLOAT64 (convert with cast) [{be}]";
    }

    private void tensorApi() {
        // float-only ops given INT32, and closed (a closed view too, for the new ones)
        Map<String, Function<Tensor, Object>> floatOnly = new LinkedHashMap<>();
        floatOnly.put("abs", Tensor::abs);
        floatOnly.put("neg", Tensor::neg);
        floatOnly.put("sqrt", Tensor::sqrt);
        floatOnly.put("square", Tensor::square);
        floatOnly.put("pow", t -> t.pow(2));
        floatOnly.put("rsub", t -> t.rsub(1));
        floatOnly.put("rdiv", t -> t.rdiv(1));
        floatOnly.put("clamp", t -> t.clamp(0, 1));
        floatOnly.put("sumRows", Tensor::sumRows);
        floatOnly.put("maxRows", Tensor::maxRows);
        floatOnly.put("minRows", Tensor::minRows);
        floatOnly.put("meanRows", Tensor::meanRows);
        floatOnly.put("maxColumns", Tensor::maxColumns);
        floatOnly.put("minColumns", Tensor::minColumns);
        floatOnly.put("meanColumns", Tensor::meanColumns);
        floatOnly.put("max", Tensor::max);
        floatOnly.put("min", Tensor::min);
        floatOnly.put("argmaxRows", Tensor::argmaxRows);
        floatOnly.forEach((name, op) -> {
            add("Tensor." + name, DTYPE, UnsupportedDTypeException.class, f -> op.apply(f.i(3, 4)),
                    needsFloat(name, "3×4"));
            add("Tensor." + name, CLOSED, TensorClosedException.class, f -> op.apply(f.closed(3, 4)),
                    name + ": tensor 3×4 FLOAT32 [{be}] is closed");
            add("Tensor." + name, CLOSED, TensorClosedException.class, f -> op.apply(f.closedView(3, 4)),
                    name + ": tensor 3×4 FLOAT32 [{be}] is closed");
        });
        // the float-only ops that were there before INT32, and the scalar forms of add, sub, mul and div
        Map<String, Function<Tensor, Object>> older = new LinkedHashMap<>();
        older.put("scale", t -> t.scale(2));
        older.put("sigmoid", Tensor::sigmoid);
        older.put("exp", Tensor::exp);
        older.put("log", Tensor::log);
        older.put("softmaxRows", Tensor::softmaxRows);
        older.put("sumColumns", Tensor::sumColumns);
        older.put("sum", Tensor::sum);
        older.put("mean", Tensor::mean);
        older.put("add", t -> t.add(1.0));
        older.put("sub", t -> t.sub(1.0));
        older.put("mul", t -> t.mul(2.0));
        older.put("div", t -> t.div(2.0));
        older.forEach((name, op) -> add("Tensor." + name, DTYPE, UnsupportedDTypeException.class,
                f -> op.apply(f.i(3, 4)), needsFloat(name, "3×4")));
        add("Tensor.matmul", DTYPE, UnsupportedDTypeException.class, f -> f.i(3, 3).matmul(f.i(3, 3)),
                needsFloat("matmul", "3×3"));
        add("Tensor.clamp", ARGUMENT, InvalidArgumentException.class, f -> f.t(3, 4).clamp(1, 0),
                "clamp: the bounds [1.0, 0.0] are not lo ≤ hi (tensor 3×4 FLOAT32) [{be}]");
        add("Tensor.clamp", ARGUMENT, InvalidArgumentException.class, f -> f.t(3, 4).clamp(Double.NaN, 1),
                "clamp: the bounds [NaN, 1.0] are not lo ≤ hi (tensor 3×4 FLOAT32) [{be}]");

        // elementwise binary ops of one shape
        Map<String, BiFunction<Tensor, Tensor, Tensor>> sameShape = new LinkedHashMap<>();
        sameShape.put("maximum", Tensor::maximum);
        sameShape.put("minimum", Tensor::minimum);
        sameShape.put("mul", Tensor::mul);
        sameShape.forEach((name, op) -> {
            String o = "Tensor." + name;
            add(o, SHAPE, ShapeMismatchException.class, f -> op.apply(f.t(3, 4), f.t(4, 3)), name + ": 3×4 and 4×3: "
                    + "the second operand must be the same shape (no broadcasting unless asked) [{be}]");
            add(o, DTYPE, UnsupportedDTypeException.class, f -> op.apply(f.i(3, 4), f.i(3, 4)), needsFloat(name, "3×4"));
            binaryCommon(o, name, op, 3, 4, 3, 4);
        });
        // row and column vector forms
        Map<String, BiFunction<Tensor, Tensor, Tensor>> rowForms = new LinkedHashMap<>();
        rowForms.put("subRowVector", Tensor::subRowVector);
        rowForms.put("mulRowVector", Tensor::mulRowVector);
        rowForms.put("divRowVector", Tensor::divRowVector);
        rowForms.forEach((name, op) -> {
            String o = "Tensor." + name;
            add(o, SHAPE, ShapeMismatchException.class, f -> op.apply(f.t(3, 4), f.t(1, 3)),
                    name + ": 3×4 and 1×3: the second operand must be a 1×4 row vector [{be}]");
            add(o, SHAPE, ShapeMismatchException.class, f -> op.apply(f.t(3, 4), f.t(3, 4)),
                    name + ": 3×4 and 3×4: the second operand must be a 1×4 row vector [{be}]");
            add(o, DTYPE, UnsupportedDTypeException.class, f -> op.apply(f.i(3, 4), f.i(1, 4)), needsFloat(name, "3×4"));
            binaryCommon(o, name, op, 3, 4, 1, 4);
        });
        Map<String, BiFunction<Tensor, Tensor, Tensor>> columnForms = new LinkedHashMap<>();
        columnForms.put("addColumnVector", Tensor::addColumnVector);
        columnForms.put("subColumnVector", Tensor::subColumnVector);
        columnForms.put("mulColumnVector", Tensor::mulColumnVector);
        columnForms.put("divColumnVector", Tensor::divColumnVector);
        columnForms.forEach((name, op) -> {
            String o = "Tensor." + name;
            add(o, SHAPE, ShapeMismatchException.class, f -> op.apply(f.t(3, 4), f.t(4, 1)),
                    name + ": 3×4 and 4×1: the second operand must be a 3×1 column vector [{be}]");
            add(o, SHAPE, ShapeMismatchException.class, f -> op.apply(f.t(3, 4), f.t(1, 4)),
                    name + ": 3×4 and 1×4: the second operand must be a 3×1 column vector [{be}]");
            add(o, DTYPE, UnsupportedDTypeException.class, f -> op.apply(f.i(3, 4), f.i(3, 1)), needsFloat(name, "3×4"));
            binaryCommon(o, name, op, 3, 4, 3, 1);
        });

        // comparisons into INT32 masks, with a tensor and with a scalar
        Map<String, BiFunction<Tensor, Tensor, Tensor>> comparisons = new LinkedHashMap<>();
        comparisons.put("gt", Tensor::gt);
        comparisons.put("ge", Tensor::ge);
        comparisons.put("lt", Tensor::lt);
        comparisons.put("le", Tensor::le);
        comparisons.put("eq", Tensor::eq);
        comparisons.put("ne", Tensor::ne);
        Map<String, BiFunction<Tensor, Double, Tensor>> scalarComparisons = new LinkedHashMap<>();
        scalarComparisons.put("gt", Tensor::gt);
        scalarComparisons.put("ge", Tensor::ge);
        scalarComparisons.put("lt", Tensor::lt);
        scalarComparisons.put("le", Tensor::le);
        scalarComparisons.put("eq", Tensor::eq);
        scalarComparisons.put("ne", Tensor::ne);
        comparisons.forEach((name, op) -> {
            String o = "Tensor." + name;
            BiFunction<Tensor, Double, Tensor> scalar = scalarComparisons.get(name);
            add(o, SHAPE, ShapeMismatchException.class, f -> op.apply(f.t(3, 4), f.t(4, 3)), name + ": 3×4 and 4×3: "
                    + "the second operand must be the same shape (no broadcasting unless asked) [{be}]");
            add(o, DTYPE, DTypeMismatchException.class, f -> op.apply(f.i(3, 4), f.t(3, 4)),
                    name + ": dtypes differ: 3×4 is INT32, 3×4 is FLOAT32 [{be}]");
            binaryCommon(o, name, op, 3, 4, 3, 4);
            add(o, ARGUMENT, InvalidArgumentException.class, f -> scalar.apply(f.i(2, 2), 0.5),
                    name + ": 0.5 is not an INT32 value (an integer in [-2147483648, 2147483647]) for the 2×2 INT32 "
                            + "tensor [{be}]");
            add(o, CLOSED, TensorClosedException.class, f -> scalar.apply(f.closedView(3, 4), 0.0),
                    name + ": tensor 3×4 FLOAT32 [{be}] is closed");
        });

        // where(mask, a, b)
        add("Tensor.where", DTYPE, DTypeMismatchException.class, f -> Tensor.where(f.t(3, 4), f.t(3, 4), f.t(3, 4)),
                "where: mask 3×4 must be INT32, got FLOAT32 [{be}]");
        add("Tensor.where", DTYPE, UnsupportedDTypeException.class, f -> Tensor.where(f.i(3, 4), f.i(3, 4), f.i(3, 4)),
                needsFloat("where", "3×4"));
        add("Tensor.where", DTYPE, DTypeMismatchException.class, f -> Tensor.where(f.i(3, 4), f.t(3, 4), f.d(3, 4)),
                "where: dtypes differ: 3×4 is FLOAT32, 3×4 is FLOAT64 [{be}]");
        add("Tensor.where", SHAPE, ShapeMismatchException.class, f -> Tensor.where(f.i(3, 4), f.t(3, 4), f.t(4, 3)),
                "where: mask 3×4 and second operand 4×3 must have the same shape [{be}]");
        add("Tensor.where", SHAPE, ShapeMismatchException.class, f -> Tensor.where(f.i(4, 3), f.t(3, 4), f.t(3, 4)),
                "where: mask 4×3 and first operand 3×4 must have the same shape [{be}]");
        add("Tensor.where", MIXED, BackendMismatchException.class,
                f -> Tensor.where(f.intsOnOther(1, 0), f.t(1, 2), f.t(1, 2)),
                "where: tensor 1×2 lives on {other}, but this op runs on {be}");
        add("Tensor.where", CLOSED, TensorClosedException.class, f -> Tensor.where(f.i(3, 4), f.closed(3, 4), f.t(3, 4)),
                "where: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.where", NULL, InvalidArgumentException.class, f -> Tensor.where(f.i(3, 4), null, f.t(3, 4)),
                "where: a tensor argument is null [{be}]");
        add("Tensor.where", NULL, InvalidArgumentException.class, f -> Tensor.where(null, f.t(3, 4), f.t(3, 4)),
                "where: a tensor argument is null [{be}]");

        // dtypes: cast, toIntArray
        add("Tensor.cast", NULL, InvalidArgumentException.class, f -> f.t(3, 4).cast(null),
                "cast: the target dtype is null [{be}]");
        add("Tensor.cast", CLOSED, TensorClosedException.class, f -> f.closed(3, 4).cast(DType.INT32),
                "cast: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.cast", CLOSED, TensorClosedException.class, f -> f.closedView(3, 4).cast(DType.FLOAT64),
                "cast: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.toIntArray", DTYPE, DTypeMismatchException.class, f -> f.t(3, 4).toIntArray(),
                "toIntArray: tensor 3×4 is FLOAT32, not INT32; convert it with cast(DType.INT32) (rounds toward "
                        + "zero) [{be}]");
        add("Tensor.toIntArray", CLOSED, TensorClosedException.class, f -> {
            Tensor t = f.ints(1, 2);
            t.close();
            t.toIntArray();
        }, "toIntArray: tensor 1×2 INT32 [{be}] is closed");
        // host arrays the caller reuses (issue 17: DataParallel without per-step host allocation)
        add("Tensor.readInto", DTYPE, DTypeMismatchException.class, f -> f.t(3, 4).readInto(new double[12]),
                "readInto: tensor 3×4 is FLOAT32 but a double[] holds FLOAT64 values", "[{be}]");
        add("Tensor.readInto", DTYPE, DTypeMismatchException.class, f -> f.d(3, 4).readInto(new float[12]),
                "readInto: tensor 3×4 is FLOAT64 but a float[] holds FLOAT32 values", "[{be}]");
        add("Tensor.readInto", SHAPE, ShapeMismatchException.class, f -> f.t(3, 4).readInto(new float[11]),
                "readInto: tensor 3×4 has 12 elements but the float[] holds 11; it must hold exactly 12 [{be}]");
        add("Tensor.readInto", NULL, InvalidArgumentException.class, f -> f.d(3, 4).readInto((double[]) null),
                "readInto: the double[] is null (tensor 3×4 FLOAT64) [{be}]");
        add("Tensor.readInto", CLOSED, TensorClosedException.class, f -> f.closed(3, 4).readInto(new float[12]),
                "readInto: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.writeFrom", DTYPE, DTypeMismatchException.class, f -> f.d(3, 4).writeFrom(new float[12]),
                "writeFrom: tensor 3×4 is FLOAT64 but a float[] holds FLOAT32 values", "[{be}]");
        add("Tensor.writeFrom", SHAPE, ShapeMismatchException.class, f -> f.d(3, 4).writeFrom(new double[13]),
                "writeFrom: tensor 3×4 has 12 elements but the double[] holds 13; it must hold exactly 12 [{be}]");
        add("Tensor.writeFrom", NULL, InvalidArgumentException.class, f -> f.t(3, 4).writeFrom((float[]) null),
                "writeFrom: the float[] is null (tensor 3×4 FLOAT32) [{be}]");
        add("Tensor.writeFrom", CLOSED, TensorClosedException.class, f -> f.closed(3, 4).writeFrom(new float[12]),
                "writeFrom: tensor 3×4 FLOAT32 [{be}] is closed");

        // views: sliceRows, reshape, and writes through them
        add("Tensor.sliceRows", SHAPE, InvalidShapeException.class, f -> f.t(3, 4).sliceRows(2, 1),
                "sliceRows: rows [2, 1) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 3) [{be}]");
        add("Tensor.sliceRows", SHAPE, InvalidShapeException.class, f -> f.t(3, 4).sliceRows(0, 4),
                "sliceRows: rows [0, 4) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 3) [{be}]");
        add("Tensor.sliceRows", SHAPE, InvalidShapeException.class, f -> f.view(3, 4).sliceRows(1, 4),
                "sliceRows: rows [1, 4) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 3) [{be}]");
        add("Tensor.sliceRows", NEGATIVE, InvalidShapeException.class, f -> f.t(3, 4).sliceRows(-1, 2),
                "sliceRows: rows [-1, 2) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 3) [{be}]");
        add("Tensor.sliceRows", CLOSED, TensorClosedException.class, f -> f.closed(3, 4).sliceRows(0, 1),
                "sliceRows: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.sliceRows", CLOSED, TensorClosedException.class, f -> f.closedView(3, 4).sliceRows(0, 1),
                "sliceRows: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.reshape", SHAPE, InvalidShapeException.class, f -> f.t(3, 4).reshape(5, 3),
                "reshape: 3×4 has 12 elements, which cannot be 5×3 [{be}]");
        add("Tensor.reshape", SHAPE, InvalidShapeException.class, f -> f.view(2, 3).reshape(1, 7),
                "reshape: 2×3 has 6 elements, which cannot be 1×7 [{be}]");
        add("Tensor.reshape", NEGATIVE, InvalidShapeException.class, f -> f.t(3, 4).reshape(-3, -4),
                "reshape: 3×4 has 12 elements, which cannot be -3×-4 [{be}]");
        add("Tensor.reshape", CLOSED, TensorClosedException.class, f -> f.closed(3, 4).reshape(4, 3),
                "reshape: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.reshape", CLOSED, TensorClosedException.class, f -> f.closedView(3, 4).reshape(4, 3),
                "reshape: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.buffer", ARGUMENT, InvalidArgumentException.class, f -> f.view(2, 3).buffer(),
                "buffer: this 2×3 FLOAT32 tensor is a view of part of another tensor's buffer (from element 3); "
                        + "call copy() for a tensor with a buffer of its own [{be}]");
        add("Tensor.buffer", CLOSED, TensorClosedException.class, f -> f.closedView(2, 3).buffer(),
                "buffer: tensor 2×3 FLOAT32 [{be}] is closed (it is a view and its base tensor was closed)");
        add("Tensor.copyFrom", SHAPE, ShapeMismatchException.class, f -> f.t(3, 2).copyFrom(f.t(2, 3)),
                "copyFrom: source 2×3 and destination 3×2 must have the same shape [{be}]");
        add("Tensor.copyFrom", DTYPE, DTypeMismatchException.class, f -> f.t(2, 3).copyFrom(f.d(2, 3)),
                "copyFrom: dtypes differ: 2×3 is FLOAT64, 2×3 is FLOAT32 [{be}]");
        add("Tensor.copyFrom", MIXED, BackendMismatchException.class, f -> f.view(2, 3).copyFrom(f.onOther(2, 3)),
                "copyFrom: tensor 2×3 lives on {other}, but this op runs on {be}");
        add("Tensor.copyFrom", CLOSED, TensorClosedException.class, f -> f.closedView(2, 3).copyFrom(f.t(2, 3)),
                "copyFrom: tensor 2×3 FLOAT32 [{be}] is closed");
        add("Tensor.copyFrom", NULL, InvalidArgumentException.class, f -> f.view(2, 3).copyFrom(null),
                "copyFrom: a tensor argument is null [{be}]");
        add("Tensor.copyFrom", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor base = f.t(3, 4);
            base.sliceRows(0, 2).copyFrom(base.sliceRows(1, 3));
        }, "copyFrom: source 2×4 FLOAT32 (from element 4) and destination 2×4 (from element 0) are views that overlap "
                + "without being the same elements", "[{be}]");
        add("Tensor.fill", ARGUMENT, InvalidArgumentException.class, f -> f.i(2, 2).fill(0.5),
                "fill: 0.5 is not an INT32 value (an integer in [-2147483648, 2147483647]) for the 2×2 INT32 tensor "
                        + "[{be}]");
        add("Tensor.fill", ARGUMENT, InvalidArgumentException.class, f -> f.i(2, 2).fill(1e10),
                "fill: 1.0E10 is not an INT32 value", "for the 2×2 INT32 tensor [{be}]");
        add("Tensor.fill", ARGUMENT, InvalidArgumentException.class, f -> f.i(2, 2).fill(Double.NaN),
                "fill: NaN is not an INT32 value", "for the 2×2 INT32 tensor [{be}]");
        add("Tensor.fill", CLOSED, TensorClosedException.class, f -> f.closedView(2, 2).fill(1),
                "fill: tensor 2×2 FLOAT32 [{be}] is closed");
        add("Tensor.add", CLOSED, TensorClosedException.class, f -> f.t(3, 4).add(f.closedView(3, 4)),
                "add: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.toFloatArray", CLOSED, TensorClosedException.class, f -> f.closedView(3, 4).toFloatArray(),
                "toFloatArray: tensor 3×4 FLOAT32 [{be}] is closed");

        // indexing: gatherRows, scatterAddRows, oneHot
        add("Tensor.gatherRows", INDEX, IndexOutOfRangeException.class, f -> f.t(5, 3).gatherRows(f.ints(0, 4, 5)),
                "gatherRows: index 5 at position 2 of 1×3 is outside [0, 5), the rows of source 5×3 [{be}]");
        add("Tensor.gatherRows", INDEX, IndexOutOfRangeException.class, f -> f.t(5, 3).gatherRows(f.ints(-1)),
                "gatherRows: index -1 at position 0 of 1×1 is outside [0, 5), the rows of source 5×3 [{be}]");
        add("Tensor.gatherRows", INDEX, IndexOutOfRangeException.class, f -> f.view(2, 3).gatherRows(f.ints(2)),
                "gatherRows: index 2 at position 0 of 1×1 is outside [0, 2), the rows of source 2×3 [{be}]");
        // indices computed on the device (their bounds unknown to core): read back and checked, never clamped
        add("Tensor.gatherRows", INDEX, IndexOutOfRangeException.class, f -> {
            Tensor sevens = f.own(f.be().full(1, 2, 7.5).detach());
            f.t(5, 3).gatherRows(f.own(sevens.cast(DType.INT32).detach()));
        }, "gatherRows: index 7 at position 0 of 1×2 is outside [0, 5), the rows of source 5×3 [{be}]");
        add("Tensor.gatherRows", DTYPE, DTypeMismatchException.class, f -> f.t(5, 3).gatherRows(f.t(1, 3)),
                "gatherRows: indices 1×3 must be INT32, got FLOAT32 [{be}]");
        add("Tensor.gatherRows", SHAPE, ShapeMismatchException.class, f -> f.t(5, 3).gatherRows(f.i(2, 2)),
                "gatherRows: indices must be a vector (1×n or n×1), got 2×2 [{be}]");
        add("Tensor.gatherRows", MIXED, BackendMismatchException.class,
                f -> f.t(5, 3).gatherRows(f.intsOnOther(0, 1)),
                "gatherRows: tensor 1×2 lives on {other}, but this op runs on {be}");
        add("Tensor.gatherRows", CLOSED, TensorClosedException.class, f -> f.closedView(5, 3).gatherRows(f.ints(0)),
                "gatherRows: tensor 5×3 FLOAT32 [{be}] is closed");
        add("Tensor.gatherRows", NULL, InvalidArgumentException.class, f -> f.t(5, 3).gatherRows(null),
                "gatherRows: a tensor argument is null [{be}]");
        add("Tensor.scatterAddRows", DTYPE, UnsupportedDTypeException.class,
                f -> f.i(2, 3).scatterAddRows(f.ints(0, 1), 4), needsFloat("scatterAddRows", "2×3"));
        add("Tensor.scatterAddRows", DTYPE, DTypeMismatchException.class,
                f -> f.t(2, 3).scatterAddRows(f.t(1, 2), 4),
                "scatterAddRows: indices 1×2 must be INT32, got FLOAT32 [{be}]");
        add("Tensor.scatterAddRows", INDEX, IndexOutOfRangeException.class,
                f -> f.t(2, 3).scatterAddRows(f.ints(0, 4), 4),
                "scatterAddRows: index 4 at position 1 of 1×2 is outside [0, 4), the rows of accumulator 4×3 [{be}]");
        add("Tensor.scatterAddRows", SHAPE, ShapeMismatchException.class,
                f -> f.t(2, 3).scatterAddRows(f.ints(0, 1, 2), 4),
                "scatterAddRows: source 2×3 needs 3 rows (one per index) and the accumulator's 3 columns [{be}]");
        add("Tensor.scatterAddRows", NEGATIVE, InvalidShapeException.class,
                f -> f.t(2, 3).scatterAddRows(f.ints(0, 1), -1),
                "scatterAddRows: dimensions must be ≥ 0, got -1×3 [{be}]");
        add("Tensor.scatterAddRows", CLOSED, TensorClosedException.class,
                f -> f.closedView(2, 3).scatterAddRows(f.ints(0, 1), 4),
                "scatterAddRows: tensor 2×3 FLOAT32 [{be}] is closed");
        add("Tensor.scatterAddRows", NULL, InvalidArgumentException.class, f -> f.t(2, 3).scatterAddRows(null, 4),
                "scatterAddRows: a tensor argument is null [{be}]");
        add("Tensor.scatterAddRows", MIXED, BackendMismatchException.class,
                f -> f.t(2, 3).scatterAddRows(f.intsOnOther(0, 1), 4),
                "scatterAddRows: tensor 1×2 lives on {other}, but this op runs on {be}");
        add("Tensor.argmaxRows", SHAPE, InvalidShapeException.class, f -> f.t(3, 0).argmaxRows(),
                "argmaxRows: 3×0 has rows without columns; their argmax is undefined [{be}]");
        add("Tensor.oneHot", DTYPE, DTypeMismatchException.class, f -> f.t(1, 3).oneHot(4),
                "oneHot: labels 1×3 must be INT32, got FLOAT32 [{be}]");
        add("Tensor.oneHot", SHAPE, ShapeMismatchException.class, f -> f.i(2, 2).oneHot(4),
                "oneHot: labels must be a vector (1×n or n×1), got 2×2 [{be}]");
        add("Tensor.oneHot", INDEX, IndexOutOfRangeException.class, f -> f.ints(0, 3).oneHot(3),
                "oneHot: label 3 at position 1 of 1×2 is outside [0, 3), the classes (columns) of output 2×3 [{be}]");
        add("Tensor.oneHot", INDEX, IndexOutOfRangeException.class, f -> f.ints(-1).oneHot(3, DType.FLOAT64),
                "oneHot: label -1 at position 0 of 1×1 is outside [0, 3), the classes (columns) of output 1×3 [{be}]");
        add("Tensor.oneHot", NEGATIVE, InvalidShapeException.class, f -> f.ints(0).oneHot(-1),
                "oneHot: dimensions must be ≥ 0, got 1×-1 [{be}]");
        add("Tensor.oneHot", HUGE, InvalidShapeException.class, f -> f.ints(0).oneHot(Integer.MAX_VALUE),
                "oneHot: 1×2147483647 FLOAT32 has 2147483647 elements, more than one buffer of {be} can hold");
        add("Tensor.oneHot", DTYPE, UnsupportedDTypeException.class, f -> f.ints(0, 1).oneHot(2, DType.INT32),
                needsFloat("oneHot", "2×2"));
        add("Tensor.oneHot", NULL, InvalidArgumentException.class, f -> f.ints(0).oneHot(2, null),
                "oneHot: dtype is null [{be}]");
        add("Tensor.oneHot", CLOSED, TensorClosedException.class, f -> {
            Tensor labels = f.ints(0, 1);
            labels.close();
            labels.oneHot(2);
        }, "oneHot: tensor 1×2 INT32 [{be}] is closed");

        // layout: transpose, broadcastTo, concatenation
        add("Tensor.transpose", CLOSED, TensorClosedException.class, f -> f.closed(3, 4).transpose(),
                "transpose: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.transpose", CLOSED, TensorClosedException.class, f -> f.closedView(3, 4).transpose(),
                "transpose: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Tensor.broadcastTo", SHAPE, ShapeMismatchException.class, f -> f.t(2, 3).broadcastTo(4, 3),
                "broadcastTo: 2×3 cannot be broadcast to 4×3 (each dimension must be equal or 1) [{be}]");
        add("Tensor.broadcastTo", SHAPE, ShapeMismatchException.class, f -> f.t(1, 3).broadcastTo(4, 6),
                "broadcastTo: 1×3 cannot be broadcast to 4×6 (each dimension must be equal or 1) [{be}]");
        add("Tensor.broadcastTo", NEGATIVE, InvalidShapeException.class, f -> f.t(1, 3).broadcastTo(-1, 3),
                "broadcastTo: dimensions must be ≥ 0, got -1×3 [{be}]");
        add("Tensor.broadcastTo", HUGE, InvalidShapeException.class, f -> f.t(1, 1).broadcastTo(100_000, 100_000),
                "broadcastTo: 100000×100000 FLOAT32 has 10000000000 elements, more than one buffer of {be} can hold");
        add("Tensor.broadcastTo", CLOSED, TensorClosedException.class, f -> f.closedView(1, 3).broadcastTo(2, 3),
                "broadcastTo: tensor 1×3 FLOAT32 [{be}] is closed");
        concatenations();
    }

    private void concatenations() {
        for (String name : new String[]{"concatRows", "concatColumns"}) {
            boolean rows = name.equals("concatRows");
            Function<Tensor[], Tensor> op = rows ? Tensor::concatRows : Tensor::concatColumns;
            String o = "Tensor." + name;
            add(o, ARGUMENT, InvalidArgumentException.class, f -> op.apply(new Tensor[0]),
                    name + ": there are no parts to concatenate");
            add(o, NULL, InvalidArgumentException.class, f -> op.apply(null),
                    name + ": there are no parts to concatenate");
            add(o, NULL, InvalidArgumentException.class, f -> op.apply(new Tensor[]{null, f.t(2, 3)}),
                    name + ": a tensor argument is null [{be}]");
            add(o, NULL, InvalidArgumentException.class, f -> op.apply(new Tensor[]{f.t(2, 3), null}),
                    name + ": a tensor argument is null [{be}]");
            add(o, SHAPE, ShapeMismatchException.class,
                    f -> op.apply(new Tensor[]{f.t(2, 3), rows ? f.t(2, 4) : f.t(3, 3)}),
                    rows ? "concatRows: every part needs 3 columns, got [2×3, 2×4] [{be}]"
                            : "concatColumns: every part needs 2 rows, got [2×3, 3×3] [{be}]");
            add(o, DTYPE, DTypeMismatchException.class, f -> op.apply(new Tensor[]{f.t(2, 3), f.d(2, 3)}),
                    name + ": dtypes differ: " + (rows ? "4×3" : "2×6") + " is FLOAT32, 2×3 is FLOAT64 [{be}]");
            add(o, MIXED, BackendMismatchException.class, f -> op.apply(new Tensor[]{f.t(2, 3), f.onOther(2, 3)}),
                    name + ": tensor 2×3 lives on {other}, but this op runs on {be}");
            add(o, CLOSED, TensorClosedException.class, f -> op.apply(new Tensor[]{f.t(2, 3), f.closedView(2, 3)}),
                    name + ": tensor 2×3 FLOAT32 [{be}] is closed");
            add(o, CLOSED, TensorClosedException.class, f -> op.apply(new Tensor[]{f.closed(2, 3), f.t(2, 3)}),
                    name + ": tensor 2×3 FLOAT32 [{be}] is closed");
        }
    }

    /** INT32 factories. */
    private void intFactories() {
        add("Backend.fromInts", NULL, InvalidArgumentException.class, f -> f.be().fromInts((int[]) null),
                "fromInts: the data array is null [{be}]");
        add("Backend.fromInts", CLOSED_BACKEND, BackendClosedException.class, f -> f.closedBackend().fromInts(1, 2),
                "fromInts: backend {be} is closed");
        add("Backend.fromArray", SHAPE, InvalidArgumentException.class, f -> f.be().fromArray(new int[5], 2, 3),
                "fromArray: 5 values cannot fill a 2×3 tensor (needs 6) [{be}]");
        add("Backend.fromArray", NULL, InvalidArgumentException.class, f -> f.be().fromArray((int[]) null, 2, 3),
                "fromArray: the data array is null [{be}]");
        add("Backend.fromArray", ARGUMENT, InvalidArgumentException.class,
                f -> f.be().fromArray(new double[]{1, 2.5}, 1, 2, DType.INT32),
                "fromArray: element 1 = 2.5 is not an INT32 value (an integer in [-2147483648, 2147483647]) [{be}]");
        add("Backend.full", ARGUMENT, InvalidArgumentException.class, f -> f.be().full(2, 2, 0.5, DType.INT32),
                "full: 0.5 is not an INT32 value (an integer in [-2147483648, 2147483647]) for the 2×2 INT32 tensor "
                        + "[{be}]");
    }

    /** Ops' explicit-output forms of the issue-13 ops. */
    private void layoutAndIndexingOps() {
        add("Ops.transpose", SHAPE, ShapeMismatchException.class, f -> f.be().ops().transpose(f.t(3, 4), f.t(3, 4)),
                "transpose: input 3×4 needs a 4×3 output, got 3×4 [{be}]");
        add("Ops.transpose", DTYPE, DTypeMismatchException.class, f -> f.be().ops().transpose(f.t(3, 4), f.d(4, 3)),
                "transpose: dtypes differ: 3×4 is FLOAT32, 4×3 is FLOAT64 [{be}]");
        add("Ops.transpose", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor x = f.t(3, 3);
            f.be().ops().transpose(x, x);
        }, "transpose: out and x are the same buffer; out must have a buffer of its own [{be}]");
        add("Ops.transpose", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor base = f.t(4, 3);
            f.be().ops().transpose(base.sliceRows(0, 3), base.sliceRows(1, 4));
        }, "transpose: out and x are the same buffer (overlapping views); out must have a buffer of its own [{be}]");
        add("Ops.transpose", MIXED, BackendMismatchException.class,
                f -> f.be().ops().transpose(f.onOther(3, 4), f.t(4, 3)),
                "transpose: tensor 3×4 lives on {other}, but this op runs on {be}");
        add("Ops.transpose", NULL, InvalidArgumentException.class, f -> f.be().ops().transpose(f.t(3, 4), null),
                "transpose: a tensor argument is null [{be}]");

        add("Ops.broadcastTo", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().broadcastTo(f.t(3, 1), f.t(4, 2)),
                "broadcastTo: 3×1 cannot be broadcast to 4×2 (each dimension must be equal or 1) [{be}]");
        add("Ops.broadcastTo", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().broadcastTo(f.t(1, 3), f.d(4, 3)),
                "broadcastTo: dtypes differ: 1×3 is FLOAT32, 4×3 is FLOAT64 [{be}]");
        add("Ops.broadcastTo", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor x = f.t(1, 3);
            f.be().ops().broadcastTo(x, x);
        }, "broadcastTo: out and x are the same buffer; out must have a buffer of its own [{be}]");
        add("Ops.broadcastTo", NULL, InvalidArgumentException.class, f -> f.be().ops().broadcastTo(null, f.t(2, 2)),
                "broadcastTo: a tensor argument is null [{be}]");
        add("Ops.broadcastTo", MIXED, BackendMismatchException.class,
                f -> f.be().ops().broadcastTo(f.onOther(1, 3), f.t(2, 3)),
                "broadcastTo: tensor 1×3 lives on {other}, but this op runs on {be}");

        for (String name : new String[]{"concatRows", "concatColumns"}) {
            boolean rows = name.equals("concatRows");
            String o = "Ops." + name;
            java.util.function.BiConsumer<List<Tensor>, Tensor> op = (parts, out) -> {
                if (rows) {
                    parts.get(0).backend().ops().concatRows(parts, out);
                } else {
                    parts.get(0).backend().ops().concatColumns(parts, out);
                }
            };
            add(o, NULL, InvalidArgumentException.class, f -> {
                if (rows) {
                    f.be().ops().concatRows(null, f.t(2, 2));
                } else {
                    f.be().ops().concatColumns(null, f.t(2, 2));
                }
            }, name + ": the list of parts is null [{be}]");
            add(o, ARGUMENT, InvalidArgumentException.class, f -> {
                if (rows) {
                    f.be().ops().concatRows(List.of(), f.t(2, 2));
                } else {
                    f.be().ops().concatColumns(List.of(), f.t(2, 2));
                }
            }, name + ": there are no parts to concatenate [{be}]");
            add(o, NULL, InvalidArgumentException.class, f -> op.accept(Arrays.asList(f.t(2, 3), null), f.t(4, 3)),
                    name + ": a tensor argument is null [{be}]");
            add(o, SHAPE, ShapeMismatchException.class,
                    f -> op.accept(List.of(f.t(2, 3), f.t(2, 3)), rows ? f.t(5, 3) : f.t(2, 5)),
                    rows ? "concatRows: parts [2×3, 2×3] have 4 rows in all, the output 5×3 has 5 [{be}]"
                            : "concatColumns: parts [2×3, 2×3] have 6 columns in all, the output 2×5 has 5 [{be}]");
            add(o, ARGUMENT, InvalidArgumentException.class, f -> {
                Tensor base = f.t(4, 3);
                op.accept(List.of(base.sliceRows(0, 2)), base.sliceRows(1, 3));
            }, name + ": out and part are the same buffer (overlapping views); out must have a buffer of its own [{be}]");
            add(o, DTYPE, DTypeMismatchException.class, f -> op.accept(List.of(f.t(2, 3)), f.d(2, 3)),
                    name + ": dtypes differ: 2×3 is FLOAT64, 2×3 is FLOAT32 [{be}]");
        }

        add("Ops.cast", SHAPE, ShapeMismatchException.class, f -> f.be().ops().cast(f.t(3, 4), f.i(4, 3)),
                "cast: source 3×4 and output 4×3 must have the same shape [{be}]");
        add("Ops.cast", SHAPE, ShapeMismatchException.class, f -> f.be().ops().cast(f.t(3, 4), f.t(4, 3)),
                "cast: source 3×4 and destination 4×3 must have the same shape [{be}]");
        add("Ops.cast", MIXED, BackendMismatchException.class, f -> f.be().ops().cast(f.onOther(3, 4), f.i(3, 4)),
                "cast: tensor 3×4 lives on {other}, but this op runs on {be}");
        add("Ops.cast", NULL, InvalidArgumentException.class, f -> f.be().ops().cast(f.t(3, 4), null),
                "cast: a tensor argument is null [{be}]");
        add("Ops.cast", CLOSED, TensorClosedException.class, f -> f.be().ops().cast(f.closedView(3, 4), f.i(3, 4)),
                "cast: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Ops.cast", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor base = f.t(3, 4);
            f.be().ops().cast(base.sliceRows(1, 3), base.sliceRows(0, 2));
        }, "cast: source 2×4 FLOAT32 (from element 4) and destination 2×4 (from element 0) are views that overlap "
                + "without being the same elements", "[{be}]");

        add("Ops.gatherRows", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().gatherRows(f.t(5, 3), f.ints(0, 1, 2), f.t(3, 4)),
                "gatherRows: input 5×3 needs a 3×3 output, got 3×4 [{be}]");
        add("Ops.gatherRows", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().gatherRows(f.t(5, 3), f.ints(0, 1, 2), f.d(3, 3)),
                "gatherRows: dtypes differ: 5×3 is FLOAT32, 3×3 is FLOAT64 [{be}]");
        add("Ops.gatherRows", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor x = f.t(3, 3);
            f.be().ops().gatherRows(x, f.ints(0, 1, 2), x);
        }, "gatherRows: out and src are the same buffer; out must have a buffer of its own [{be}]");
        add("Ops.gatherRows", INDEX, IndexOutOfRangeException.class,
                f -> f.be().ops().gatherRows(f.t(2, 3), f.ints(2), f.t(1, 3)),
                "gatherRows: index 2 at position 0 of 1×1 is outside [0, 2), the rows of source 2×3 [{be}]");
        add("Ops.gatherRows", NULL, InvalidArgumentException.class,
                f -> f.be().ops().gatherRows(f.t(2, 3), null, f.t(1, 3)), "gatherRows: a tensor argument is null [{be}]");

        add("Ops.scatterAddRows", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor x = f.t(2, 3);
            f.be().ops().scatterAddRows(x, f.ints(0, 1), x);
        }, "scatterAddRows: dst and src are the same buffer; dst must have a buffer of its own [{be}]");
        add("Ops.scatterAddRows", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().scatterAddRows(f.t(2, 3), f.ints(0, 1), f.d(4, 3)),
                "scatterAddRows: dtypes differ: 2×3 is FLOAT32, 4×3 is FLOAT64 [{be}]");
        add("Ops.scatterAddRows", DTYPE, UnsupportedDTypeException.class,
                f -> f.be().ops().scatterAddRows(f.i(2, 3), f.ints(0, 1), f.i(4, 3)),
                needsFloat("scatterAddRows", "2×3"));
        add("Ops.scatterAddRows", INDEX, IndexOutOfRangeException.class,
                f -> f.be().ops().scatterAddRows(f.t(1, 3), f.ints(-2), f.t(4, 3)),
                "scatterAddRows: index -2 at position 0 of 1×1 is outside [0, 4), the rows of accumulator 4×3 [{be}]");
        add("Ops.scatterAddRows", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().scatterAddRows(f.t(2, 3), f.i(2, 2), f.t(4, 3)),
                "scatterAddRows: indices must be a vector (1×n or n×1), got 2×2 [{be}]");

        add("Ops.argmaxRows", DTYPE, DTypeMismatchException.class, f -> f.be().ops().argmaxRows(f.t(3, 4), f.t(3, 1)),
                "argmaxRows: output 3×1 must be INT32, got FLOAT32 [{be}]");
        add("Ops.argmaxRows", DTYPE, UnsupportedDTypeException.class,
                f -> f.be().ops().argmaxRows(f.i(3, 4), f.i(3, 1)), needsFloat("argmaxRows", "3×4"));
        add("Ops.argmaxRows", SHAPE, ShapeMismatchException.class, f -> f.be().ops().argmaxRows(f.t(3, 4), f.i(1, 3)),
                "argmaxRows: input 3×4 needs a 3×1 output, got 1×3 [{be}]");
        add("Ops.argmaxRows", NULL, InvalidArgumentException.class, f -> f.be().ops().argmaxRows(f.t(3, 4), null),
                "argmaxRows: a tensor argument is null [{be}]");

        add("Ops.oneHot", SHAPE, ShapeMismatchException.class, f -> f.be().ops().oneHot(f.ints(0, 1, 2), f.t(2, 4)),
                "oneHot: 3 labels need 3 output rows, got 2×4 [{be}]");
        add("Ops.oneHot", DTYPE, UnsupportedDTypeException.class, f -> f.be().ops().oneHot(f.ints(0, 1), f.i(2, 3)),
                needsFloat("oneHot", "2×3"));
        add("Ops.oneHot", DTYPE, DTypeMismatchException.class, f -> f.be().ops().oneHot(f.t(1, 2), f.t(2, 3)),
                "oneHot: labels 1×2 must be INT32, got FLOAT32 [{be}]");
        add("Ops.oneHot", INDEX, IndexOutOfRangeException.class, f -> f.be().ops().oneHot(f.ints(0, -1), f.t(2, 3)),
                "oneHot: label -1 at position 1 of 1×2 is outside [0, 3), the classes (columns) of output 2×3 [{be}]");
        add("Ops.oneHot", MIXED, BackendMismatchException.class, f -> f.be().ops().oneHot(f.intsOnOther(0), f.t(1, 2)),
                "oneHot: tensor 1×1 lives on {other}, but this op runs on {be}");

        add("Ops.compare", NULL, InvalidArgumentException.class,
                f -> f.be().ops().compare(null, f.t(3, 4), f.t(3, 4), Broadcast.NONE, f.i(3, 4)),
                "compare: comparison is null [{be}]");
        add("Ops.compare", NULL, InvalidArgumentException.class,
                f -> f.be().ops().compare(CompareOp.GT, f.t(3, 4), f.t(3, 4), null, f.i(3, 4)),
                "gt: broadcast is null [{be}]");
        add("Ops.compare", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().compare(CompareOp.GT, f.t(3, 4), f.t(3, 4), Broadcast.NONE, f.t(3, 4)),
                "gt: output 3×4 must be INT32, got FLOAT32 [{be}]");
        add("Ops.compare", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().compare(CompareOp.LT, f.t(3, 4), f.t(1, 3), Broadcast.ROW, f.i(3, 4)),
                "lt: 3×4 and 1×3: the second operand must be a 1×4 row vector [{be}]");
        add("Ops.compare", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().compare(CompareOp.GE, f.t(3, 4), f.t(3, 1), Broadcast.COLUMN, f.i(4, 3)),
                "ge: input 3×4 and output 4×3 must have the same shape [{be}]");
        add("Ops.compare", ARGUMENT, InvalidArgumentException.class, f -> {
            Tensor a = f.i(3, 4);
            f.be().ops().compare(CompareOp.EQ, a, f.i(3, 4), Broadcast.NONE, a);
        }, "eq: out and a are the same buffer; out must have a buffer of its own [{be}]");
        add("Ops.compare", MIXED, BackendMismatchException.class,
                f -> f.be().ops().compare(CompareOp.NE, f.t(3, 4), f.onOther(3, 4), Broadcast.NONE, f.i(3, 4)),
                "ne: tensor 3×4 lives on {other}, but this op runs on {be}");

        add("Ops.where", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().where(f.t(2, 2), f.t(2, 2), f.t(2, 2), f.t(2, 2)),
                "where: mask 2×2 must be INT32, got FLOAT32 [{be}]");
        add("Ops.where", SHAPE, ShapeMismatchException.class,
                f -> f.be().ops().where(f.i(2, 2), f.t(2, 2), f.t(2, 2), f.t(1, 4)),
                "where: mask 2×2 and output 1×4 must have the same shape [{be}]");
        add("Ops.where", NULL, InvalidArgumentException.class,
                f -> f.be().ops().where(null, f.t(2, 2), f.t(2, 2), f.t(2, 2)),
                "where: a tensor argument is null [{be}]");
        add("Ops.where", MIXED, BackendMismatchException.class,
                f -> f.be().ops().where(f.i(2, 2), f.t(2, 2), f.onOther(2, 2), f.t(2, 2)),
                "where: tensor 2×2 lives on {other}, but this op runs on {be}");
        add("Ops.where", CLOSED, TensorClosedException.class,
                f -> f.be().ops().where(f.i(2, 2), f.t(2, 2), f.t(2, 2), f.closedView(2, 2)),
                "where: tensor 2×2 FLOAT32 [{be}] is closed");
    }

    // ---- Tensor.sliceColumns and Ops.sliceColumns ----------------------------------------------------------------------

    private void sliceColumns() {
        add("Tensor.sliceColumns", SHAPE, InvalidShapeException.class, f -> f.t(3, 4).sliceColumns(3, 5),
                "sliceColumns: columns [3, 5) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 4) [{be}]");
        add("Tensor.sliceColumns", SHAPE, InvalidShapeException.class, f -> f.t(3, 4).sliceColumns(2, 1),
                "sliceColumns: columns [2, 1) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 4) [{be}]");
        add("Tensor.sliceColumns", NEGATIVE, InvalidShapeException.class, f -> f.t(3, 4).sliceColumns(-1, 2),
                "sliceColumns: columns [-1, 2) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 4) [{be}]");
        add("Tensor.sliceColumns", CLOSED, TensorClosedException.class, f -> f.closedView(3, 4).sliceColumns(0, 1),
                "sliceColumns: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Ops.sliceColumns", SHAPE, InvalidShapeException.class, f -> f.be().ops().sliceColumns(f.t(3, 4), 2, f.t(3, 3)),
                "sliceColumns: columns [2, 5) of 3×4 into 3×3 are not a column range of the input with its rows [{be}]");
        add("Ops.sliceColumns", SHAPE, InvalidShapeException.class, f -> f.be().ops().sliceColumns(f.t(3, 4), 0, f.t(2, 2)),
                "sliceColumns: columns [0, 2) of 3×4 into 2×2 are not a column range of the input with its rows [{be}]");
        add("Ops.sliceColumns", DTYPE, DTypeMismatchException.class,
                f -> f.be().ops().sliceColumns(f.t(3, 4), 0, f.d(3, 2)),
                "sliceColumns: dtypes differ: 3×4 is FLOAT32, 3×2 is FLOAT64 [{be}]");
        add("Ops.sliceColumns", MIXED, BackendMismatchException.class,
                f -> f.be().ops().sliceColumns(f.onOther(3, 4), 0, f.t(3, 2)),
                "sliceColumns: tensor 3×4 lives on {other}, but this op runs on {be}");
        add("Ops.sliceColumns", NULL, InvalidArgumentException.class, f -> f.be().ops().sliceColumns(null, 0, f.t(3, 2)),
                "sliceColumns: a tensor argument is null [{be}]");
        add("Ops.sliceColumns", CLOSED, TensorClosedException.class,
                f -> f.be().ops().sliceColumns(f.t(3, 4), 0, f.closedView(3, 2)),
                "sliceColumns: tensor 3×2 FLOAT32 [{be}] is closed");
    }

    // ---- autograd: Var and Graph ------------------------------------------------------------------------------------

    /** An open recording graph on the backend under test, closed with the fixture. */
    private static Graph graph(BadInputFixture f) {
        return f.own(Graph.record(f.be()));
    }

    /** A parameter over a FLOAT32 rows × cols tensor of the fixture. */
    private static Var param(BadInputFixture f, int rows, int cols) {
        return f.own(Var.parameter(f.t(rows, cols)));
    }

    /** A parameter whose tensor is closed. */
    private static Var closedParam(BadInputFixture f, int rows, int cols) {
        Tensor t = f.t(rows, cols);
        Var v = f.own(Var.parameter(t));
        t.close();
        return v;
    }

    private void autograd() {
        String closedLeaf = ": the value of leaf 3×4 FLOAT32 is closed (its graph was closed, or its tensor) [{be}]";
        // ops of one Var: outside any graph, and on a closed value
        Map<String, Function<Var, Var>> unary = new LinkedHashMap<>();
        unary.put("exp", Var::exp);
        unary.put("log", Var::log);
        unary.put("sigmoid", Var::sigmoid);
        unary.put("tanh", Var::tanh);
        unary.put("relu", Var::relu);
        unary.put("sqrt", Var::sqrt);
        unary.put("square", Var::square);
        unary.put("neg", Var::neg);
        unary.put("abs", Var::abs);
        unary.put("pow", v -> v.pow(2));
        unary.put("clamp", v -> v.clamp(0, 1));
        unary.put("rsub", v -> v.rsub(1));
        unary.put("add", v -> v.add(1.0));
        unary.put("mul", v -> v.mul(2.0));
        unary.put("sum", Var::sum);
        unary.put("mean", Var::mean);
        unary.put("sumRows", Var::sumRows);
        unary.put("sumColumns", Var::sumColumns);
        unary.put("meanRows", Var::meanRows);
        unary.put("maxRows", Var::maxRows);
        unary.put("transpose", Var::transpose);
        unary.put("reshape", v -> v.reshape(4, 3));
        unary.put("sliceRows", v -> v.sliceRows(0, 1));
        unary.put("sliceColumns", v -> v.sliceColumns(0, 1));
        unary.put("broadcastTo", v -> v.broadcastTo(3, 4));
        unary.put("softmaxRows", Var::softmaxRows);
        unary.forEach((name, op) -> {
            add("Var." + name, ARGUMENT, AutogradException.class, f -> op.apply(param(f, 3, 4)),
                    name + ": autograd ops run inside a graph", "[{be}]");
            add("Var." + name, CLOSED, TensorClosedException.class, f -> {
                graph(f);
                op.apply(closedParam(f, 3, 4));
            }, name + closedLeaf);
        });
        // shape checks come from the Tensor API, named by the op
        add("Var.reshape", SHAPE, InvalidShapeException.class, f -> {
            graph(f);
            param(f, 3, 4).reshape(5, 3);
        }, "reshape: 3×4 has 12 elements, which cannot be 5×3 [{be}]");
        add("Var.sliceRows", SHAPE, InvalidShapeException.class, f -> {
            graph(f);
            param(f, 3, 4).sliceRows(0, 4);
        }, "sliceRows: rows [0, 4) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 3) [{be}]");
        add("Var.sliceColumns", SHAPE, InvalidShapeException.class, f -> {
            graph(f);
            param(f, 3, 4).sliceColumns(1, 5);
        }, "sliceColumns: columns [1, 5) are not a range inside 3×4 (0 ≤ from ≤ to ≤ 4) [{be}]");
        add("Var.clamp", ARGUMENT, InvalidArgumentException.class, f -> {
            graph(f);
            param(f, 3, 4).clamp(1, 0);
        }, "clamp: the bounds [1.0, 0.0] are not lo ≤ hi [{be}]");
        add("Var.sigmoid", DTYPE, UnsupportedDTypeException.class, f -> {
            graph(f);
            Var.constant(f.i(3, 4)).sigmoid();
        }, needsFloat("sigmoid", "3×4"));

        // ops of two Vars: null, mixed backends, shapes
        Map<String, BiFunction<Var, Var, Var>> binary = new LinkedHashMap<>();
        binary.put("add", Var::add);
        binary.put("sub", Var::sub);
        binary.put("mul", Var::mul);
        binary.put("div", Var::div);
        binary.put("matmul", Var::matmul);
        binary.put("matmulTransB", Var::matmulTransB);
        binary.put("addRowVector", Var::addRowVector);
        binary.put("mulRowVector", Var::mulRowVector);
        binary.put("subColumnVector", Var::subColumnVector);
        binary.put("divColumnVector", Var::divColumnVector);
        binary.put("mulColumnVector", Var::mulColumnVector);
        binary.put("concatRows", (a, b) -> Var.concatRows(a, b));
        binary.put("concatColumns", (a, b) -> Var.concatColumns(a, b));
        binary.forEach((name, op) -> {
            add("Var." + name, NULL, InvalidArgumentException.class, f -> {
                graph(f);
                op.apply(param(f, 3, 4), null);
            }, name + ": a Var argument is null [{be}]");
            add("Var." + name, MIXED, BackendMismatchException.class, f -> {
                graph(f);
                op.apply(param(f, 3, 4), Var.constant(f.onOther(3, 4)));
            }, name + ": leaf 3×4 FLOAT32 lives on {other}, but this op runs on {be}");
            add("Var." + name, ARGUMENT, AutogradException.class, f -> op.apply(param(f, 3, 4), param(f, 3, 4)),
                    name + ": autograd ops run inside a graph", "[{be}]");
        });
        binary.forEach((name, op) -> {
            if (!name.startsWith("concat")) {
                add("Var." + name, SHAPE, ShapeMismatchException.class, f -> {
                    graph(f);
                    op.apply(param(f, 3, 4), param(f, 2, 5));
                }, name + ": ", "[{be}]");
            }
        });
        add("Var.concatRows", SHAPE, ShapeMismatchException.class, f -> {
            graph(f);
            Var.concatRows(param(f, 3, 4), param(f, 2, 5));
        }, "concatRows: ", "[{be}]");
        add("Var.concatColumns", SHAPE, ShapeMismatchException.class, f -> {
            graph(f);
            Var.concatColumns(param(f, 3, 4), param(f, 2, 5));
        }, "concatColumns: ", "[{be}]");
        add("Var.concatRows", ARGUMENT, InvalidArgumentException.class, f -> {
            graph(f);
            Var.concatRows();
        }, "concatRows: there are no parts to concatenate [{be}]");

        // the fused dense layer
        add("Var.linear", SHAPE, ShapeMismatchException.class, f -> {
            graph(f);
            param(f, 5, 3).linear(param(f, 4, 2), param(f, 1, 2), Activation.TANH);
        }, "linear: x 5×3, w 4×2 and b 1×2 do not fit: x is n × in, w in × out, b 1 × out [{be}]");
        add("Var.linear", SHAPE, ShapeMismatchException.class, f -> {
            graph(f);
            param(f, 5, 3).linear(param(f, 3, 2), param(f, 2, 1), Activation.TANH);
        }, "linear: x 5×3, w 3×2 and b 2×1 do not fit", "[{be}]");
        add("Var.linear", ARGUMENT, InvalidArgumentException.class, f -> {
            graph(f);
            param(f, 5, 3).linear(param(f, 3, 2), param(f, 1, 2), Activation.SOFTMAX);
        }, "linear: the activation must be SIGMOID, TANH, RELU or IDENTITY, got SOFTMAX", "[{be}]");
        add("Var.linear", NULL, InvalidArgumentException.class, f -> {
            graph(f);
            param(f, 5, 3).linear(param(f, 3, 2), null, Activation.TANH);
        }, "linear: a Var argument is null [{be}]");
        add("Var.linear", DTYPE, DTypeMismatchException.class, f -> {
            graph(f);
            param(f, 5, 3).linear(f.own(Var.parameter(f.d(3, 2))), param(f, 1, 2), Activation.TANH);
        }, "linear: dtypes differ: x FLOAT32, w FLOAT64, b FLOAT32 [{be}]");
        add("Var.linearTransB", SHAPE, ShapeMismatchException.class, f -> {
            graph(f);
            param(f, 5, 3).linearTransB(param(f, 3, 2), param(f, 1, 2), Activation.TANH);
        }, "linearTransB: x 5×3, w 3×2 and b 1×2 do not fit: x is n × in, w out × in, b 1 × out [{be}]");
        add("Var.linearTransB", SHAPE, ShapeMismatchException.class, f -> {
            graph(f);
            param(f, 5, 3).linearTransB(param(f, 2, 3), param(f, 1, 3), Activation.RELU);
        }, "linearTransB: x 5×3, w 2×3 and b 1×3 do not fit", "[{be}]");
        add("Var.linearTransB", ARGUMENT, InvalidArgumentException.class, f -> {
            graph(f);
            param(f, 5, 3).linearTransB(param(f, 2, 3), param(f, 1, 2), null);
        }, "linearTransB: the activation must be SIGMOID, TANH, RELU or IDENTITY, got null", "[{be}]");
        add("Var.linearTransB", NULL, InvalidArgumentException.class, f -> {
            graph(f);
            param(f, 5, 3).linearTransB(null, param(f, 1, 2), Activation.TANH);
        }, "linearTransB: a Var argument is null [{be}]");
        add("Var.linearTransB", DTYPE, DTypeMismatchException.class, f -> {
            graph(f);
            param(f, 5, 3).linearTransB(param(f, 2, 3), f.own(Var.parameter(f.d(1, 2))), Activation.TANH);
        }, "linearTransB: dtypes differ: x FLOAT32, w FLOAT32, b FLOAT64 [{be}]");

        // ops taking tensors: indices, masks, targets
        add("Var.gatherRows", NULL, InvalidArgumentException.class, f -> {
            graph(f);
            param(f, 3, 4).gatherRows(null);
        }, "gatherRows: a tensor argument is null [{be}]");
        add("Var.gatherRows", INDEX, IndexOutOfRangeException.class, f -> {
            graph(f);
            param(f, 3, 4).gatherRows(f.ints(0, 3));
        }, "gatherRows: ", "[{be}]");
        add("Var.where", NULL, InvalidArgumentException.class, f -> {
            graph(f);
            Var.where(null, param(f, 3, 4), param(f, 3, 4));
        }, "where: a tensor argument is null [{be}]");
        add("Var.where", SHAPE, ShapeMismatchException.class, f -> {
            graph(f);
            Var.where(f.i(4, 3), param(f, 3, 4), param(f, 3, 4));
        }, "where: mask 4×3 and first operand 3×4 must have the same shape [{be}]");
        add("Var.where", NULL, InvalidArgumentException.class, f -> {
            graph(f);
            Var.where(f.i(3, 4), param(f, 3, 4), null);
        }, "where: a Var argument is null [{be}]");
        Map<String, BiFunction<Var, Tensor, Var>> losses = new LinkedHashMap<>();
        losses.put("crossEntropyWithLogits", Var::crossEntropyWithLogits);
        losses.put("binaryCrossEntropyWithLogits", Var::binaryCrossEntropyWithLogits);
        losses.put("mse", Var::mse);
        losses.forEach((name, op) -> {
            add("Var." + name, NULL, InvalidArgumentException.class, f -> {
                graph(f);
                op.apply(param(f, 3, 4), null);
            }, name + ": the targets are null [{be}]");
            add("Var." + name, SHAPE, ShapeMismatchException.class, f -> {
                graph(f);
                op.apply(param(f, 3, 4), f.t(3, 3));
            }, name + ": targets 3×3 do not match leaf 3×4 FLOAT32 [{be}]");
            add("Var." + name, DTYPE, DTypeMismatchException.class, f -> {
                graph(f);
                op.apply(param(f, 3, 4), f.d(3, 4));
            }, name + ": dtypes differ: targets FLOAT64, leaf 3×4 FLOAT32 [{be}]");
            add("Var." + name, MIXED, BackendMismatchException.class, f -> {
                graph(f);
                op.apply(param(f, 3, 4), f.onOther(3, 4));
            }, name + ": the targets 3×4 live on {other}, but this op runs on {be}");
            add("Var." + name, CLOSED, TensorClosedException.class, f -> {
                graph(f);
                op.apply(param(f, 3, 4), f.closed(3, 4));
            }, name + ": the targets 3×4 FLOAT32 [{be}] are closed");
            add("Var." + name, DTYPE, UnsupportedDTypeException.class, f -> {
                graph(f);
                op.apply(Var.constant(f.i(3, 4)), f.i(3, 4));
            }, name + ": leaf 3×4 INT32 is INT32; " + name + " needs FLOAT32 or FLOAT64 [{be}]");
        });

        // leaves
        add("Var.parameter", NULL, InvalidArgumentException.class, f -> Var.parameter(null),
                "Var.parameter: the tensor is null");
        add("Var.parameter", CLOSED, TensorClosedException.class, f -> Var.parameter(f.closed(3, 4)),
                "Var.parameter: tensor 3×4 FLOAT32 [{be}] is closed");
        add("Var.parameter", DTYPE, UnsupportedDTypeException.class, f -> Var.parameter(f.i(3, 4)),
                "Var.parameter: a parameter must be FLOAT32 or FLOAT64, got INT32 3×4 [{be}]");
        add("Var.constant", NULL, InvalidArgumentException.class, f -> Var.constant(null),
                "Var.constant: the tensor is null");
        add("Var.constant", CLOSED, TensorClosedException.class, f -> Var.constant(f.closed(3, 4)),
                "Var.constant: tensor 3×4 FLOAT32 [{be}] is closed");

        // backward
        add("Var.backward", ARGUMENT, AutogradException.class, f -> {
            graph(f);
            param(f, 3, 4).exp().backward();
        }, "backward: exp 3×4 FLOAT32 is not a scalar; pass the seed ∂L/∂out with backward(seed) [{be}]");
        add("Var.backward", NULL, AutogradException.class, f -> {
            graph(f);
            param(f, 3, 4).exp().backward(null);
        }, "backward: exp 3×4 FLOAT32 is not a scalar and the seed is null", "[{be}]");
        add("Var.backward", SHAPE, ShapeMismatchException.class, f -> {
            graph(f);
            param(f, 3, 4).exp().backward(f.t(4, 3));
        }, "backward: the seed 4×3 FLOAT32 must match exp 3×4 FLOAT32 [{be}]");
        add("Var.backward", DTYPE, DTypeMismatchException.class, f -> {
            graph(f);
            param(f, 3, 4).exp().backward(f.d(3, 4));
        }, "backward: the seed 3×4 FLOAT64 must match exp 3×4 FLOAT32 [{be}]");
        add("Var.backward", MIXED, BackendMismatchException.class, f -> {
            graph(f);
            param(f, 3, 4).exp().backward(f.onOther(3, 4));
        }, "backward: the seed 3×4 lives on {other}, but exp 3×4 FLOAT32 lives on {be}");
        add("Var.backward", CLOSED, TensorClosedException.class, f -> {
            graph(f);
            param(f, 3, 4).exp().backward(f.closed(3, 4));
        }, "backward: the seed 3×4 FLOAT32 [{be}] is closed");
        add("Var.backward", CLOSED, AutogradException.class, f -> {
            Graph g = graph(f);
            Var loss = param(f, 3, 4).sum();
            g.close();
            loss.backward();
        }, "backward: the graph of sum 1×1 FLOAT32 is closed; its intermediates were freed [{be}]");
        add("Var.backward", ARGUMENT, AutogradException.class, f -> {
            graph(f);
            Var loss = param(f, 3, 4).sum();
            loss.backward();
            loss.backward();
        }, "backward: this graph's backward already ran", "[{be}]");
        add("Var.backward", ARGUMENT, AutogradException.class, f -> {
            graph(f);
            Var.constant(f.t(3, 4)).sum().backward();
        }, "backward: sum 1×1 FLOAT32 needs no gradient", "[{be}]");
        add("Var.backward", ARGUMENT, AutogradException.class, f -> {
            f.own(Graph.noGrad(f.be()));
            param(f, 3, 4).sum().backward();
        }, "backward: sum 1×1 FLOAT32 needs no gradient: it was computed in a Graph.noGrad", "[{be}]");
        add("Var.backward", ARGUMENT, AutogradException.class, f -> param(f, 1, 1).backward(),
                "backward: leaf 1×1 FLOAT32 is a leaf; call backward on a value computed from it [{be}]");

        // graphs
        add("Graph.record", NULL, InvalidArgumentException.class, f -> Graph.record(null),
                "Graph.record: the backend is null");
        add("Graph.noGrad", NULL, InvalidArgumentException.class, f -> Graph.noGrad(null),
                "Graph.noGrad: the backend is null");
    }
}
