package dev.nabla.cpu;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path on float arrays.
 *
 * <p>Every formula is written once, as a method on vectors ({@link #unaryV}, {@link #binaryV}, {@link #sigmoid}, …).
 * Each loop runs its op's formula over full vectors, then covers the remaining entries with ONE masked vector step
 * of the same formula: an element's value never depends on where a chunk or a row ended. The op is dispatched once,
 * outside the loop, to a loop written for it (a switch inside a vector loop measured twice as slow). exp, log and
 * tanh come from {@link FloatMath} and lane sums are taken in lane order, so results are the same bits in every JIT
 * tier and on every thread count. Each fused op reads and writes memory once.
 *
 * <p>TEMPLATE: the build derives VectorDoubleKernels from this file (float → double); see cpu-backend/pom.xml.
 */
final class VectorFloatKernels implements FloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements summed in vector lanes before the partial goes into a double accumulator. */
    private static final int SUM_BLOCK = 1024;
    private static final float EPS = (float) BinaryOp.PROBABILITY_EPSILON;

    private final FloatGemm gemm;

    VectorFloatKernels(Parallel parallel) {
        this.gemm = new FloatGemm(parallel);
    }

    @Override
    public String description() {
        return "Vector API " + S.vectorBitSize() + "-bit (" + L + " float lanes), gemm register tile "
                + FloatGemm.MR + "×" + FloatGemm.NR;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                     float beta, float[] c) {
        gemm.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    // ---- the formulas ------------------------------------------------------------------------------------------------

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }

    private static FloatVector load(float[] a, int i, VectorMask<Float> m) {
        return FloatVector.fromArray(S, a, i, m);
    }

    private static FloatVector splat(float v) {
        return FloatVector.broadcast(S, v);
    }

    /** σ(x): with e = e^−|x| and r = 1/(1+e), r for x ≥ 0 and e·r for x &lt; 0, so that nothing overflows. */
    private static FloatVector sigmoid(FloatVector x) {
        FloatVector e = FloatMath.exp(x.abs().neg());
        FloatVector r = splat(1).div(e.add(1));
        return r.blend(e.mul(r), x.compare(VectorOperators.LT, 0));
    }

    /** max(x, 0), NaN kept (as Math.max). */
    private static FloatVector relu(FloatVector x) {
        return x.max(0);
    }

    /** g'(z) from the stored output a, for the four *_GRAD_FROM_OUTPUT ops. */
    private static FloatVector gradFromOutput(UnaryOp grad, FloatVector a) {
        return switch (grad) {
            case SIGMOID_GRAD_FROM_OUTPUT -> a.mul(a.neg().add(1));                              // a(1 − a)
            case TANH_GRAD_FROM_OUTPUT -> a.mul(a).neg().add(1);                                 // 1 − a²
            case RELU_GRAD_FROM_OUTPUT -> FloatVector.zero(S).blend(1, a.compare(VectorOperators.GT, 0));
            default -> splat(1);                                                                  // identity
        };
    }

    /** Every unary op, on a vector. */
    private static FloatVector unaryV(UnaryOp op, FloatVector x, float p) {
        return switch (op) {
            case IDENTITY -> x;
            case SCALE -> x.mul(p);
            case ADD_SCALAR -> x.add(p);
            case SQUARE -> x.mul(x);
            case SQRT -> x.sqrt();
            case EXP -> FloatMath.exp(x);
            case LOG -> FloatMath.log(x);
            case SIGMOID -> sigmoid(x);
            case TANH -> FloatMath.tanh(x);
            case RELU -> relu(x);
            case SIGMOID_GRAD_FROM_OUTPUT, TANH_GRAD_FROM_OUTPUT, RELU_GRAD_FROM_OUTPUT, IDENTITY_GRAD_FROM_OUTPUT ->
                    gradFromOutput(op, x);
        };
    }

    /** ln max(p, ε): the guarded logarithm of the cross-entropies. */
    private static FloatVector logAtLeastEps(FloatVector p) {
        return FloatMath.log(p.max(EPS));
    }

    /** Every binary op, on vectors; the loss terms take (f, t). */
    private static FloatVector binaryV(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case HALF_SQUARED_ERROR -> {
                FloatVector d = a.sub(b);
                yield d.mul(d).mul((float) 0.5);
            }
            case BINARY_CROSS_ENTROPY -> b.mul(logAtLeastEps(a)).add(b.neg().add(1).mul(logAtLeastEps(a.neg().add(1))))
                    .neg();
            case CROSS_ENTROPY -> b.mul(logAtLeastEps(a)).neg();
        };
    }

    // ---- unary -------------------------------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, float p, float[] x, float[] y, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        switch (op) {
            case IDENTITY -> {
                if (x != y) {
                    System.arraycopy(x, from, y, from, to - from);
                }
                return;
            }
            case SCALE -> { for (; i < upper; i += L) { load(x, i).mul(p).intoArray(y, i); } }
            case ADD_SCALAR -> { for (; i < upper; i += L) { load(x, i).add(p).intoArray(y, i); } }
            case SQUARE -> { for (; i < upper; i += L) { FloatVector v = load(x, i); v.mul(v).intoArray(y, i); } }
            case SQRT -> { for (; i < upper; i += L) { load(x, i).sqrt().intoArray(y, i); } }
            case EXP -> { for (; i < upper; i += L) { FloatMath.exp(load(x, i)).intoArray(y, i); } }
            case LOG -> { for (; i < upper; i += L) { FloatMath.log(load(x, i)).intoArray(y, i); } }
            case SIGMOID -> { for (; i < upper; i += L) { sigmoid(load(x, i)).intoArray(y, i); } }
            case TANH -> { for (; i < upper; i += L) { FloatMath.tanh(load(x, i)).intoArray(y, i); } }
            case RELU -> { for (; i < upper; i += L) { relu(load(x, i)).intoArray(y, i); } }
            case SIGMOID_GRAD_FROM_OUTPUT, TANH_GRAD_FROM_OUTPUT, RELU_GRAD_FROM_OUTPUT, IDENTITY_GRAD_FROM_OUTPUT -> {
                for (; i < upper; i += L) {
                    gradFromOutput(op, load(x, i)).intoArray(y, i);
                }
            }
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            unaryV(op, load(x, i, m), p).intoArray(y, i, m);
        }
    }

    // ---- binary ------------------------------------------------------------------------------------------------------

    @Override
    public void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        switch (op) {
            case ADD -> { for (; i < upper; i += L) { load(a, i).add(load(b, i)).intoArray(out, i); } }
            case SUB -> { for (; i < upper; i += L) { load(a, i).sub(load(b, i)).intoArray(out, i); } }
            case MUL -> { for (; i < upper; i += L) { load(a, i).mul(load(b, i)).intoArray(out, i); } }
            default -> { for (; i < upper; i += L) { binaryV(op, load(a, i), load(b, i)).intoArray(out, i); } }
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            binaryV(op, load(a, i, m), load(b, i, m)).intoArray(out, i, m);
        }
    }

    @Override
    public void binaryBroadcast(BinaryOp op, float[] a, float[] b, Broadcast broadcast, float[] out, int cols,
                                int rowFrom, int rowTo) {
        int upper = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(upper, cols);
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            int j = 0;
            if (broadcast == Broadcast.ROW) {                   // out[r][j] = op(a[r][j], b[j])
                switch (op) {
                    case ADD -> { for (; j < upper; j += L) { load(a, base + j).add(load(b, j)).intoArray(out, base + j); } }
                    case SUB -> { for (; j < upper; j += L) { load(a, base + j).sub(load(b, j)).intoArray(out, base + j); } }
                    case MUL -> { for (; j < upper; j += L) { load(a, base + j).mul(load(b, j)).intoArray(out, base + j); } }
                    default -> {
                        for (; j < upper; j += L) {
                            binaryV(op, load(a, base + j), load(b, j)).intoArray(out, base + j);
                        }
                    }
                }
                if (j < cols) {
                    binaryV(op, load(a, base + j, tail), load(b, j, tail)).intoArray(out, base + j, tail);
                }
            } else {                                            // out[r][j] = op(a[r][j], b[r])
                FloatVector s = splat(b[r]);
                for (; j < upper; j += L) {
                    binaryV(op, load(a, base + j), s).intoArray(out, base + j);
                }
                if (j < cols) {
                    binaryV(op, load(a, base + j, tail), s).intoArray(out, base + j, tail);
                }
            }
        }
    }

    // ---- reductions --------------------------------------------------------------------------------------------------

    @Override
    public void sumColumns(float[] x, int rows, int cols, float[] out, int colFrom, int colTo) {
        java.util.Arrays.fill(out, colFrom, colTo, 0);
        int upper = colFrom + S.loopBound(colTo - colFrom);
        VectorMask<Float> tail = S.indexInRange(upper, colTo);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int j = colFrom;
            for (; j < upper; j += L) {
                load(out, j).add(load(x, base + j)).intoArray(out, j);
            }
            if (j < colTo) {
                load(out, j, tail).add(load(x, base + j, tail)).intoArray(out, j, tail);
            }
        }
    }

    @Override
    public void reduceRows(RowReduction op, float[] x, int cols, float[] out, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            out[r] = op == RowReduction.MAX ? rowMax(x, r * cols, cols) : (float) sum(x, r * cols, r * cols + cols);
        }
    }

    /** max of x[base, base + cols); −∞ for an empty row. */
    private static float rowMax(float[] x, int base, int cols) {
        int upper = S.loopBound(cols);
        FloatVector acc = splat(Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < upper; j += L) {
            acc = acc.max(load(x, base + j));
        }
        if (j < cols) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            acc = acc.max(load(x, base + j, m).blend(Float.NEGATIVE_INFINITY, m.not()));
        }
        return FloatMath.maxLanes(acc);
    }

    /** Σ x[from..to): vector lanes over blocks of SUM_BLOCK, each block's lane sum added to a double in order. */
    @Override
    public double sum(float[] x, int from, int to) {
        double total = 0;
        int i = from;
        while (i < to) {
            int blockEnd = Math.min(to, i + SUM_BLOCK);
            int upper = i + S.loopBound(blockEnd - i);
            FloatVector acc = FloatVector.zero(S);
            for (; i < upper; i += L) {
                acc = acc.add(load(x, i));
            }
            if (i < blockEnd) {
                acc = acc.add(load(x, i, S.indexInRange(i, blockEnd)));
                i = blockEnd;
            }
            total += FloatMath.sumLanes(acc);
        }
        return total;
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector av = splat(alpha);
        for (; i < upper; i += L) {
            load(x, i).fma(av, load(y, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            load(x, i, m).fma(av, load(y, i, m)).intoArray(y, i, m);
        }
    }

    // ---- fused -------------------------------------------------------------------------------------------------------

    @Override
    public void biasActivation(UnaryOp act, float[] z, float[] bias, float[] out, int cols, int rowFrom, int rowTo) {
        int upper = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(upper, cols);
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            int j = 0;
            switch (act) {
                case SIGMOID -> {
                    for (; j < upper; j += L) {
                        sigmoid(load(z, base + j).add(load(bias, j))).intoArray(out, base + j);
                    }
                }
                case TANH -> {
                    for (; j < upper; j += L) {
                        FloatMath.tanh(load(z, base + j).add(load(bias, j))).intoArray(out, base + j);
                    }
                }
                case RELU -> {
                    for (; j < upper; j += L) {
                        relu(load(z, base + j).add(load(bias, j))).intoArray(out, base + j);
                    }
                }
                default -> {
                    for (; j < upper; j += L) {
                        load(z, base + j).add(load(bias, j)).intoArray(out, base + j);
                    }
                }
            }
            if (j < cols) {
                unaryV(act, load(z, base + j, tail).add(load(bias, j, tail)), 0).intoArray(out, base + j, tail);
            }
        }
    }

    @Override
    public void softmaxRows(float[] x, float[] out, int cols, int rowFrom, int rowTo) {
        int upper = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(upper, cols);
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            float mx = rowMax(x, base, cols);
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j < upper; j += L) {
                FloatVector e = FloatMath.exp(load(x, base + j).sub(mx));
                e.intoArray(out, base + j);
                acc = acc.add(e);
            }
            if (j < cols) {
                FloatVector e = FloatMath.exp(load(x, base + j, tail).sub(mx));
                e.intoArray(out, base + j, tail);
                acc = acc.add(e, tail);
            }
            FloatVector inv = splat((float) (1.0 / FloatMath.sumLanes(acc)));
            for (j = 0; j < upper; j += L) {
                load(out, base + j).mul(inv).intoArray(out, base + j);
            }
            if (j < cols) {
                load(out, base + j, tail).mul(inv).intoArray(out, base + j, tail);
            }
        }
    }

    @Override
    public void activationBackward(UnaryOp gradFromOutput, float[] a, float[] d, float[] out, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        switch (gradFromOutput) {
            case SIGMOID_GRAD_FROM_OUTPUT -> {          // d·a(1 − a)
                for (; i < upper; i += L) {
                    FloatVector av = load(a, i);
                    load(d, i).mul(av.mul(av.neg().add(1))).intoArray(out, i);
                }
            }
            case TANH_GRAD_FROM_OUTPUT -> {             // d·(1 − a²)
                for (; i < upper; i += L) {
                    FloatVector av = load(a, i);
                    load(d, i).mul(av.mul(av).neg().add(1)).intoArray(out, i);
                }
            }
            case RELU_GRAD_FROM_OUTPUT -> {             // d where a > 0, else 0
                FloatVector zero = FloatVector.zero(S);
                for (; i < upper; i += L) {
                    zero.blend(load(d, i), load(a, i).compare(VectorOperators.GT, 0)).intoArray(out, i);
                }
            }
            default -> {                                // identity: out = d
                if (out != d) {
                    System.arraycopy(d, from, out, from, to - from);
                }
                return;
            }
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            load(d, i, m).mul(gradFromOutput(gradFromOutput, load(a, i, m))).intoArray(out, i, m);
        }
    }

    @Override
    public double lossAndDelta(BinaryOp term, UnaryOp outputGrad, float[] f, float[] t, float[] delta, float invN,
                               int from, int to) {
        double loss = 0;
        FloatVector scale = splat(invN);
        int i = from;
        while (i < to) {                                         // blocks keep the float lane sums short
            int blockEnd = Math.min(to, i + SUM_BLOCK);
            int upper = i + S.loopBound(blockEnd - i);
            FloatVector acc = FloatVector.zero(S);
            for (; i < upper; i += L) {
                FloatVector fv = load(f, i);
                FloatVector tv = load(t, i);
                acc = acc.add(binaryV(term, fv, tv));
                fv.sub(tv).mul(gradFromOutput(outputGrad, fv)).mul(scale).intoArray(delta, i);
            }
            if (i < blockEnd) {
                VectorMask<Float> m = S.indexInRange(i, blockEnd);
                FloatVector fv = load(f, i, m);
                FloatVector tv = load(t, i, m);
                acc = acc.add(binaryV(term, fv, tv), m);
                fv.sub(tv).mul(gradFromOutput(outputGrad, fv)).mul(scale).intoArray(delta, i, m);
                i = blockEnd;
            }
            loss += FloatMath.sumLanes(acc);
        }
        return loss;
    }

    @Override
    public void sgdStep(float[] w, float[] g, float[] v, float lr, float momentum, float weightDecay, int from,
                        int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector decay = splat(weightDecay);
        FloatVector negLr = splat(-lr);
        FloatVector mu = splat(momentum);
        for (; i < upper; i += L) {
            sgd(w, g, v, i, null, decay, negLr, mu);
        }
        if (i < to) {
            sgd(w, g, v, i, S.indexInRange(i, to), decay, negLr, mu);
        }
    }

    /** g' = g + λw; with v: v = μv + g', w = w − lr·v; without: w = w − lr·g'. Unmasked when {@code m} is null. */
    private static void sgd(float[] w, float[] g, float[] v, int i, VectorMask<Float> m, FloatVector decay,
                            FloatVector negLr, FloatVector mu) {
        FloatVector wv = m == null ? load(w, i) : load(w, i, m);
        FloatVector gd = wv.fma(decay, m == null ? load(g, i) : load(g, i, m));
        FloatVector step = gd;
        if (v != null) {
            step = (m == null ? load(v, i) : load(v, i, m)).fma(mu, gd);
            if (m == null) {
                step.intoArray(v, i);
            } else {
                step.intoArray(v, i, m);
            }
        }
        FloatVector nw = step.fma(negLr, wv);
        if (m == null) {
            nw.intoArray(w, i);
        } else {
            nw.intoArray(w, i, m);
        }
    }

    @Override
    public void adamStep(float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2,
                         float epsilon, float weightDecay, float invC1, float invC2, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        for (; i < upper; i += L) {
            adam(w, g, m, v, i, null, lr, beta1, beta2, epsilon, weightDecay, invC1, invC2);
        }
        if (i < to) {
            adam(w, g, m, v, i, S.indexInRange(i, to), lr, beta1, beta2, epsilon, weightDecay, invC1, invC2);
        }
    }

    /** g' = g + λw; m = β₁m + (1−β₁)g'; v = β₂v + (1−β₂)g'²; w −= lr·(m·invC1)/(√(v·invC2) + ε). */
    private static void adam(float[] w, float[] g, float[] m, float[] v, int i, VectorMask<Float> k, float lr,
                             float beta1, float beta2, float epsilon, float weightDecay, float invC1, float invC2) {
        FloatVector wv = k == null ? load(w, i) : load(w, i, k);
        FloatVector gd = wv.fma(splat(weightDecay), k == null ? load(g, i) : load(g, i, k));
        FloatVector mv = (k == null ? load(m, i) : load(m, i, k)).mul(beta1).add(gd.mul(1 - beta1));
        FloatVector vv = (k == null ? load(v, i) : load(v, i, k)).mul(beta2).add(gd.mul(gd).mul(1 - beta2));
        FloatVector step = mv.mul(invC1).div(vv.mul(invC2).sqrt().add(epsilon));
        FloatVector nw = step.fma(splat(-lr), wv);
        if (k == null) {
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            nw.intoArray(w, i);
        } else {
            mv.intoArray(m, i, k);
            vv.intoArray(v, i, k);
            nw.intoArray(w, i, k);
        }
    }
}
