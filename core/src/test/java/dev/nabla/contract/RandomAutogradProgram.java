package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Var;
import dev.nabla.nn.Activation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded random program of autograd ops: a few parameters and constants of small shapes (1 to 5 rows and
 * columns), then 4 to 10 ops drawn from every {@link Var} op family (pointwise, products and the fused linear layer,
 * row and column broadcasts, reductions, transposes, reshapes, slices, gathers with repeated indices,
 * concatenations, where, softmax and the three losses), whose operands are drawn mostly from the latest value and
 * otherwise from any earlier one, so that values are reused in several places and gradients accumulate. The root is
 * the 1 × 1 sum of Σ(v ⊙ W) over every value no op consumed (so every parameter reaches it).
 *
 * <p>Ops whose domain is limited get a smooth guard (log(x² + 1), √(x² + ½), a / (b² + 1), e^tanh(x), (x² + 1)^1.5),
 * so every program is defined everywhere. The non-smooth ones (relu, abs, clamp, maxRows, linear with RELU) record
 * during a run how close their input came to the kink ({@link Run#kinkMargin}): a gradient check needs the
 * point to stay clear of the kinks, so {@link #drawAwayFromKinks} skips draws that come closer than a bound.
 *
 * <p>The same draw gives the same program, parameters and constants on every backend and in every dtype.
 */
public final class RandomAutogradProgram {
    private static final int MAX_PARAMETERS = 6;

    /** One recorded op: computes node {@code id} from earlier nodes. */
    @FunctionalInterface
    private interface Step {
        Var apply(Var[] nodes, Tensor[] constants, Run run);
    }

    private record Spec(int rows, int cols, double[] values, boolean ints) {
    }

    /** What a node is: a parameter, a constant, or an op's output. */
    private record Node(int rows, int cols, int parameter, int constant, Step step, String text) {
    }

    private final String name;
    private final List<Spec> parameters = new ArrayList<>();
    private final List<Spec> constants = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Boolean> consumed = new ArrayList<>();
    private final SplittableRandom rnd;
    private int longestReduction = 1;
    private int reductionSum = 0;

    private RandomAutogradProgram(String name, long seed) {
        this.name = name;
        this.rnd = new SplittableRandom(seed);
    }

    /** The program of draw {@code index} of {@code seed} (attempt 0). */
    public static RandomAutogradProgram draw(long seed, int index) {
        return draw(seed, index, 0);
    }

    private static RandomAutogradProgram draw(long seed, int index, int attempt) {
        RandomAutogradProgram p = new RandomAutogradProgram("program " + index + (attempt > 0 ? "." + attempt : ""),
                seed * 1_000_003L + index * 7919L + attempt * 104_729L);
        p.generate();
        return p;
    }

    /**
     * The first attempt of draw {@code index} whose kinks stay at least {@code margin} away from every input they
     * see, run in FLOAT64 on {@code reference}.
     */
    public static RandomAutogradProgram drawAwayFromKinks(long seed, int index, Backend reference, double margin) {
        for (int attempt = 0; attempt < 50; attempt++) {
            RandomAutogradProgram p = draw(seed, index, attempt);
            if (p.kinkMargin(reference) >= margin) {
                return p;
            }
        }
        throw new AssertionError("no draw of program " + index + " keeps its kinks " + margin + " away in 50 attempts");
    }

    // ---- generation ---------------------------------------------------------------------------------------------------

    private int dim() {
        return 1 + rnd.nextInt(5);
    }

    private double[] uniform(int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return v;
    }

    private int node(int rows, int cols, int parameter, int constant, Step step, String text) {
        nodes.add(new Node(rows, cols, parameter, constant, step, text));
        consumed.add(false);
        return nodes.size() - 1;
    }

    private int newParameter(int rows, int cols) {
        parameters.add(new Spec(rows, cols, uniform(rows * cols, -1, 1), false));
        return node(rows, cols, parameters.size() - 1, -1, null, "p" + (parameters.size() - 1) + "(" + rows + "×"
                + cols + ")");
    }

    private int newConstant(int rows, int cols, double[] values, boolean ints) {
        constants.add(new Spec(rows, cols, values, ints));
        return constants.size() - 1;
    }

    private int constantNode(int rows, int cols) {
        int c = newConstant(rows, cols, uniform(rows * cols, -1, 1), false);
        return node(rows, cols, -1, c, null, "c" + c + "(" + rows + "×" + cols + ")");
    }

    /** Mostly the latest value (deep chains), otherwise any earlier one (reuse). */
    private int pick() {
        int last = nodes.size() - 1;
        return rnd.nextDouble() < 0.55 ? last : rnd.nextInt(nodes.size());
    }

    /** A node of this shape: an existing one when there is, else a new parameter, else −1. */
    private int findOrMake(int rows, int cols) {
        List<Integer> fits = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).rows() == rows && nodes.get(i).cols() == cols) {
                fits.add(i);
            }
        }
        if (!fits.isEmpty() && (rnd.nextDouble() < 0.7 || parameters.size() >= MAX_PARAMETERS)) {
            return fits.get(rnd.nextInt(fits.size()));
        }
        return parameters.size() < MAX_PARAMETERS ? newParameter(rows, cols) : -1;
    }

    private void reduction(int k) {
        longestReduction = Math.max(longestReduction, k);
        reductionSum += k;
    }

    private int op(int rows, int cols, String text, Step step, int... inputs) {
        for (int i : inputs) {
            consumed.set(i, true);
        }
        return node(rows, cols, -1, -1, step, text);
    }

    private void generate() {
        newParameter(dim(), dim());
        constantNode(nodes.get(0).rows(), dim());
        newParameter(dim(), dim());
        int ops = 4 + rnd.nextInt(7);
        for (int done = 0; done < ops; ) {
            if (tryOp(rnd.nextInt(30))) {
                done++;
            }
        }
        finish();
    }

    private static String t(Node n) {
        return n.rows() + "×" + n.cols();
    }

    /** Adds op {@code which} when its operands can be had; false otherwise (the caller draws again). */
    private boolean tryOp(int which) {
        int a = pick();
        Node x = nodes.get(a);
        int r = x.rows(), c = x.cols();
        String in = "n" + a;
        switch (which) {
            case 0 -> op(r, c, "exp(tanh(" + in + "))", (n, k, run) -> n[a].tanh().exp(), a);
            case 1 -> op(r, c, "log(" + in + "²+1)", (n, k, run) -> n[a].square().add(1).log(), a);
            case 2 -> op(r, c, "sigmoid(" + in + ")", (n, k, run) -> n[a].sigmoid(), a);
            case 3 -> op(r, c, "tanh(" + in + ")", (n, k, run) -> n[a].tanh(), a);
            case 4 -> op(r, c, "relu(" + in + ")", (n, k, run) -> {
                run.awayFrom(n[a], 0);
                return n[a].relu();
            }, a);
            case 5 -> op(r, c, "sqrt(" + in + "²+0.5)", (n, k, run) -> n[a].square().add(0.5).sqrt(), a);
            case 6 -> op(r, c, "(" + in + "²+1)^1.5", (n, k, run) -> n[a].square().add(1).pow(1.5), a);
            case 7 -> op(r, c, "abs(" + in + ")", (n, k, run) -> {
                run.awayFrom(n[a], 0);
                return n[a].abs();
            }, a);
            case 8 -> op(r, c, "clamp(" + in + ",-0.6,0.7)", (n, k, run) -> {
                run.awayFrom(n[a], -0.6);
                run.awayFrom(n[a], 0.7);
                return n[a].clamp(-0.6, 0.7);
            }, a);
            case 9 -> {
                double s = Math.round((rnd.nextDouble() * 2 - 1) * 100) / 100.0;
                switch (rnd.nextInt(4)) {
                    case 0 -> op(r, c, in + "+" + s, (n, k, run) -> n[a].add(s), a);
                    case 1 -> op(r, c, s + "·" + in, (n, k, run) -> n[a].mul(s), a);
                    case 2 -> op(r, c, s + "−" + in, (n, k, run) -> n[a].rsub(s), a);
                    default -> op(r, c, "−" + in, (n, k, run) -> n[a].neg(), a);
                }
            }
            case 10, 11 -> {
                int b = findOrMake(r, c);
                if (b < 0) {
                    return false;
                }
                String bn = "n" + b;
                switch (rnd.nextInt(4)) {
                    case 0 -> op(r, c, in + "+" + bn, (n, k, run) -> n[a].add(n[b]), a, b);
                    case 1 -> op(r, c, in + "−" + bn, (n, k, run) -> n[a].sub(n[b]), a, b);
                    case 2 -> op(r, c, in + "⊙" + bn, (n, k, run) -> n[a].mul(n[b]), a, b);
                    default -> op(r, c, in + "/(" + bn + "²+1)", (n, k, run) -> n[a].div(n[b].square().add(1)), a, b);
                }
            }
            case 12 -> {
                int b = findOrMake(r, c);
                if (b < 0) {
                    return false;
                }
                double[] m = new double[r * c];
                for (int i = 0; i < m.length; i++) {
                    m[i] = rnd.nextBoolean() ? 1 : 0;
                }
                int mask = newConstant(r, c, m, true);
                op(r, c, "where(m, " + in + ", n" + b + ")", (n, k, run) -> Var.where(k[mask], n[a], n[b]), a, b);
            }
            case 13, 14 -> {
                int cols = dim();
                int b = findOrMake(c, cols);
                if (b < 0) {
                    return false;
                }
                reduction(c);
                op(r, cols, in + "·n" + b, (n, k, run) -> n[a].matmul(n[b]), a, b);
            }
            case 15 -> {
                int rows = dim();
                int b = findOrMake(rows, c);
                if (b < 0) {
                    return false;
                }
                reduction(c);
                op(r, rows, in + "·n" + b + "ᵀ", (n, k, run) -> n[a].matmulTransB(n[b]), a, b);
            }
            case 16 -> {
                int out = dim();
                if (parameters.size() + 2 > MAX_PARAMETERS) {
                    return false;
                }
                boolean transB = rnd.nextBoolean();   // linearTransB: w out × in, torch.nn.Linear's layout
                int w = transB ? newParameter(out, c) : newParameter(c, out);
                int b = newParameter(1, out);
                Activation g = List.of(Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.IDENTITY)
                        .get(rnd.nextInt(4));
                reduction(c);
                op(r, out, (transB ? "linearTransB(" : "linear(") + in + ", n" + w + ", n" + b + ", " + g + ")",
                        (n, k, run) -> {
                    if (g == Activation.RELU) {
                        Var z = (transB ? n[a].matmulTransB(n[w]) : n[a].matmul(n[w])).addRowVector(n[b]);
                        run.awayFrom(z, 0);
                    }
                    return transB ? n[a].linearTransB(n[w], n[b], g) : n[a].linear(n[w], n[b], g);
                }, a, w, b);
            }
            case 17 -> {
                int b = findOrMake(1, c);
                if (b < 0) {
                    return false;
                }
                if (rnd.nextBoolean()) {
                    op(r, c, in + "+1·n" + b, (n, k, run) -> n[a].addRowVector(n[b]), a, b);
                } else {
                    op(r, c, in + "⊙1·n" + b, (n, k, run) -> n[a].mulRowVector(n[b]), a, b);
                }
            }
            case 18 -> {
                int b = findOrMake(r, 1);
                if (b < 0) {
                    return false;
                }
                switch (rnd.nextInt(3)) {
                    case 0 -> op(r, c, in + "−n" + b + "·1ᵀ", (n, k, run) -> n[a].subColumnVector(n[b]), a, b);
                    case 1 -> op(r, c, in + "⊙n" + b + "·1ᵀ", (n, k, run) -> n[a].mulColumnVector(n[b]), a, b);
                    default -> op(r, c, in + "/(n" + b + "²+1)·1ᵀ",
                            (n, k, run) -> n[a].divColumnVector(n[b].square().add(1)), a, b);
                }
            }
            case 19 -> {
                if (r != 1 && c != 1) {
                    return false;
                }
                int rows = r == 1 ? dim() : r, cols = c == 1 ? dim() : c;
                op(rows, cols, "broadcast(" + in + ", " + rows + "×" + cols + ")",
                        (n, k, run) -> n[a].broadcastTo(rows, cols), a);
            }
            case 20 -> {
                switch (rnd.nextInt(5)) {
                    case 0 -> {
                        reduction(r * c);
                        op(1, 1, "sum(" + in + ")", (n, k, run) -> n[a].sum(), a);
                    }
                    case 1 -> {
                        reduction(r * c);
                        op(1, 1, "mean(" + in + ")", (n, k, run) -> n[a].mean(), a);
                    }
                    case 2 -> {
                        reduction(c);
                        op(r, 1, "sumRows(" + in + ")", (n, k, run) -> n[a].sumRows(), a);
                    }
                    case 3 -> {
                        reduction(r);
                        op(1, c, "sumColumns(" + in + ")", (n, k, run) -> n[a].sumColumns(), a);
                    }
                    default -> {
                        reduction(c);
                        op(r, 1, "meanRows(" + in + ")", (n, k, run) -> n[a].meanRows(), a);
                    }
                }
            }
            case 21 -> op(r, 1, "maxRows(" + in + ")", (n, k, run) -> {
                run.noTies(n[a]);
                return n[a].maxRows();
            }, a);
            case 22 -> op(c, r, in + "ᵀ", (n, k, run) -> n[a].transpose(), a);
            case 23 -> {
                int rows = rnd.nextBoolean() ? 1 : c, cols = r * c / rows;
                op(rows, cols, "reshape(" + in + ", " + rows + "×" + cols + ")",
                        (n, k, run) -> n[a].reshape(rows, cols), a);
            }
            case 24 -> {
                if (r < 2 && c < 2) {
                    return false;
                }
                if (r >= 2 && (c < 2 || rnd.nextBoolean())) {
                    int from = rnd.nextInt(r - 1), to = from + 1 + rnd.nextInt(r - from);
                    op(to - from, c, in + "[" + from + ":" + to + ", :]", (n, k, run) -> n[a].sliceRows(from, to), a);
                } else {
                    int from = rnd.nextInt(c - 1), to = from + 1 + rnd.nextInt(c - from);
                    op(r, to - from, in + "[:, " + from + ":" + to + "]",
                            (n, k, run) -> n[a].sliceColumns(from, to), a);
                }
            }
            case 25 -> {
                int count = 1 + rnd.nextInt(6);
                double[] idx = new double[count];
                for (int i = 0; i < count; i++) {
                    idx[i] = rnd.nextInt(r);
                }
                if (count > 1) {
                    idx[count - 1] = idx[0];                        // at least one row gathered twice
                }
                int ix = newConstant(1, count, idx, true);
                op(count, c, in + "[" + java.util.Arrays.toString(idx) + "]",
                        (n, k, run) -> n[a].gatherRows(k[ix]), a);
            }
            case 26 -> {
                boolean rows = rnd.nextBoolean();
                int b = rnd.nextDouble() < 0.3 ? a : pick();
                Node y = nodes.get(b);
                if (rows ? y.cols() != c : y.rows() != r) {
                    b = a;                                           // concatenating a value with itself: reuse
                    y = x;
                }
                int bb = b;
                if (rows) {
                    op(r + y.rows(), c, "[" + in + "; n" + b + "]", (n, k, run) -> Var.concatRows(n[a], n[bb]), a, b);
                } else {
                    op(r, c + y.cols(), "[" + in + ", n" + b + "]", (n, k, run) -> Var.concatColumns(n[a], n[bb]),
                            a, b);
                }
            }
            case 27 -> {
                reduction(c);
                op(r, c, "softmaxRows(" + in + ")", (n, k, run) -> n[a].softmaxRows(), a);
            }
            case 28 -> {
                reduction(r * c);
                double[] tv;
                boolean ce = rnd.nextBoolean();
                if (ce) {
                    tv = new double[r * c];                          // probability rows (soft targets)
                    for (int i = 0; i < r; i++) {
                        double s = 0;
                        for (int j = 0; j < c; j++) {
                            tv[i * c + j] = 0.1 + rnd.nextDouble();
                            s += tv[i * c + j];
                        }
                        for (int j = 0; j < c; j++) {
                            tv[i * c + j] /= s;
                        }
                    }
                } else {
                    tv = uniform(r * c, 0, 1);
                }
                int tc = newConstant(r, c, tv, false);
                int kind = rnd.nextInt(3);
                if (kind == 0 && ce) {
                    op(1, 1, "crossEntropy(" + in + ")", (n, k, run) -> n[a].crossEntropyWithLogits(k[tc]), a);
                } else if (kind == 1) {
                    op(1, 1, "bce(" + in + ")", (n, k, run) -> n[a].binaryCrossEntropyWithLogits(k[tc]), a);
                } else {
                    op(1, 1, "mse(" + in + ")", (n, k, run) -> n[a].mse(k[tc]), a);
                }
            }
            default -> {
                int b = findOrMake(r, c);
                if (b < 0) {
                    return false;
                }
                op(r, c, in + "⊙" + in + "+n" + b, (n, k, run) -> n[a].mul(n[a]).add(n[b]), a, b);
            }
        }
        return true;
    }

    /** The root: Σ over every unconsumed non-constant value v of sum(v ⊙ W_v), W_v a constant in [−1, 1]. */
    private void finish() {
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!consumed.get(i) && nodes.get(i).constant() < 0) {
                ends.add(i);
            }
        }
        List<int[]> terms = new ArrayList<>();
        for (int e : ends) {
            Node n = nodes.get(e);
            terms.add(new int[]{e, newConstant(n.rows(), n.cols(), uniform(n.rows() * n.cols(), -1, 1), false)});
            reduction(n.rows() * n.cols());
        }
        StringBuilder text = new StringBuilder();
        for (int[] term : terms) {
            text.append(text.length() == 0 ? "" : " + ").append("Σ(n").append(term[0]).append("⊙W)");
        }
        op(1, 1, text.toString(), (n, k, run) -> {
            Var sum = null;
            for (int[] term : terms) {
                Var s = n[term[0]].mul(Var.constant(k[term[1]])).sum();
                sum = sum == null ? s : sum.add(s);
            }
            return sum;
        }, ends.stream().mapToInt(Integer::intValue).toArray());
    }

    // ---- running -------------------------------------------------------------------------------------------------------

    /** State of one run: the closest any kink came. */
    public static final class Run {
        private double margin = Double.POSITIVE_INFINITY;

        void awayFrom(Var v, double kink) {
            for (double x : v.value().toDoubleArray()) {
                margin = Math.min(margin, Math.abs(x - kink));
            }
        }

        void noTies(Var v) {
            int cols = v.value().cols();
            double[] x = v.value().toDoubleArray();
            for (int i = 0; cols > 1 && i < v.value().rows(); i++) {
                double first = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    double e = x[i * cols + j];
                    if (e > first) {
                        second = first;
                        first = e;
                    } else if (e > second) {
                        second = e;
                    }
                }
                margin = Math.min(margin, first - second);
            }
        }

        /** How close the inputs of the non-smooth ops came to their kinks (+∞ without such ops). */
        public double kinkMargin() {
            return margin;
        }
    }

    /** The parameters' initial values as new tensors in {@code dtype} on {@code backend} (the caller closes them). */
    public Tensor[] parameters(Backend backend, DType dtype) {
        Tensor[] t = new Tensor[parameters.size()];
        for (int i = 0; i < t.length; i++) {
            Spec s = parameters.get(i);
            t[i] = backend.fromArray(s.values(), s.rows(), s.cols(), dtype).detach();
        }
        return t;
    }

    /** The constants (inputs, masks, indices, targets, weights) on {@code backend} (the caller closes them). */
    public Tensor[] constants(Backend backend, DType dtype) {
        Tensor[] t = new Tensor[constants.size()];
        for (int i = 0; i < t.length; i++) {
            Spec s = constants.get(i);
            if (s.ints()) {
                int[] v = new int[s.values().length];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (int) s.values()[j];
                }
                t[i] = backend.fromArray(v, s.rows(), s.cols()).detach();
            } else {
                t[i] = backend.fromArray(s.values(), s.rows(), s.cols(), dtype).detach();
            }
        }
        return t;
    }

    /** Runs the program inside the open graph on these parameter Vars and constants; returns the 1 × 1 root. */
    public Var run(Var[] params, Tensor[] constantTensors, Run run) {
        Var[] values = new Var[nodes.size()];
        for (int i = 0; i < values.length; i++) {
            Node n = nodes.get(i);
            if (n.parameter() >= 0) {
                values[i] = params[n.parameter()];
            } else if (n.constant() >= 0) {
                values[i] = Var.constant(constantTensors[n.constant()]);
            } else {
                values[i] = n.step().apply(values, constantTensors, run);
            }
        }
        return values[values.length - 1];
    }

    /** The closest the kinks come at the initial parameters, run in FLOAT64 on {@code reference}. */
    public double kinkMargin(Backend reference) {
        Tensor[] p = parameters(reference, DType.FLOAT64);
        Tensor[] k = constants(reference, DType.FLOAT64);
        Run run = new Run();
        try (dev.nabla.autograd.Graph g = dev.nabla.autograd.Graph.noGrad(reference)) {
            Var[] vars = new Var[p.length];
            for (int i = 0; i < p.length; i++) {
                vars[i] = Var.constant(p[i]);
            }
            run(vars, k, run);
        } finally {
            closeAll(p);
            closeAll(k);
        }
        return run.kinkMargin();
    }

    /** Closes every tensor of the array. */
    public static void closeAll(Tensor[] tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    /** Number of parameters. */
    public int parameterCount() {
        return parameters.size();
    }

    /**
     * K for {@link Tolerance}: the sum of the lengths of every reduction in the program (rounding of a composition
     * accumulates through each reduction it passes; the longest one alone underestimates a chain of them).
     */
    public int reductionLength() {
        return Math.max(longestReduction, reductionSum);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(':');
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            sb.append(" n").append(i).append('=').append(n.text()).append(" [").append(t(n)).append("];");
        }
        return sb.toString();
    }
}
