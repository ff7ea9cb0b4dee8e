package dev.nabla.cpu;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The Vector API path on float arrays.
 *
 * <p>One pattern throughout. Each op's loop is a method of its own (a constant of the enums below, or a static method),
 * called through a {@link MethodHandle} that is not a compile-time constant, so that C2 compiles every loop as a
 * root of its own and never inlines it into its caller (see {@link #call}): a caller inlining two loops passed C2's
 * node limit and boxed its vectors (EXP ran 25× slower once SIGMOID had been used; biasActivation(σ) allocated 32 KB
 * a call in CI's JVM, whose profile had seen σ and tanh). Inside a loop every method of ours that takes or returns a
 * vector must be inlined: {@link VectorInlining}'s compiler directive forces that past C2's heuristics, but not past
 * NodeCountInliningCutoff, after which C2 stops inlining them: so no loop
 * holds two logarithms (binary cross-entropy runs in two passes over a per-thread tile, {@link #bceFirstTerm}),
 * and a loop's lane sum is stored to an array and summed there ({@link FloatLanes}). CpuFloatAllocationTest holds
 * every op to under 1 KiB per call after a JVM has run all of them. A loop runs over whole vectors; the
 * remaining entries are copied into a per-thread scratch vector and run through the SAME loop method, so every
 * element is computed by the same compiled code wherever it falls: results are the same bits for any chunking and
 * thread count. (Masked loads are not intrinsified on AVX2 in JDK 17; a masked remainder would run exp/log/tanh in
 * the Java fallback and round differently from the body's SVML stubs.) Lane sums are taken in lane order
 * ({@link FloatLanes}). exp, log, tanh and σ are {@link VectorFloatMath}'s polynomials, not the Vector API's lanewise
 * EXP/LOG/TANH (whose Java fallback and compiled SVML stubs differ in the last bit, so results changed once C2
 * compiled a kernel): they use only exactly specified operations and give the same bits in every JIT tier, and the
 * same bits as the plain path's {@link FloatMath}. Each fused op reads and writes memory once.
 *
 * <p>TEMPLATE: the build derives VectorDoubleKernels from this file (float → double); see cpu-backend/pom.xml.
 */
final class VectorFloatKernels implements FloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements summed in vector lanes before the partial goes into a double accumulator. */
    private static final int SUM_BLOCK = 1024;
    /** Elements of σ's tile of e^−|x| (see {@link #sigmoidRange}): with its block of x, 16 KiB of L1. */
    private static final int SIGMOID_BLOCK = 2048;
    /**
     * σ as two loops ({@link #sigmoidRange}) on JDK 17 and for 8-byte elements, as one loop for 4-byte elements on
     * later JDKs. One loop is faster (its divide overlaps the exp's FMAs: JMH σ on 16M floats took 3.3–3.9 ms against
     * 4.6–6.9 in two loops, JDK 17, AVX-512), but on JDK 17 it is compiled in most JVMs of a wide sigmoid network with
     * its final store as a call, which boxes every vector (3–4 MB a training step, and the step 1.3–2× slower), and
     * with doubles (a degree-13 exp) it passes NodeCountInliningCutoff on every JDK: Temurin 25 left σ's second half
     * a call and boxed 72 bytes per element (CpuFloatAllocationTest, FLOAT64 σ). {@code -Dnabla.cpu.sigmoid.loops=1|2}
     * overrides (the tests run both).
     */
    static final boolean SIGMOID_TWO_LOOPS = sigmoidLoops(Integer.getInteger("nabla.cpu.sigmoid.loops", 0),
            Runtime.version().feature(), Float.BYTES) == 2;

    /** 2 on JDK 17 and older or for elements of 8 bytes, else 1; {@code requested} 1 or 2 wins. */
    static int sigmoidLoops(int requested, int jdkFeature, int elementBytes) {
        if (requested == 1 || requested == 2) {
            return requested;
        }
        return jdkFeature <= 17 || elementBytes >= 8 ? 2 : 1;
    }
    private static final float EPS = (float) BinaryOp.PROBABILITY_EPSILON;

    /** Per-thread scratch vectors for loop remainders. */
    private static final class Scratch {
        final float[] a = new float[L];
        final float[] b = new float[L];
        final float[] c = new float[L];
        final float[] out = new float[L];
        /** A vector's lanes, reduced in lane order by {@link FloatLanes} (a vector handed to a method C2 did not inline boxes). */
        final float[] lanes = new float[L];
        /** Binary cross-entropy's first term over up to SUM_BLOCK elements (see {@link VectorFloatKernels#bceFirstTerm}). */
        final float[] tile = new float[SUM_BLOCK];
        /** σ's e^−|x| over up to SIGMOID_BLOCK elements (see {@link VectorFloatKernels#sigmoidRange}). */
        final float[] expNegAbs = new float[SIGMOID_BLOCK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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

    // ---- calling a loop ----------------------------------------------------------------------------------------------
    // Each loop is compiled on its own, and must stay so. A virtual call on the loop's enum constant is not enough: at
    // a call site whose profile has seen one or two loops (or one dominant one) C2 inlines them, and a caller inlining
    // two of σ's, tanh's or log's polynomials (two activations, or the body and the remainder of one op) passes C2's
    // node limit; it then boxes a vector per step, kilobytes per call, depending on which ops the JVM ran first. A
    // MethodHandle that is not a compile-time constant (an instance field, or an enum constant's field read through a
    // variable) is a call C2 never inlines. The loops take and return no vectors, so the call costs only the call,
    // once per row or range. (VectorHalfKernels does the same for the 16-bit loops.)



    /** A unary loop: run(p, x, y, i, end). */
    private static void call(MethodHandle run, float p, float[] x, float[] y, int i, int end) {
        try {
            run.invokeExact(p, x, y, i, end);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** A binary or bias loop: run(a, ia, b, ib, out, o, len). */
    private static void call(MethodHandle run, float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
        try {
            run.invokeExact(a, ia, b, ib, out, o, len);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** A backward loop: run(a, d, out, i, end). */
    private static void call(MethodHandle run, float[] a, float[] d, float[] out, int i, int end) {
        try {
            run.invokeExact(a, d, out, i, end);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** {@link #expShifted}. */
    private static void call(MethodHandle run, float[] x, int ix, float mx, float[] out, int o, int len) {
        try {
            run.invokeExact(x, ix, mx, out, o, len);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** {@link #sumRange}: its Σ. */
    private static double call(MethodHandle run, float[] x, int from, int to) {
        try {
            return (double) run.invokeExact(x, from, to);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** {@link #bceTerms}: run(f, if, t, it, u, out, o, len). */
    private static void call(MethodHandle run, float[] f, int jf, float[] t, int jt, float[] u, float[] out, int o,
                             int len) {
        try {
            run.invokeExact(f, jf, t, jt, u, out, o, len);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** A loss-sum loop or {@link #bceSum}: its lane-ordered Σ. */
    private static float call(MethodHandle run, float[] f, float[] t, float[] u, float[] lanes, int i, int end) {
        try {
            return (float) run.invokeExact(f, t, u, lanes, i, end);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** {@link #crossEntropyTerms}. */
    private static void call(MethodHandle run, float[] z, float[] t, int base, float mx, float logSum, float[] out,
                             int len) {
        try {
            run.invokeExact(z, t, base, mx, logSum, out, len);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** {@link #expNegAbs}. */
    private static void call(MethodHandle run, float[] x, int ix, float[] e, int len) {
        try {
            run.invokeExact(x, ix, e, len);
        } catch (Throwable t) {
            throw LoopHandles.unchecked(t);
        }
    }

    /** {@link #biasExpNegAbs}. */
    private static void call(MethodHandle run, float[] z, int iz, float[] b, int ib, float[] out, int o, float[] e,
                             int len) {
        try {
            run.invokeExact(z, iz, b, ib, out, o, e, len);
        } catch (Throwable t) {
            throw LoopHandles.unchecked(t);
        }
    }

    /** {@link #sigmoidFromExp}. */
    private static void call(MethodHandle run, float[] x, int ix, float[] e, float[] y, int iy, int len) {
        try {
            run.invokeExact(x, ix, e, y, iy, len);
        } catch (Throwable t) {
            throw LoopHandles.unchecked(t);
        }
    }

    /** {@link #deltaBlock}. */
    private static void call(MethodHandle run, UnaryOp outputGrad, float[] f, float[] t, float[] delta, float invN,
                             int i, int end) {
        try {
            run.invokeExact(outputGrad, f, t, delta, invN, i, end);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /**
     * The static loops, each called through its handle: an enum constant's final field, which C2 does not fold to a
     * constant (a static final MethodHandle it would, and inline the loop into the caller).
     */
    private enum Pass {
        EXP_SHIFTED("expShifted", MethodType.methodType(void.class, float[].class, int.class, float.class,
                float[].class, int.class, int.class)),
        SUM_RANGE("sumRange", MethodType.methodType(double.class, float[].class, int.class, int.class)),
        BCE_FIRST_TERM("bceFirstTerm", MethodType.methodType(void.class, float[].class, int.class, float[].class,
                int.class, float[].class, int.class, int.class)),
        BCE_TERMS("bceTerms", MethodType.methodType(void.class, float[].class, int.class, float[].class, int.class,
                float[].class, float[].class, int.class, int.class)),
        BCE_SUM("bceSum", MethodType.methodType(float.class, float[].class, float[].class, float[].class,
                float[].class, int.class, int.class)),
        CE_TERMS("crossEntropyTerms", MethodType.methodType(void.class, float[].class, float[].class, int.class,
                float.class, float.class, float[].class, int.class)),
        DELTA("deltaBlock", MethodType.methodType(void.class, UnaryOp.class, float[].class, float[].class,
                float[].class, float.class, int.class, int.class)),
        EXP_NEG_ABS("expNegAbs", MethodType.methodType(void.class, float[].class, int.class, float[].class,
                int.class)),
        BIAS_EXP_NEG_ABS("biasExpNegAbs", MethodType.methodType(void.class, float[].class, int.class,
                float[].class, int.class, float[].class, int.class, float[].class, int.class)),
        SIGMOID_FROM_EXP("sigmoidFromExp", MethodType.methodType(void.class, float[].class, int.class,
                float[].class, float[].class, int.class, int.class));

        final MethodHandle run;

        Pass(String name, MethodType type) {
            run = LoopHandles.findStatic(MethodHandles.lookup(), VectorFloatKernels.class, name, type);
        }
    }

    // ---- the formulas ------------------------------------------------------------------------------------------------

    // No splat(v) helper here: a broadcast before a kernel's loop runs once per call, so in a call with a long loop
    // JDK 17's C2 saw a helper of ours called a few hundred times in the interpreter and would not inline it
    // ("executed < MinInliningThreshold times"), and the helper returned a boxed vector: sgdStep allocated 288 bytes
    // per chunk, a third of the 1024-wide step's heap. FloatVector.broadcast is @ForceInline in the JDK.
    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }

    /** g'(z) from the stored output a, for the four *_GRAD_FROM_OUTPUT ops. */
    private static FloatVector gradFromOutput(UnaryOp grad, FloatVector a) {
        return switch (grad) {
            case SIGMOID_GRAD_FROM_OUTPUT -> a.mul(a.neg().add(1));                              // a(1 − a)
            case TANH_GRAD_FROM_OUTPUT -> a.mul(a).neg().add(1);                                 // 1 − a²
            case RELU_GRAD_FROM_OUTPUT -> FloatVector.zero(S).blend(1, a.compare(VectorOperators.GT, 0));
            default -> FloatVector.broadcast(S, (float) 1);                                             // identity
        };
    }

    /** ln max(p, ε): the guarded logarithm of the cross-entropies. */
    private static FloatVector logAtLeastEps(FloatVector p) {
        return VectorFloatMath.log(p.max(EPS));
    }

    /**
     * The per-element loss terms on vectors (f, t). The binary loops call each term's method directly: a loop inlining
     * this switch would hold all three terms' logarithms (the switch on an enum constant is not folded) and could pass
     * C2's node limit.
     */
    private static FloatVector lossTerm(BinaryOp term, FloatVector f, FloatVector t) {
        return switch (term) {
            case HALF_SQUARED_ERROR -> halfSquaredError(f, t);
            case BINARY_CROSS_ENTROPY -> binaryCrossEntropy(f, t);
            default -> crossEntropy(f, t);
        };
    }

    /** ½(f − t)², as (½d)·d as BinaryOp: d² may overflow where ½d² does not. */
    private static FloatVector halfSquaredError(FloatVector f, FloatVector t) {
        FloatVector d = f.sub(t);
        return d.mul((float) 0.5).mul(d);
    }

    /** −(t·ln max(f, ε) + (1 − t)·ln max(1 − f, ε)); the loops use its two halves below instead. */
    private static FloatVector binaryCrossEntropy(FloatVector f, FloatVector t) {
        return binaryCrossEntropy(bceFirstTerm(f, t), f, t);
    }

    /** t·ln max(f, ε): binary cross-entropy's first term. */
    private static FloatVector bceFirstTerm(FloatVector f, FloatVector t) {
        return t.mul(logAtLeastEps(f));
    }

    /** −(u + (1 − t)·ln max(1 − f, ε)), u the first term: the rest of binary cross-entropy, in its order. */
    private static FloatVector binaryCrossEntropy(FloatVector u, FloatVector f, FloatVector t) {
        return u.add(t.neg().add(1).mul(logAtLeastEps(f.neg().add(1)))).neg();
    }

    /**
     * u[o..o+len) = t·ln max(f, ε), len a multiple of the vector length. Binary cross-entropy runs as this loop and
     * then {@link #bceTerms} or {@link #bceSum}, over a per-thread tile: one loop holding both logarithms passes C2's
     * NodeCountInliningCutoff, after which C2 stops inlining our methods and boxes the vectors they take (64 KiB a
     * call at 4096 floats). Stored and reloaded, u keeps its bits: the same result as one loop.
     */
    private static void bceFirstTerm(float[] f, int jf, float[] t, int jt, float[] u, int o, int len) {
        for (int j = 0; j < len; j += L) {
            bceFirstTerm(load(f, jf + j), load(t, jt + j)).intoArray(u, o + j);
        }
    }

    /** out[o..o+len) = binary cross-entropy from u[0..len) = {@link #bceFirstTerm}; out may be f or t. */
    private static void bceTerms(float[] f, int jf, float[] t, int jt, float[] u, float[] out, int o, int len) {
        for (int j = 0; j < len; j += L) {
            binaryCrossEntropy(load(u, j), load(f, jf + j), load(t, jt + j)).intoArray(out, o + j);
        }
    }

    /** The lane-ordered Σ of binary cross-entropy over [i, end), u[0..end − i) = {@link #bceFirstTerm}. */
    private static float bceSum(float[] f, float[] t, float[] u, float[] lanes, int i, int end) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; i < end; i += L, j += L) {
            acc = acc.add(binaryCrossEntropy(load(u, j), load(f, i), load(t, i)));
        }
        acc.intoArray(lanes, 0);
        return FloatLanes.sum(lanes);
    }


    /** −t·ln max(f, ε). */
    private static FloatVector crossEntropy(FloatVector f, FloatVector t) {
        return t.mul(logAtLeastEps(f)).neg();
    }

    // ---- unary -------------------------------------------------------------------------------------------------------

    /** y[i..i+len) = op(x[i..i+len)), len a multiple of the vector length; one class per op. */
    private enum UnaryLoop {
        SCALE { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { load(x, i).mul(p).intoArray(y, i); } } },
        ADD_SCALAR { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { load(x, i).add(p).intoArray(y, i); } } },
        SQUARE { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { FloatVector v = load(x, i); v.mul(v).intoArray(y, i); } } },
        SQRT { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { load(x, i).sqrt().intoArray(y, i); } } },
        EXP { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { VectorFloatMath.exp(load(x, i)).intoArray(y, i); } } },
        LOG { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { VectorFloatMath.log(load(x, i)).intoArray(y, i); } } },
        TANH { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { VectorFloatMath.tanh(load(x, i)).intoArray(y, i); } } },
        RELU { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { load(x, i).max(0).intoArray(y, i); } } },
        SIGMOID_GRAD { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { FloatVector a = load(x, i); a.mul(a.neg().add(1)).intoArray(y, i); } } },
        TANH_GRAD { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { FloatVector a = load(x, i); a.mul(a).neg().add(1).intoArray(y, i); } } },
        RELU_GRAD { void run(float p, float[] x, float[] y, int i, int end) {
            FloatVector zero = FloatVector.zero(S);
            for (; i < end; i += L) { zero.blend(1, load(x, i).compare(VectorOperators.GT, 0)).intoArray(y, i); } } },
        SIGMOID { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { VectorFloatMath.sigmoid(load(x, i)).intoArray(y, i); } } },
        ONES { void run(float p, float[] x, float[] y, int i, int end) {
            java.util.Arrays.fill(y, i, end, 1); } },
        ABS { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { load(x, i).abs().intoArray(y, i); } } },
        // Math.pow lane by lane, not lanewise(POW): that one's Java fallback and a JDK's SVML stub may differ in the
        // last bit (exp and log did, see the class comment); Math.pow gives the plain path's bits in every JIT tier,
        // and on JDK 17 (no vector stubs by default) lanewise(POW) runs this same scalar loop anyway.
        POW { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i++) { y[i] = (float) Math.pow(x[i], p); } } },
        MAX_SCALAR { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { load(x, i).max(p).intoArray(y, i); } } },
        MIN_SCALAR { void run(float p, float[] x, float[] y, int i, int end) {
            for (; i < end; i += L) { load(x, i).min(p).intoArray(y, i); } } };

        abstract void run(float p, float[] x, float[] y, int i, int end);

        /** {@link #run} on this constant, called through a handle that C2 does not inline (see {@link #call}). */
        final MethodHandle run = LoopHandles.bound(MethodHandles.lookup(), this,
                UnaryLoop.class, MethodType.methodType(void.class, float.class,
                float[].class, float[].class, int.class, int.class));

        static UnaryLoop of(UnaryOp op) {
            return switch (op) {
                case IDENTITY -> null;
                case SCALE -> SCALE;
                case ADD_SCALAR -> ADD_SCALAR;
                case SQUARE -> SQUARE;
                case SQRT -> SQRT;
                case EXP -> EXP;
                case LOG -> LOG;
                case SIGMOID -> SIGMOID;
                case TANH -> TANH;
                case RELU -> RELU;
                case SIGMOID_GRAD_FROM_OUTPUT -> SIGMOID_GRAD;
                case TANH_GRAD_FROM_OUTPUT -> TANH_GRAD;
                case RELU_GRAD_FROM_OUTPUT -> RELU_GRAD;
                case IDENTITY_GRAD_FROM_OUTPUT -> ONES;
                case ABS -> ABS;
                case POW -> POW;
                case MAX_SCALAR -> MAX_SCALAR;
                case MIN_SCALAR -> MIN_SCALAR;
            };
        }
    }

    @Override
    public void unary(UnaryOp op, float p, float[] x, float[] y, int from, int to) {
        if (op == UnaryOp.IDENTITY) {
            if (x != y) {
                System.arraycopy(x, from, y, from, to - from);
            }
            return;
        }
        if (op == UnaryOp.SIGMOID && SIGMOID_TWO_LOOPS) {
            sigmoidRange(x, y, from, to);
            return;
        }
        MethodHandle loop = UnaryLoop.of(op).run;
        int upper = from + S.loopBound(to - from);
        call(loop, p, x, y, from, upper);
        int n = to - upper;
        if (n > 0) {
            Scratch s = SCRATCH.get();
            System.arraycopy(x, upper, s.a, 0, n);
            call(loop, p, s.a, s.out, 0, L);
            System.arraycopy(s.out, 0, y, upper, n);
        }
    }

    /**
     * y[from..to) = σ(x[from..to)), y may be x, as two loops over a per-thread tile of SIGMOID_BLOCK elements (on JDK 17,
     * see {@link #SIGMOID_TWO_LOOPS}):
     * e = e^−|x| ({@link #expNegAbs}), then σ from x and e ({@link #sigmoidFromExp}). One loop holding all of σ inlined
     * about 1,000 methods, and in most JVMs of a 1024-wide sigmoid training step JDK 17's C2 then left that loop's
     * final store as a call ("missing constant: vclass=DecodeN" under -XX:+PrintIntrinsics) and boxed every vector,
     * 3–4 MB a step (CpuWideSigmoidStepAllocationTest). Stored and reloaded, e keeps its bits: the same result as one
     * loop, and as FloatMath. The other fix tried, a static constant vector for each scalar operand of σ, cost more:
     * C2 reloaded all 18 constants in every iteration (σ 1.85× slower; docs/performance.md).
     */
    private static void sigmoidRange(float[] x, float[] y, int from, int to) {
        Scratch s = SCRATCH.get();
        int upper = from + S.loopBound(to - from);
        for (int i = from; i < upper; i += SIGMOID_BLOCK) {
            int m = Math.min(SIGMOID_BLOCK, upper - i);
            call(Pass.EXP_NEG_ABS.run, x, i, s.expNegAbs, m);
            call(Pass.SIGMOID_FROM_EXP.run, x, i, s.expNegAbs, y, i, m);
        }
        int n = to - upper;
        if (n > 0) {
            System.arraycopy(x, upper, s.a, 0, n);
            call(Pass.EXP_NEG_ABS.run, s.a, 0, s.expNegAbs, L);
            call(Pass.SIGMOID_FROM_EXP.run, s.a, 0, s.expNegAbs, s.out, 0, L);
            System.arraycopy(s.out, 0, y, upper, n);
        }
    }

    /** e[0..len) = e^−|x[ix..]|, σ's first loop; len a multiple of the vector length. */
    private static void expNegAbs(float[] x, int ix, float[] e, int len) {
        for (int j = 0; j < len; j += L) {
            VectorFloatMath.expNegAbs(load(x, ix + j)).intoArray(e, j);
        }
    }

    /** out[o..o+len) = v = z[iz..] + b[ib..], and e[0..len) = e^−|v|: bias + σ's first loop. */
    private static void biasExpNegAbs(float[] z, int iz, float[] b, int ib, float[] out, int o, float[] e, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector v = load(z, iz + j).add(load(b, ib + j));
            v.intoArray(out, o + j);
            VectorFloatMath.expNegAbs(v).intoArray(e, j);
        }
    }

    /** y[iy..iy+len) = σ(x[ix..]) from e[0..len) = {@link #expNegAbs}, σ's second loop; y may be x. */
    private static void sigmoidFromExp(float[] x, int ix, float[] e, float[] y, int iy, int len) {
        for (int j = 0; j < len; j += L) {
            VectorFloatMath.sigmoidFromExpNegAbs(load(x, ix + j), load(e, j)).intoArray(y, iy + j);
        }
    }

    // ---- binary ------------------------------------------------------------------------------------------------------

    /** The type of the binary and bias loops' run(a, ia, b, ib, out, o, len). */
    private static final MethodType LOOP_TYPE = MethodType.methodType(void.class, float[].class, int.class,
            float[].class, int.class, float[].class, int.class, int.class);

    /** out[o..o+len) = op(a[ia..], b[ib..]) element by element, len a multiple of the vector length. */
    private enum BinaryLoop {
        ADD { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) { load(a, ia + j).add(load(b, ib + j)).intoArray(out, o + j); } } },
        SUB { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) { load(a, ia + j).sub(load(b, ib + j)).intoArray(out, o + j); } } },
        MUL { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) { load(a, ia + j).mul(load(b, ib + j)).intoArray(out, o + j); } } },
        DIV { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) { load(a, ia + j).div(load(b, ib + j)).intoArray(out, o + j); } } },
        MAX { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) { load(a, ia + j).max(load(b, ib + j)).intoArray(out, o + j); } } },
        MIN { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) { load(a, ia + j).min(load(b, ib + j)).intoArray(out, o + j); } } },
        HALF_SQUARED_ERROR { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) {
                halfSquaredError(load(a, ia + j), load(b, ib + j)).intoArray(out, o + j);
            } } },
        // two passes over a per-thread tile: one loop with both logarithms passes C2's node limit (see bceFirstTerm)
        BINARY_CROSS_ENTROPY { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            float[] u = SCRATCH.get().tile;
            for (int j = 0; j < len; j += SUM_BLOCK) {
                int w = Math.min(SUM_BLOCK, len - j);
                call(Pass.BCE_FIRST_TERM.run, a, ia + j, b, ib + j, u, 0, w);
                call(Pass.BCE_TERMS.run, a, ia + j, b, ib + j, u, out, o + j, w);
            } } },
        CROSS_ENTROPY { void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) {
                crossEntropy(load(a, ia + j), load(b, ib + j)).intoArray(out, o + j);
            } } };

        abstract void run(float[] a, int ia, float[] b, int ib, float[] out, int o, int len);

        /** {@link #run} on this constant, called through a handle that C2 does not inline (see {@link #call}). */
        final MethodHandle run = LoopHandles.bound(MethodHandles.lookup(), this, BinaryLoop.class, LOOP_TYPE);

        static MethodHandle of(BinaryOp op) {
            return valueOf(op.name()).run;
        }
    }

    @Override
    public void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to) {
        MethodHandle loop = BinaryLoop.of(op);
        int len = S.loopBound(to - from);
        call(loop, a, from, b, from, out, from, len);
        int n = to - from - len;
        if (n > 0) {
            Scratch s = SCRATCH.get();
            System.arraycopy(a, from + len, s.a, 0, n);
            System.arraycopy(b, from + len, s.b, 0, n);
            call(loop, s.a, 0, s.b, 0, s.out, 0, L);
            System.arraycopy(s.out, 0, out, from + len, n);
        }
    }

    @Override
    public void binaryBroadcast(BinaryOp op, float[] a, float[] b, Broadcast broadcast, float[] out, int cols,
                                int rowFrom, int rowTo) {
        MethodHandle loop = BinaryLoop.of(op);
        int len = S.loopBound(cols);
        int n = cols - len;
        Scratch s = SCRATCH.get();
        if (broadcast == Broadcast.COLUMN) {
            java.util.Arrays.fill(s.b, 0);
        }
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            if (broadcast == Broadcast.ROW) {                    // out[r][j] = op(a[r][j], b[j])
                call(loop, a, base, b, 0, out, base, len);
                if (n > 0) {
                    System.arraycopy(b, len, s.b, 0, n);
                }
            } else {                                             // out[r][j] = op(a[r][j], b[r]): b[r] in every lane
                java.util.Arrays.fill(s.c, b[r]);
                for (int j = 0; j < len; j += L) {
                    call(loop, a, base + j, s.c, 0, out, base + j, L);
                }
                java.util.Arrays.fill(s.b, b[r]);
            }
            if (n > 0) {
                System.arraycopy(a, base + len, s.a, 0, n);
                call(loop, s.a, 0, s.b, 0, s.out, 0, L);
                System.arraycopy(s.out, 0, out, base + len, n);
            }
        }
    }

    // ---- reductions (no transcendental functions: masked remainders are exact) ---------------------------------------

    @Override
    public void sumColumns(float[] x, int rows, int cols, float[] out, int colFrom, int colTo) {
        java.util.Arrays.fill(out, colFrom, colTo, 0);
        int upper = colFrom + S.loopBound(colTo - colFrom);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int j = colFrom;
            for (; j < upper; j += L) {
                load(out, j).add(load(x, base + j)).intoArray(out, j);
            }
            for (; j < colTo; j++) {                             // the same single add per element
                out[j] += x[base + j];
            }
        }
        for (int j = colFrom; j < colTo; j++) {                  // the float sum overflowed, or the column holds
            if (!Float.isFinite(out[j])) {                       // ±∞ or NaN: again in double, which gives the
                out[j] = (float) columnSumInDouble(x, rows, cols, j);  // IEEE result of the exact sum
            }
        }
    }

    /** Σ_r x[r][j] accumulated in double: no float overflow in the partial sums. */
    private static double columnSumInDouble(float[] x, int rows, int cols, int j) {
        double s = 0;
        for (int r = 0; r < rows; r++) {
            s += x[r * cols + j];
        }
        return s;
    }

    @Override
    public void reduceRows(RowReduction op, float[] x, int cols, float[] out, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            out[r] = switch (op) {
                case MAX -> rowMax(x, base, cols);
                case MIN -> rowMin(x, base, cols);
                case SUM -> (float) sum(x, base, base + cols);
            };
        }
    }

    /** min of x[base, base + cols); +∞ for an empty row, NaN when the row holds one (exact in any order). */
    private static float rowMin(float[] x, int base, int cols) {
        int upper = S.loopBound(cols);
        float mn = Float.POSITIVE_INFINITY;
        int j = 0;
        if (upper > 0) {
            FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
            for (; j < upper; j += L) {
                acc = acc.min(load(x, base + j));
            }
            float[] lanes = SCRATCH.get().lanes;             // not the vector itself: see FloatLanes
            acc.intoArray(lanes, 0);
            mn = FloatLanes.min(lanes);
        }
        for (; j < cols; j++) {
            mn = Math.min(mn, x[base + j]);
        }
        return mn;
    }

    /** max of x[base, base + cols); −∞ for an empty row (max is exact: the order does not matter). */
    private static float rowMax(float[] x, int base, int cols) {
        int upper = S.loopBound(cols);
        float mx = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (upper > 0) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; j < upper; j += L) {
                acc = acc.max(load(x, base + j));
            }
            float[] lanes = SCRATCH.get().lanes;             // not the vector itself: see FloatLanes
            acc.intoArray(lanes, 0);
            mx = FloatLanes.max(lanes);
        }
        for (; j < cols; j++) {
            mx = Math.max(mx, x[base + j]);
        }
        return mx;
    }

    /**
     * Σ x[from..to): vector lanes over blocks of SUM_BLOCK, each block's lane sum added to a double in order. A block
     * whose float partial sum is not finite (it overflowed, or holds ±∞ or NaN) is summed again in double, so that
     * [3e38, 3e38, −3e38] is 3e38 and only an exact sum beyond the float range, or a non-finite element, gives ±∞ or
     * NaN (IEEE: ∞ + (−∞) is NaN).
     */
    @Override
    public double sum(float[] x, int from, int to) {
        return sumRange(x, from, to);
    }

    /** {@link #sum}, static: the softmax calls it through its handle. */
    private static double sumRange(float[] x, int from, int to) {
        double total = 0;
        float[] lanes = SCRATCH.get().lanes;
        int i = from;
        while (i < to) {
            int blockStart = i;
            int blockEnd = Math.min(to, i + SUM_BLOCK);
            int upper = i + S.loopBound(blockEnd - i);
            FloatVector acc = FloatVector.zero(S);
            for (; i < upper; i += L) {
                acc = acc.add(load(x, i));
            }
            acc.intoArray(lanes, 0);                             // not the vector itself: see FloatLanes
            float partial = FloatLanes.sum(lanes);
            for (; i < blockEnd; i++) {                          // the block's remainder, in order
                partial += x[i];
            }
            total += Float.isFinite(partial) ? partial : sumInDouble(x, blockStart, blockEnd);
        }
        return total;
    }

    /** Σ x[from..to) accumulated in double, element by element: the slow path of an overflowed block. */
    private static double sumInDouble(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (; i < upper; i += L) {
            load(x, i).fma(av, load(y, i)).intoArray(y, i);
        }
        for (; i < to; i++) {                                    // Math.fma: the vector body's rounding exactly
            y[i] = Math.fma(x[i], alpha, y[i]);
        }
    }

    // ---- fused -------------------------------------------------------------------------------------------------------

    /**
     * out[o..o+len) = g(z[iz..] + b[ib..]), len a multiple of the vector length; one class per activation. σ in two
     * loops (JDK 17) is {@link #biasExpNegAbs} and {@link #sigmoidFromExp} instead, like {@link #sigmoidRange}: z + b
     * is stored and reloaded as a float, the value one loop rounds it to, so the bits are the same.
     */
    private enum BiasLoop {
        IDENTITY { void run(float[] z, int iz, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) { load(z, iz + j).add(load(b, ib + j)).intoArray(out, o + j); } } },
        TANH { void run(float[] z, int iz, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) {
                VectorFloatMath.tanh(load(z, iz + j).add(load(b, ib + j))).intoArray(out, o + j);
            } } },
        SIGMOID { void run(float[] z, int iz, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) {
                VectorFloatMath.sigmoid(load(z, iz + j).add(load(b, ib + j))).intoArray(out, o + j);
            } } },
        RELU { void run(float[] z, int iz, float[] b, int ib, float[] out, int o, int len) {
            for (int j = 0; j < len; j += L) { load(z, iz + j).add(load(b, ib + j)).max(0).intoArray(out, o + j); } } };

        abstract void run(float[] z, int iz, float[] b, int ib, float[] out, int o, int len);

        /** {@link #run} on this constant, called through a handle that C2 does not inline (see {@link #call}). */
        final MethodHandle run = LoopHandles.bound(MethodHandles.lookup(), this, BiasLoop.class, LOOP_TYPE);
    }

    @Override
    public void biasActivation(UnaryOp act, float[] z, float[] bias, float[] out, int cols, int rowFrom, int rowTo) {
        boolean twoLoops = act == UnaryOp.SIGMOID && SIGMOID_TWO_LOOPS;
        MethodHandle loop = switch (act) {
            case SIGMOID -> twoLoops ? BiasLoop.IDENTITY.run : BiasLoop.SIGMOID.run;   // two: σ after z + b
            case TANH -> BiasLoop.TANH.run;
            case RELU -> BiasLoop.RELU.run;
            default -> BiasLoop.IDENTITY.run;
        };
        int len = S.loopBound(cols);
        int n = cols - len;
        Scratch s = SCRATCH.get();
        if (n > 0) {
            System.arraycopy(bias, len, s.b, 0, n);
        }
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            if (twoLoops) {
                for (int c = 0; c < len; c += SIGMOID_BLOCK) {
                    int m = Math.min(SIGMOID_BLOCK, len - c);
                    call(Pass.BIAS_EXP_NEG_ABS.run, z, base + c, bias, c, out, base + c, s.expNegAbs, m);
                    call(Pass.SIGMOID_FROM_EXP.run, out, base + c, s.expNegAbs, out, base + c, m);
                }
            } else {
                call(loop, z, base, bias, 0, out, base, len);
            }
            if (n > 0) {
                System.arraycopy(z, base + len, s.a, 0, n);
                call(loop, s.a, 0, s.b, 0, s.out, 0, L);
                System.arraycopy(s.out, 0, out, base + len, n);
                if (twoLoops) {
                    sigmoidRange(out, out, base + len, base + cols);
                }
            }
        }
    }


    /**
     * out[o..o+len) = e^(x[ix..] − mx), len a multiple of the vector length. It does not also sum what it writes: a
     * loop that both ran exp and carried a running sum was, in about one JVM in three (JDK 17), compiled with its
     * final store of the sum as a call, and then boxed both vectors on every step (a 784-256-10 training step at batch
     * 256 allocated 123 KB instead of 31 KB). The softmax sums the row afterwards with {@link #sumRange}.
     */
    private static void expShifted(float[] x, int ix, float mx, float[] out, int o, int len) {
        for (int j = 0; j < len; j += L) {
            VectorFloatMath.exp(load(x, ix + j).sub(mx)).intoArray(out, o + j);
        }
    }

    @Override
    public void softmaxRows(float[] x, float[] out, int cols, int rowFrom, int rowTo) {
        int len = S.loopBound(cols);
        int n = cols - len;
        Scratch s = SCRATCH.get();
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            float mx = rowMax(x, base, cols);
            call(Pass.EXP_SHIFTED.run, x, base, mx, out, base, len);
            if (n > 0) {
                java.util.Arrays.fill(s.a, Float.NEGATIVE_INFINITY);       // unused lanes: e^−∞ = 0, discarded
                System.arraycopy(x, base + len, s.a, 0, n);
                call(Pass.EXP_SHIFTED.run, s.a, 0, mx, s.out, 0, L);
                System.arraycopy(s.out, 0, out, base + len, n);
            }
            double sum = call(Pass.SUM_RANGE.run, out, base, base + cols);   // Σ e^(x − mx) ≥ 1
            float invSum = (float) (1.0 / sum);
            FloatVector inv = FloatVector.broadcast(S, invSum);
            int j = 0;
            for (; j < len; j += L) {
                load(out, base + j).mul(inv).intoArray(out, base + j);
            }
            for (; j < cols; j++) {
                out[base + j] *= invSum;
            }
        }
    }

    /** out[i..end) = d ⊙ g′(a), end − i a multiple of the vector length; one class per derivative. */
    private enum BackwardLoop {
        SIGMOID { void run(float[] a, float[] d, float[] out, int i, int end) {         // d·a(1 − a)
            for (; i < end; i += L) { FloatVector av = load(a, i); load(d, i).mul(av.mul(av.neg().add(1))).intoArray(out, i); } } },
        TANH { void run(float[] a, float[] d, float[] out, int i, int end) {            // d·(1 − a²)
            for (; i < end; i += L) { FloatVector av = load(a, i); load(d, i).mul(av.mul(av).neg().add(1)).intoArray(out, i); } } },
        RELU { void run(float[] a, float[] d, float[] out, int i, int end) {            // d where a > 0, else 0
            FloatVector zero = FloatVector.zero(S);
            for (; i < end; i += L) { zero.blend(load(d, i), load(a, i).compare(VectorOperators.GT, 0)).intoArray(out, i); } } };

        abstract void run(float[] a, float[] d, float[] out, int i, int end);

        /** {@link #run} on this constant, called through a handle that C2 does not inline (see {@link #call}). */
        final MethodHandle run = LoopHandles.bound(MethodHandles.lookup(), this,
                BackwardLoop.class, MethodType.methodType(void.class, float[].class,
                float[].class, float[].class, int.class, int.class));
    }

    @Override
    public void activationBackward(UnaryOp gradFromOutput, float[] a, float[] d, float[] out, int from, int to) {
        MethodHandle loop = switch (gradFromOutput) {
            case SIGMOID_GRAD_FROM_OUTPUT -> BackwardLoop.SIGMOID.run;
            case TANH_GRAD_FROM_OUTPUT -> BackwardLoop.TANH.run;
            case RELU_GRAD_FROM_OUTPUT -> BackwardLoop.RELU.run;
            default -> null;                                               // identity: out = d
        };
        if (loop == null) {
            if (out != d) {
                System.arraycopy(d, from, out, from, to - from);
            }
            return;
        }
        int upper = from + S.loopBound(to - from);
        call(loop, a, d, out, from, upper);
        int n = to - upper;
        if (n > 0) {
            Scratch s = SCRATCH.get();
            System.arraycopy(a, upper, s.a, 0, n);
            System.arraycopy(d, upper, s.b, 0, n);
            call(loop, s.a, s.b, s.out, 0, L);
            System.arraycopy(s.out, 0, out, upper, n);
        }
    }

    /**
     * The lane-ordered Σ of one loss term over [i, end), end − i a multiple of the vector length (at most SUM_BLOCK);
     * read-only, so that an overflowed block can be summed again before δ (which may alias f) is written. One class
     * per term, called through its handle (see {@link #call}); binary cross-entropy in two passes over the tile u.
     */
    private enum LossSum {
        HALF_SQUARED_ERROR { float run(float[] f, float[] t, float[] u, float[] lanes, int i, int end) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) { acc = acc.add(halfSquaredError(load(f, i), load(t, i))); }
            acc.intoArray(lanes, 0);
            return FloatLanes.sum(lanes); } },
        BINARY_CROSS_ENTROPY { float run(float[] f, float[] t, float[] u, float[] lanes, int i, int end) {
            call(Pass.BCE_FIRST_TERM.run, f, i, t, i, u, 0, end - i);
            return call(Pass.BCE_SUM.run, f, t, u, lanes, i, end); } },
        CROSS_ENTROPY { float run(float[] f, float[] t, float[] u, float[] lanes, int i, int end) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) { acc = acc.add(crossEntropy(load(f, i), load(t, i))); }
            acc.intoArray(lanes, 0);
            return FloatLanes.sum(lanes); } };

        abstract float run(float[] f, float[] t, float[] u, float[] lanes, int i, int end);

        /** {@link #run} on this constant, called through a handle that C2 does not inline (see {@link #call}). */
        final MethodHandle run = LoopHandles.bound(MethodHandles.lookup(), this,
                LossSum.class, MethodType.methodType(float.class, float[].class,
                float[].class, float[].class, float[].class, int.class, int.class));

        static MethodHandle of(BinaryOp term) {
            return switch (term) {
                case HALF_SQUARED_ERROR -> HALF_SQUARED_ERROR.run;
                case BINARY_CROSS_ENTROPY -> BINARY_CROSS_ENTROPY.run;
                default -> CROSS_ENTROPY.run;
            };
        }
    }

    /** The same terms as {@link LossSum}, accumulated in double lane by lane: the slow path of an overflow. */
    private static double lossTermSumInDouble(BinaryOp term, float[] f, float[] t, int i, int end) {
        double s = 0;
        for (; i < end; i += L) {
            FloatVector v = lossTerm(term, load(f, i), load(t, i));
            for (int lane = 0; lane < L; lane++) {
                s += v.lane(lane);
            }
        }
        return s;
    }

    /** δ[i..end) = invN·(f − t)·g′(f), end − i a multiple of the vector length. */
    private static void deltaBlock(UnaryOp outputGrad, float[] f, float[] t, float[] delta, float invN, int i,
                                   int end) {
        FloatVector scale = FloatVector.broadcast(S, invN);
        for (; i < end; i += L) {
            FloatVector fv = load(f, i);
            load(f, i).sub(load(t, i)).mul(gradFromOutput(outputGrad, fv)).mul(scale).intoArray(delta, i);
        }
    }

    /** Σ of the terms over [i, end): the float lane sum, or the double one where the float one is not finite. */
    private static double lossBlock(BinaryOp term, UnaryOp outputGrad, float[] f, float[] t, float[] delta,
                                    float invN, int i, int end, Scratch s) {
        float partial = call(LossSum.of(term), f, t, s.tile, s.lanes, i, end);
        double sum = Float.isFinite(partial) ? partial : lossTermSumInDouble(term, f, t, i, end);
        call(Pass.DELTA.run, outputGrad, f, t, delta, invN, i, end);    // after the terms: δ may alias f
        return sum;
    }

    @Override
    public double lossAndDelta(BinaryOp term, UnaryOp outputGrad, float[] f, float[] t, float[] delta, float invN,
                               int from, int to) {
        double loss = 0;
        int i = from;
        Scratch s = SCRATCH.get();
        while (i < to) {                                         // blocks keep the float lane sums short
            int blockEnd = Math.min(to, i + SUM_BLOCK);
            int upper = i + S.loopBound(blockEnd - i);
            loss += lossBlock(term, outputGrad, f, t, delta, invN, i, upper, s);
            int n = blockEnd - upper;
            if (n > 0) {                                         // unused lanes f = t = 0 add a term of 0
                java.util.Arrays.fill(s.a, 0);
                java.util.Arrays.fill(s.b, 0);
                System.arraycopy(f, upper, s.a, 0, n);
                System.arraycopy(t, upper, s.b, 0, n);
                loss += lossBlock(term, outputGrad, s.a, s.b, s.out, invN, 0, L, s);
                System.arraycopy(s.out, 0, delta, upper, n);
            }
            i = blockEnd;
        }
        return loss;
    }

    /**
     * out[0..len) = t ⊙ ((z − mx) − logSum) over z[base..] and t[base..], len a multiple of the vector length: the
     * row's terms t·log softmax(z), taken as (z − m) − ln Σ e^(z − m) so that nothing is lost when z is large.
     */
    private static void crossEntropyTerms(float[] z, float[] t, int base, float mx, float logSum, float[] out,
                                          int len) {
        FloatVector m = FloatVector.broadcast(S, mx);
        FloatVector ls = FloatVector.broadcast(S, logSum);
        for (int j = 0; j < len; j += L) {
            load(t, base + j).mul(load(z, base + j).sub(m).sub(ls)).intoArray(out, j);
        }
    }

    /**
     * −Σ_j t_j·((z_j − m) − ln Σ_k e^(z_k − m)) over the row z[base, base + cols), m its max. Both sums go a tile of
     * SUM_BLOCK at a time through the scratch tile: e^(z − m) written by {@link #expShifted} (its unused lanes from
     * −∞, so e^−∞ = 0), then the terms, each tile summed by {@link #sumRange}. No loop both computes and carries a
     * running sum (see {@link #expShifted} for why).
     */
    private static double crossEntropyRow(float[] z, float[] t, int base, int cols, Scratch s) {
        float mx = rowMax(z, base, cols);
        double expSum = 0;
        for (int c = 0; c < cols; c += SUM_BLOCK) {
            int w = Math.min(SUM_BLOCK, cols - c);
            int len = S.loopBound(w);
            call(Pass.EXP_SHIFTED.run, z, base + c, mx, s.tile, 0, len);
            if (w > len) {
                java.util.Arrays.fill(s.a, Float.NEGATIVE_INFINITY);
                System.arraycopy(z, base + c + len, s.a, 0, w - len);
                call(Pass.EXP_SHIFTED.run, s.a, 0, mx, s.out, 0, L);
                System.arraycopy(s.out, 0, s.tile, len, w - len);
            }
            expSum += call(Pass.SUM_RANGE.run, s.tile, 0, w);
        }
        float logSum = (float) Math.log(expSum);                        // ln Σ e^(z − m) ≥ 0
        double terms = 0;
        for (int c = 0; c < cols; c += SUM_BLOCK) {
            int w = Math.min(SUM_BLOCK, cols - c);
            int len = S.loopBound(w);
            call(Pass.CE_TERMS.run, z, t, base + c, mx, logSum, s.tile, len);
            for (int j = len; j < w; j++) {                              // sub, sub, mul: the lanes' rounding
                s.tile[j] = t[base + c + j] * ((z[base + c + j] - mx) - logSum);
            }
            terms += call(Pass.SUM_RANGE.run, s.tile, 0, w);
        }
        return -terms;
    }

    @Override
    public double crossEntropyAndDelta(float[] z, float[] f, float[] t, float[] delta, float invN, int cols,
                                       int rowFrom, int rowTo) {
        Scratch s = SCRATCH.get();
        double loss = 0;
        for (int r = rowFrom; r < rowTo; r++) {
            loss += crossEntropyRow(z, t, r * cols, cols, s);
        }
        int from = rowFrom * cols;                                       // after every row's loss: δ may alias f or t
        int to = rowTo * cols;
        int upper = from + S.loopBound(to - from);
        call(Pass.DELTA.run, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, f, t, delta, invN, from, upper);
        for (int i = upper; i < to; i++) {                               // (f − t)·1·invN, as the lanes round it
            delta[i] = (f[i] - t[i]) * invN;
        }
        return loss;
    }

    // ---- optimizers (no transcendental functions: scalar remainders with Math.fma round exactly as the vectors) -----

    @Override
    public void sgdStep(float[] w, float[] g, float[] v, float lr, float momentum, float weightDecay, int from,
                        int to) {
        if (v != null) {
            sgdMomentumStep(w, g, v, lr, momentum, weightDecay, from, to);
        } else {
            sgdPlainStep(w, g, lr, weightDecay, from, to);
        }
    }

    /**
     * g' = g + λw; v = μv + g'; w = w − lr·v. Each form of the step is a method of its own: in one method, the form
     * a JVM ran second (momentum after plain SGD) was compiled after C2 had cut it out as never taken, and JDK 17 then
     * boxed every vector of its loop (288 bytes per 16 floats, for as long as the JVM ran).
     */
    private static void sgdMomentumStep(float[] w, float[] g, float[] v, float lr, float momentum, float weightDecay,
                                        int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector decay = FloatVector.broadcast(S, weightDecay);
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        FloatVector mu = FloatVector.broadcast(S, momentum);
        for (; i < upper; i += L) {
            FloatVector wv = load(w, i);
            FloatVector vv = load(v, i).fma(mu, wv.fma(decay, load(g, i)));
            vv.intoArray(v, i);
            vv.fma(negLr, wv).intoArray(w, i);
        }
        for (; i < to; i++) {
            float vi = Math.fma(v[i], momentum, Math.fma(w[i], weightDecay, g[i]));
            v[i] = vi;
            w[i] = Math.fma(vi, -lr, w[i]);
        }
    }

    /** w = w − lr·(g + λw). */
    private static void sgdPlainStep(float[] w, float[] g, float lr, float weightDecay, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector decay = FloatVector.broadcast(S, weightDecay);
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        for (; i < upper; i += L) {
            FloatVector wv = load(w, i);
            wv.fma(decay, load(g, i)).fma(negLr, wv).intoArray(w, i);
        }
        for (; i < to; i++) {
            w[i] = Math.fma(Math.fma(w[i], weightDecay, g[i]), -lr, w[i]);
        }
    }

    /** g' = g + λw; m = β₁m + (1−β₁)g'; v = β₂v + (1−β₂)g'²; w −= lr·(m·invC1)/(√(v·invC2) + ε). */
    @Override
    public void adamStep(float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2,
                         float epsilon, float weightDecay, float invC1, float invC2, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        FloatVector decay = FloatVector.broadcast(S, weightDecay);
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        for (; i < upper; i += L) {
            FloatVector wv = load(w, i);
            FloatVector gd = wv.fma(decay, load(g, i));
            FloatVector mv = load(m, i).mul(beta1).add(gd.mul(1 - beta1));
            FloatVector vv = load(v, i).mul(beta2).add(gd.mul(gd).mul(1 - beta2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            mv.mul(invC1).div(vv.mul(invC2).sqrt().add(epsilon)).fma(negLr, wv).intoArray(w, i);
        }
        for (; i < to; i++) {
            float gd = Math.fma(w[i], weightDecay, g[i]);
            float mi = m[i] * beta1 + gd * (1 - beta1);
            float vi = v[i] * beta2 + gd * gd * (1 - beta2);
            m[i] = mi;
            v[i] = vi;
            w[i] = Math.fma(mi * invC1 / ((float) Math.sqrt(vi * invC2) + epsilon), -lr, w[i]);
        }
    }
}
