package dev.nabla.cpu;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path on float arrays. Every loop has the same shape: full vectors up to {@code loopBound}, then a
 * scalar tail for the remaining entries computing the same formula. The op is dispatched once, outside the loop,
 * to a loop written for it (a switch inside a vector loop keeps the JIT from holding vectors in registers).
 * Each fused op reads and writes memory once.
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

    // ---- the formulas, vector and scalar ------------------------------------------------------------------------------

    /** σ(x): with e = e^−|x|, r = 1/(1+e); σ = r for x ≥ 0 and e·r for x &lt; 0, so that nothing overflows. */
    private static FloatVector sigmoid(FloatVector x) {
        FloatVector e = x.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector r = FloatVector.broadcast(S, 1).div(e.add(1));
        return r.blend(e.mul(r), x.lt(0));
    }

    private static float sigmoid(float x) {
        float e = (float) Math.exp(-Math.abs(x));
        float r = 1 / (1 + e);
        return x < 0 ? e * r : r;
    }

    /** ln max(p, ε): the guarded logarithm of the cross-entropies. */
    private static FloatVector logAtLeastEps(FloatVector p) {
        return p.max(EPS).lanewise(VectorOperators.LOG);
    }

    private static float logAtLeastEps(float p) {
        return (float) Math.log(Math.max(p, EPS));
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
                i = to;
            }
            case SCALE -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, x, i).mul(p).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = p * x[i];
                }
            }
            case ADD_SCALAR -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, x, i).add(p).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = x[i] + p;
                }
            }
            case SQUARE -> {
                for (; i < upper; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    v.mul(v).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = x[i] * x[i];
                }
            }
            case SQRT -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, x, i).sqrt().intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = (float) Math.sqrt(x[i]);
                }
            }
            case EXP -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = (float) Math.exp(x[i]);
                }
            }
            case LOG -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, x, i).lanewise(VectorOperators.LOG).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = (float) Math.log(x[i]);
                }
            }
            case SIGMOID -> {
                for (; i < upper; i += L) {
                    sigmoid(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = sigmoid(x[i]);
                }
            }
            case TANH -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = (float) Math.tanh(x[i]);
                }
            }
            case RELU -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, x, i).max(0).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = Math.max(x[i], 0);
                }
            }
            case SIGMOID_GRAD_FROM_OUTPUT -> {          // a(1 − a)
                for (; i < upper; i += L) {
                    FloatVector a = FloatVector.fromArray(S, x, i);
                    a.mul(a.neg().add(1)).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = x[i] * (1 - x[i]);
                }
            }
            case TANH_GRAD_FROM_OUTPUT -> {             // 1 − a²
                for (; i < upper; i += L) {
                    FloatVector a = FloatVector.fromArray(S, x, i);
                    a.mul(a).neg().add(1).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = 1 - x[i] * x[i];
                }
            }
            case RELU_GRAD_FROM_OUTPUT -> {             // 1 where a > 0
                FloatVector zero = FloatVector.zero(S);
                FloatVector one = FloatVector.broadcast(S, 1);
                for (; i < upper; i += L) {
                    FloatVector a = FloatVector.fromArray(S, x, i);
                    zero.blend(one, a.compare(VectorOperators.GT, 0)).intoArray(y, i);
                }
                for (; i < to; i++) {
                    y[i] = x[i] > 0 ? 1 : 0;
                }
            }
            case IDENTITY_GRAD_FROM_OUTPUT -> {
                java.util.Arrays.fill(y, from, to, 1);
                i = to;
            }
        }
    }

    // ---- binary ------------------------------------------------------------------------------------------------------

    @Override
    public void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        switch (op) {
            case ADD -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(out, i);
                }
            }
            case SUB -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, i)).intoArray(out, i);
                }
            }
            case MUL -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(out, i);
                }
            }
            case DIV -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, a, i).div(FloatVector.fromArray(S, b, i)).intoArray(out, i);
                }
            }
            case MAX -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, a, i).max(FloatVector.fromArray(S, b, i)).intoArray(out, i);
                }
            }
            case MIN -> {
                for (; i < upper; i += L) {
                    FloatVector.fromArray(S, a, i).min(FloatVector.fromArray(S, b, i)).intoArray(out, i);
                }
            }
            case HALF_SQUARED_ERROR -> {
                for (; i < upper; i += L) {
                    FloatVector d = FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, i));
                    d.mul(d).mul((float) 0.5).intoArray(out, i);
                }
            }
            case BINARY_CROSS_ENTROPY -> {
                for (; i < upper; i += L) {
                    FloatVector f = FloatVector.fromArray(S, a, i);
                    FloatVector t = FloatVector.fromArray(S, b, i);
                    FloatVector lf = logAtLeastEps(f);
                    FloatVector l1f = logAtLeastEps(f.neg().add(1));
                    t.mul(lf).add(t.neg().add(1).mul(l1f)).neg().intoArray(out, i);
                }
            }
            case CROSS_ENTROPY -> {
                for (; i < upper; i += L) {
                    FloatVector f = FloatVector.fromArray(S, a, i);
                    FloatVector.fromArray(S, b, i).mul(logAtLeastEps(f)).neg().intoArray(out, i);
                }
            }
        }
        for (; i < to; i++) {
            out[i] = scalarBinary(op, a[i], b[i]);
        }
    }

    /** The scalar form of every binary op, for tails and broadcasts by a column. */
    private static float scalarBinary(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case HALF_SQUARED_ERROR -> (float) 0.5 * (a - b) * (a - b);
            case BINARY_CROSS_ENTROPY -> -(b * logAtLeastEps(a) + (1 - b) * logAtLeastEps(1 - a));
            case CROSS_ENTROPY -> -b * logAtLeastEps(a);
        };
    }

    @Override
    public void binaryBroadcast(BinaryOp op, float[] a, float[] b, Broadcast broadcast, float[] out, int cols,
                                int rowFrom, int rowTo) {
        if (broadcast == Broadcast.ROW) {
            for (int r = rowFrom; r < rowTo; r++) {
                rowWithVector(op, a, b, out, r * cols, cols);
            }
        } else {
            for (int r = rowFrom; r < rowTo; r++) {
                rowWithScalar(op, a, b[r], out, r * cols, cols);
            }
        }
    }

    /** out[base + j] = op(a[base + j], b[j]) for j in [0, cols). */
    private void rowWithVector(BinaryOp op, float[] a, float[] b, float[] out, int base, int cols) {
        int j = 0;
        int upper = S.loopBound(cols);
        switch (op) {
            case ADD -> {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, a, base + j).add(FloatVector.fromArray(S, b, j)).intoArray(out, base + j);
                }
            }
            case SUB -> {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, a, base + j).sub(FloatVector.fromArray(S, b, j)).intoArray(out, base + j);
                }
            }
            case MUL -> {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, a, base + j).mul(FloatVector.fromArray(S, b, j)).intoArray(out, base + j);
                }
            }
            default -> { } // the rest is rare with a row broadcast: the scalar loop below
        }
        for (; j < cols; j++) {
            out[base + j] = scalarBinary(op, a[base + j], b[j]);
        }
    }

    /** out[base + j] = op(a[base + j], s) for j in [0, cols). */
    private void rowWithScalar(BinaryOp op, float[] a, float s, float[] out, int base, int cols) {
        int j = 0;
        int upper = S.loopBound(cols);
        switch (op) {
            case ADD -> {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, a, base + j).add(s).intoArray(out, base + j);
                }
            }
            case SUB -> {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, a, base + j).sub(s).intoArray(out, base + j);
                }
            }
            case MUL -> {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, a, base + j).mul(s).intoArray(out, base + j);
                }
            }
            case DIV -> {
                for (; j < upper; j += L) {
                    FloatVector.fromArray(S, a, base + j).div(s).intoArray(out, base + j);
                }
            }
            default -> { }
        }
        for (; j < cols; j++) {
            out[base + j] = scalarBinary(op, a[base + j], s);
        }
    }

    // ---- reductions --------------------------------------------------------------------------------------------------

    @Override
    public void sumColumns(float[] x, int rows, int cols, float[] out, int colFrom, int colTo) {
        java.util.Arrays.fill(out, colFrom, colTo, 0);
        int upper = colFrom + S.loopBound(colTo - colFrom);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int j = colFrom;
            for (; j < upper; j += L) {
                FloatVector.fromArray(S, out, j).add(FloatVector.fromArray(S, x, base + j)).intoArray(out, j);
            }
            for (; j < colTo; j++) {
                out[j] += x[base + j];
            }
        }
    }

    @Override
    public void reduceRows(RowReduction op, float[] x, int cols, float[] out, int rowFrom, int rowTo) {
        int upper = S.loopBound(cols);
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            int j = 0;
            if (op == RowReduction.MAX) {
                float mx = Float.NEGATIVE_INFINITY;
                if (upper > 0) {
                    FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                    for (; j < upper; j += L) {
                        acc = acc.max(FloatVector.fromArray(S, x, base + j));
                    }
                    mx = acc.reduceLanes(VectorOperators.MAX);
                }
                for (; j < cols; j++) {
                    mx = Math.max(mx, x[base + j]);
                }
                out[r] = mx;
            } else {
                out[r] = (float) sum(x, base, base + cols);
            }
        }
    }

    @Override
    public double sum(float[] x, int from, int to) {
        double total = 0;
        int i = from;
        while (to - i >= L) {
            int blockEnd = Math.min(to, i + SUM_BLOCK);
            int upper = i + S.loopBound(blockEnd - i);
            FloatVector acc = FloatVector.zero(S);
            for (; i < upper; i += L) {
                acc = acc.add(FloatVector.fromArray(S, x, i));
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < to; i++) {
            total += x[i];
        }
        return total;
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (; i < upper; i += L) {
            FloatVector.fromArray(S, x, i).fma(av, FloatVector.fromArray(S, y, i)).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] += alpha * x[i];
        }
    }

    // ---- fused -------------------------------------------------------------------------------------------------------

    @Override
    public void biasActivation(UnaryOp act, float[] z, float[] bias, float[] out, int cols, int rowFrom, int rowTo) {
        int upper = S.loopBound(cols);
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            int j = 0;
            switch (act) {
                case SIGMOID -> {
                    for (; j < upper; j += L) {
                        FloatVector s = FloatVector.fromArray(S, z, base + j).add(FloatVector.fromArray(S, bias, j));
                        sigmoid(s).intoArray(out, base + j);
                    }
                    for (; j < cols; j++) {
                        out[base + j] = sigmoid(z[base + j] + bias[j]);
                    }
                }
                case TANH -> {
                    for (; j < upper; j += L) {
                        FloatVector s = FloatVector.fromArray(S, z, base + j).add(FloatVector.fromArray(S, bias, j));
                        s.lanewise(VectorOperators.TANH).intoArray(out, base + j);
                    }
                    for (; j < cols; j++) {
                        out[base + j] = (float) Math.tanh(z[base + j] + bias[j]);
                    }
                }
                case RELU -> {
                    for (; j < upper; j += L) {
                        FloatVector s = FloatVector.fromArray(S, z, base + j).add(FloatVector.fromArray(S, bias, j));
                        s.max(0).intoArray(out, base + j);
                    }
                    for (; j < cols; j++) {
                        out[base + j] = Math.max(z[base + j] + bias[j], 0);
                    }
                }
                default -> {                                 // IDENTITY
                    for (; j < upper; j += L) {
                        FloatVector.fromArray(S, z, base + j).add(FloatVector.fromArray(S, bias, j))
                                .intoArray(out, base + j);
                    }
                    for (; j < cols; j++) {
                        out[base + j] = z[base + j] + bias[j];
                    }
                }
            }
        }
    }

    @Override
    public void softmaxRows(float[] x, float[] out, int cols, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            float mx = rowMax(x, base, cols);
            int upper = S.loopBound(cols);
            int j = 0;
            FloatVector acc = FloatVector.zero(S);
            for (; j < upper; j += L) {
                FloatVector e = FloatVector.fromArray(S, x, base + j).sub(mx).lanewise(VectorOperators.EXP);
                e.intoArray(out, base + j);
                acc = acc.add(e);
            }
            double s = acc.reduceLanes(VectorOperators.ADD);
            for (; j < cols; j++) {
                float e = (float) Math.exp(x[base + j] - mx);
                out[base + j] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            j = 0;
            for (; j < upper; j += L) {
                FloatVector.fromArray(S, out, base + j).mul(inv).intoArray(out, base + j);
            }
            for (; j < cols; j++) {
                out[base + j] *= inv;
            }
        }
    }

    private static float rowMax(float[] x, int base, int cols) {
        int upper = S.loopBound(cols);
        int j = 0;
        float mx = Float.NEGATIVE_INFINITY;
        if (upper > 0) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; j < upper; j += L) {
                acc = acc.max(FloatVector.fromArray(S, x, base + j));
            }
            mx = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; j < cols; j++) {
            mx = Math.max(mx, x[base + j]);
        }
        return mx;
    }

    @Override
    public void activationBackward(UnaryOp gradFromOutput, float[] a, float[] d, float[] out, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        switch (gradFromOutput) {
            case SIGMOID_GRAD_FROM_OUTPUT -> {          // d·a(1 − a)
                for (; i < upper; i += L) {
                    FloatVector av = FloatVector.fromArray(S, a, i);
                    FloatVector.fromArray(S, d, i).mul(av).mul(av.neg().add(1)).intoArray(out, i);
                }
                for (; i < to; i++) {
                    out[i] = d[i] * a[i] * (1 - a[i]);
                }
            }
            case TANH_GRAD_FROM_OUTPUT -> {             // d·(1 − a²)
                for (; i < upper; i += L) {
                    FloatVector av = FloatVector.fromArray(S, a, i);
                    FloatVector.fromArray(S, d, i).mul(av.mul(av).neg().add(1)).intoArray(out, i);
                }
                for (; i < to; i++) {
                    out[i] = d[i] * (1 - a[i] * a[i]);
                }
            }
            case RELU_GRAD_FROM_OUTPUT -> {             // d where a > 0, else 0
                FloatVector zero = FloatVector.zero(S);
                for (; i < upper; i += L) {
                    FloatVector av = FloatVector.fromArray(S, a, i);
                    zero.blend(FloatVector.fromArray(S, d, i), av.compare(VectorOperators.GT, 0)).intoArray(out, i);
                }
                for (; i < to; i++) {
                    out[i] = a[i] > 0 ? d[i] : 0;
                }
            }
            default -> {                                // identity: out = d
                if (out != d) {
                    System.arraycopy(d, from, out, from, to - from);
                }
            }
        }
    }

    @Override
    public double lossAndDelta(BinaryOp term, UnaryOp outputGrad, float[] f, float[] t, float[] delta, float invN,
                               int from, int to) {
        double loss = 0;
        int i = from;
        while (to - i >= L) {                                    // blocks keep the float lane sums short
            int blockEnd = Math.min(to, i + SUM_BLOCK);
            int upper = i + S.loopBound(blockEnd - i);
            FloatVector acc = FloatVector.zero(S);
            for (; i < upper; i += L) {
                FloatVector fv = FloatVector.fromArray(S, f, i);
                FloatVector tv = FloatVector.fromArray(S, t, i);
                FloatVector diff = fv.sub(tv);
                FloatVector termV;
                FloatVector grad;
                switch (term) {
                    case HALF_SQUARED_ERROR -> termV = diff.mul(diff).mul((float) 0.5);
                    case BINARY_CROSS_ENTROPY -> termV = tv.mul(logAtLeastEps(fv))
                            .add(tv.neg().add(1).mul(logAtLeastEps(fv.neg().add(1)))).neg();
                    default -> termV = tv.mul(logAtLeastEps(fv)).neg();
                }
                switch (outputGrad) {
                    case SIGMOID_GRAD_FROM_OUTPUT -> grad = fv.mul(fv.neg().add(1));
                    case TANH_GRAD_FROM_OUTPUT -> grad = fv.mul(fv).neg().add(1);
                    case RELU_GRAD_FROM_OUTPUT -> grad = FloatVector.zero(S).blend(FloatVector.broadcast(S, 1), fv.compare(VectorOperators.GT, 0));
                    default -> grad = FloatVector.broadcast(S, 1);
                }
                acc = acc.add(termV);
                diff.mul(grad).mul(invN).intoArray(delta, i);
            }
            loss += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < to; i++) {
            float fi = f[i];
            float ti = t[i];
            loss += scalarBinary(term, fi, ti);
            float grad = switch (outputGrad) {
                case SIGMOID_GRAD_FROM_OUTPUT -> fi * (1 - fi);
                case TANH_GRAD_FROM_OUTPUT -> 1 - fi * fi;
                case RELU_GRAD_FROM_OUTPUT -> fi > 0 ? 1 : 0;
                default -> 1;
            };
            delta[i] = (fi - ti) * grad * invN;
        }
        return loss;
    }

    @Override
    public void sgdStep(float[] w, float[] g, float[] v, float lr, float momentum, float weightDecay, int from,
                        int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector decay = FloatVector.broadcast(S, weightDecay);
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        if (v != null) {                                         // g' = g + λw; v = μv + g'; w −= lr·v
            FloatVector mu = FloatVector.broadcast(S, momentum);
            for (; i < upper; i += L) {
                FloatVector wv = FloatVector.fromArray(S, w, i);
                FloatVector gd = wv.fma(decay, FloatVector.fromArray(S, g, i));
                FloatVector vv = FloatVector.fromArray(S, v, i).fma(mu, gd);
                vv.intoArray(v, i);
                vv.fma(negLr, wv).intoArray(w, i);
            }
            for (; i < to; i++) {
                float gd = g[i] + weightDecay * w[i];
                v[i] = momentum * v[i] + gd;
                w[i] -= lr * v[i];
            }
        } else {                                                 // w −= lr·(g + λw)
            for (; i < upper; i += L) {
                FloatVector wv = FloatVector.fromArray(S, w, i);
                FloatVector gd = wv.fma(decay, FloatVector.fromArray(S, g, i));
                gd.fma(negLr, wv).intoArray(w, i);
            }
            for (; i < to; i++) {
                w[i] -= lr * (g[i] + weightDecay * w[i]);
            }
        }
    }

    @Override
    public void adamStep(float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2,
                         float epsilon, float weightDecay, float invC1, float invC2, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector decay = FloatVector.broadcast(S, weightDecay);
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        for (; i < upper; i += L) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector gd = wv.fma(decay, FloatVector.fromArray(S, g, i));
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(gd.mul(1 - beta1));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gd.mul(gd).mul(1 - beta2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector step = mv.mul(invC1).div(vv.mul(invC2).sqrt().add(epsilon));
            step.fma(negLr, wv).intoArray(w, i);
        }
        for (; i < to; i++) {
            float gd = g[i] + weightDecay * w[i];
            float mi = beta1 * m[i] + (1 - beta1) * gd;
            float vi = beta2 * v[i] + (1 - beta2) * gd * gd;
            m[i] = mi;
            v[i] = vi;
            w[i] -= lr * (mi * invC1) / ((float) Math.sqrt(vi * invC2) + epsilon);
        }
    }
}
