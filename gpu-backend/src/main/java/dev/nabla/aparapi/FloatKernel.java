package dev.nabla.aparapi;

import com.aparapi.Kernel;
import dev.nabla.spi.BinaryOp;

/**
 * TEMPLATE: the build derives DoubleKernel.java from this file (float → double, Float → Double); edit this one.
 *
 * <p>The dispatcher kernel of the aparapi backend for one dtype: every primitive and fused op of the SPI, chosen by
 * {@link #op}, over one device-resident {@link #arena}. Aparapi translates this class's bytecode to one OpenCL
 * kernel; its device buffers belong to this Kernel instance, which is why there is one kernel with an op code and not
 * one Kernel class per op (a second Kernel could not see this one's buffers without a round trip through the host).
 *
 * <h2>Memory layout</h2>
 * <pre>
 *   arena   [0, SCRATCH)          partial sums of two-stage reductions: group g's small sum at 2g, big at 2g + 1
 *           [offset, offset + n)  one tensor, row-major, offsets chosen by {@link Arena}
 *   stageT  the transfer window of tier T (Geometry.STAGE_TIERS[T] elements): write() fills it on the host,
 *           put()s it and runs FROM_STAGE; read() runs TO_STAGE and get()s it
 *   ints    the INT32 arena: every INT32 tensor (indices, labels, masks) of this launcher, at offsets chosen by a
 *           second {@link Arena}; ops that mix dtypes read and write it beside {@link #arena} in one launch
 *   istageT the INT32 transfer windows, tier for tier as stageT (I_FROM_STAGE, I_TO_STAGE)
 *   halves  the 16-bit arena: every BFLOAT16 and FLOAT16 tensor of this launcher as raw bit patterns, 2 bytes per
 *           element, at offsets chosen by a third {@link Arena}; its host transfers go through the INT32 windows,
 *           two patterns per int, low half first (H_FROM_STAGE, H_TO_STAGE)
 *   twos    twos[i] = 2^(i − 70), i in [0, 140]: the powers of two with which the 16-bit ops decode and encode
 *   tileA   local TK × TS: tileA[p·TS + i] = op(A)[row0 + i][k0 + p]
 *   tileB   local TK × TS: tileB[p·TS + j] = op(B)[k0 + p][col0 + j]
 *   red     local WG: one value per work-item for tree reductions
 *   red2    local WG: the second value of a split sum (the scaled big terms)
 * </pre>
 *
 * <h2>Sums that do not overflow</h2>
 * A sum splits its terms by size: |x| ≥ 2⁶⁴ goes into a second accumulator as x·2⁻⁶⁴ (exact), the rest into the
 * first, and Σ = big·2⁶⁴ + small at the end. Neither accumulator can leave the float range (fewer than 2³¹ terms,
 * each below 2⁶⁴ or scaled below it), so a float sum overflows only where its exact value does: [3e38, 3e38, −3e38] is
 * 3e38 in any order. ±∞ land in big and NaN in small, so non-finite terms give what IEEE gives. Without terms of 2⁶⁴
 * or more, big stays 0 and the sum is the plain float sum it was.
 * 
 *
 * <h2>Rules Aparapi imposes on this code</h2>
 * Only this class's fields, its own private methods and Kernel's math methods; no objects, no exceptions, no
 * {@code array.length}; no bit casts (Float.floatToRawIntBits is not a Kernel method, so the 16-bit ops decode and
 * encode with integer bit fields, exact multiplications by powers of two and rint); locals declared where first
 * assigned; NaN and ±∞ come in as fields or arithmetic (a float
 * literal ∞ would be written into the OpenCL source as text). Barriers sit only in code every work-item of a group
 * reaches the same number of times (the op code and the loop bounds are uniform per launch). Float literals carry
 * the f suffix and inexact constants are casts of double constants, so the derived double kernel is exact too.
 */
@SuppressWarnings("cast") // the casts to float are redundant in the derived double twin, not here
final class FloatKernel extends Kernel {
    /** ε of the cross-entropy clamps, in this kernel's precision. */
    private static final float EPS = (float) BinaryOp.PROBABILITY_EPSILON;

    // ---- buffers ---------------------------------------------------------------------------------------------------
    float[] arena;
    float[] stage0;
    float[] stage1;
    float[] stage2;
    float[] stage3;
    @Local final float[] tileA = new float[Geometry.TK * Geometry.TS];
    @Local final float[] tileB = new float[Geometry.TK * Geometry.TS];
    @Local final float[] red = new float[Geometry.WG];
    @Local final float[] red2 = new float[Geometry.WG];
    int[] ints;
    int[] istage0;
    int[] istage1;
    int[] istage2;
    int[] istage3;
    /**
     * The 16-bit arena (see the layout), as char (unsigned 16 bits): Aparapi moves char[] to and from the device but
     * has no get/put of short[]. A placeholder until the first 16-bit tensor.
     */
    char[] halves = new char[Geometry.ALIGN];
    /**
     * twos[i] = 2^(i − 70): every entry a normal number, so that products of two of them are exact. Small, but the
     * host array is the truth (the device never writes it), so a GC move that makes Aparapi re-create its buffer is
     * harmless (HostMirrorSafety).
     */
    float[] twos = new float[141];
    /** argmaxRows: the column of the value in {@link #red} at the same place. */
    @Local final int[] redIdx = new int[Geometry.WG];
    /**
     * |x| from which tanh x rounds to ±1: 9.5 in float, 19.5 in the derived double kernel (where (double) 0.1 == 0.1
     * holds), as tanh_r in the opencl backend's prelude.cl.
     */
    private static final float TANH_SATURATES = (float) ((float) 0.1 == 0.1 ? 19.5 : 9.5);
    /** 2⁶⁴ and 2⁻⁶⁴, exact in float: the split of sums (see the class comment). */
    private static final float SPLIT = (float) 1.8446744073709552E19;
    private static final float INV_SPLIT = (float) 5.421010862427522E-20;
    /** 2³¹, exact in float: from here on a cast to INT32 saturates. */
    private static final float TWO_31 = (float) 2.147483648E9;

    // ---- launch parameters, set by the launcher before each execute ----------------------------------------------------
    int op;
    int code;
    int code2;
    int n;
    int rows;
    int cols;
    int m;
    int k;
    int transA;
    int transB;
    int broadcast;
    int flag;
    int stage;
    int offA;
    int offB;
    int offC;
    int offD;
    int offE;
    float alpha;
    float beta;
    float p0;
    float p1;
    float p2;
    float p3;
    float p4;
    float p5;
    float p6;
    /** An INT32 parameter (the value of an INT32 fill). */
    int ip0;
    /** copyStrided: how far apart consecutive rows and columns of the source, and rows of the destination, are. */
    int srcRowStride;
    int srcColStride;
    int dstRowStride;
    /** −∞, the identity of max (passed in, see the class comment). */
    float negInf;
    /** The 16-bit type of this launch's 16-bit operands: Op.HALF_BF16 or Op.HALF_F16. (Not "half": that is an OpenCL type name.) */
    int halfType;
    /** 1 when this launch writes a 16-bit result (gemm's C). */
    int halfOut;
    /** 1 when this launch reads a 16-bit input (sumColumns' x, in the 16-bit arena). */
    int halfIn;

    /** stages and intStages hold the four windows of each kind, smallest first (Geometry.STAGE_TIERS). */
    FloatKernel(float[] arena, float[][] stages, int[] ints, int[][] intStages, float negInf) {
        this.arena = arena;
        this.stage0 = stages[0];
        this.stage1 = stages[1];
        this.stage2 = stages[2];
        this.stage3 = stages[3];
        this.ints = ints;
        this.istage0 = intStages[0];
        this.istage1 = intStages[1];
        this.istage2 = intStages[2];
        this.istage3 = intStages[3];
        this.negInf = negInf;
        for (int i = 0; i < 141; i++) {
            twos[i] = (float) Math.scalb(1.0, i - 70);
        }
    }

    /**
     * One branch per op. An else-if chain, not a row of independent ifs: PoCL's work-group compiler duplicates the
     * code after a conditional barrier, and a row of ifs that contain barriers made that duplication exponential
     * (its build of this kernel did not finish in 10 minutes; with the chain it takes seconds).
     */
    @Override
    public void run() {
        if (op == Op.FILL) {
            fill();
        } else if (op == Op.COPY) {
            copy();
        } else if (op == Op.TO_STAGE) {
            toStage();
        } else if (op == Op.FROM_STAGE) {
            fromStage();
        } else if (op == Op.UNARY) {
            unary();
        } else if (op == Op.BINARY) {
            binary();
        } else if (op == Op.AXPY) {
            axpy();
        } else if (op == Op.GEMM) {
            gemm();
        } else if (op == Op.SUM_COLUMNS) {
            sumColumns();
        } else if (op == Op.REDUCE_ROWS) {
            reduceRows();
        } else if (op == Op.SUM_PARTIALS) {
            sumPartials();
        } else if (op == Op.FINISH_SUM) {
            finishSum();
        } else if (op == Op.BIAS_ACTIVATION) {
            biasActivation();
        } else if (op == Op.SOFTMAX_ROWS) {
            softmaxRows();
        } else if (op == Op.ACTIVATION_BACKWARD) {
            activationBackward();
        } else if (op == Op.LOSS_PARTIALS) {
            lossPartials();
        } else if (op == Op.SGD_STEP) {
            sgdStep();
        } else if (op == Op.ADAM_STEP) {
            adamStep();
        } else if (op == Op.I_FILL) {
            fillInts();
        } else if (op == Op.I_COPY) {
            copyInts();
        } else if (op == Op.I_TO_STAGE) {
            toStageInts();
        } else if (op == Op.I_FROM_STAGE) {
            fromStageInts();
        } else if (op == Op.COPY_STRIDED) {
            copyStrided();
        } else if (op == Op.I_COPY_STRIDED) {
            copyStridedInts();
        } else if (op == Op.CAST_TO_INT) {
            castToInts();
        } else if (op == Op.CAST_FROM_INT) {
            castFromInts();
        } else if (op == Op.GATHER_ROWS) {
            gatherRows();
        } else if (op == Op.I_GATHER_ROWS) {
            gatherRowsInts();
        } else if (op == Op.SCATTER_ADD_ROWS) {
            scatterAddRows();
        } else if (op == Op.ARGMAX_ROWS) {
            argmaxRows();
        } else if (op == Op.ONE_HOT) {
            oneHot();
        } else if (op == Op.COMPARE) {
            compare();
        } else if (op == Op.I_COMPARE) {
            compareInts();
        } else if (op == Op.WHERE) {
            where();
        } else if (op == Op.H_FILL) {
            fillHalves();
        } else if (op == Op.H_COPY) {
            copyHalves();
        } else if (op == Op.H_TO_STAGE) {
            toStageHalves();
        } else if (op == Op.H_FROM_STAGE) {
            fromStageHalves();
        } else if (op == Op.H_COPY_STRIDED) {
            copyStridedHalves();
        } else if (op == Op.H_GATHER_ROWS) {
            gatherRowsHalves();
        } else if (op == Op.H_CAST) {
            castHalves();
        } else if (op == Op.H_GEMM) {
            gemmHalves();
        } else if (op == Op.H_BIAS_ACTIVATION) {
            biasActivationHalves();
        } else if (op == Op.H_ACTIVATION_BACKWARD) {
            activationBackwardHalves();
        }
    }

    // ---- elementwise functions: each matches the float64 definition in UnaryOp / BinaryOp ------------------------------

    /** y = f(x) for unary code c; p is the parameter of SCALE, ADD_SCALAR, POW, MAX_SCALAR and MIN_SCALAR. */
    private float applyUnary(int c, float x, float p) {
        float y = x;
        if (c == Op.U_SCALE) {
            y = p * x;
        }
        if (c == Op.U_ADD_SCALAR) {
            y = x + p;
        }
        if (c == Op.U_SQUARE) {
            y = x * x;
        }
        if (c == Op.U_SQRT) {
            y = sqrt(x);
        }
        if (c == Op.U_EXP) {
            y = exp(x);
        }
        if (c == Op.U_LOG) {
            y = log(x);
        }
        if (c == Op.U_SIGMOID) {
            y = sigmoid(x);
        }
        if (c == Op.U_TANH) {                     // ±1 where tanh rounds to it (PoCL's tanh stops at 1 − ulp)
            y = x >= TANH_SATURATES ? 1f : (x <= -TANH_SATURATES ? -1f : tanh(x));
        }
        if (c == Op.U_RELU) {
            y = x > 0f ? x : (x != x ? x : 0f);
        }
        if (c == Op.U_SIGMOID_GRAD) {
            y = x * (1f - x);
        }
        if (c == Op.U_TANH_GRAD) {
            y = 1f - x * x;
        }
        if (c == Op.U_RELU_GRAD) {
            y = x > 0f ? 1f : 0f;
        }
        if (c == Op.U_IDENTITY_GRAD) {
            y = 1f;
        }
        if (c == Op.U_ABS) {
            y = abs(x);
        }
        if (c == Op.U_POW) {
            y = javaPow(x, p);
        }
        if (c == Op.U_MAX_SCALAR) {               // the clamps keep a NaN x (and give NaN for a NaN p, as Math.max)
            y = x != x ? x : javaMax(x, p);
        }
        if (c == Op.U_MIN_SCALAR) {
            y = x != x ? x : javaMin(x, p);
        }
        return y;
    }

    /**
     * Math.pow: OpenCL's pow agrees except for a NaN exponent (pow(1, NaN) = 1 in C, NaN in Java) and for
     * (±1)^±∞ (1 in C, NaN in Java); p − p is NaN exactly when p is ±∞ or NaN.
     */
    private float javaPow(float x, float p) {
        float d = p - p;
        return (p != p || (d != d && (x == 1f || x == -1f))) ? d : pow(x, p);
    }

    /** σ(x) = 1/(1+e⁻ˣ) for x ≥ 0, eˣ/(1+eˣ) below: e^−|x| never overflows. */
    private float sigmoid(float x) {
        float e = exp(-abs(x));
        return x >= 0f ? 1f / (1f + e) : e / (1f + e);
    }

    /** y = f(a, b) for binary code c. */
    private float applyBinary(int c, float a, float b) {
        float y = a + b;
        if (c == Op.B_SUB) {
            y = a - b;
        }
        if (c == Op.B_MUL) {
            y = a * b;
        }
        if (c == Op.B_DIV) {
            y = a / b;
        }
        if (c == Op.B_MAX) {
            y = javaMax(a, b);
        }
        if (c == Op.B_MIN) {
            y = javaMin(a, b);
        }
        if (c == Op.B_HALF_SQUARED_ERROR) {
            y = 0.5f * (a - b) * (a - b);
        }
        if (c == Op.B_BINARY_CROSS_ENTROPY) {
            y = -(b * log(atLeastEps(a)) + (1f - b) * log(atLeastEps(1f - a)));
        }
        if (c == Op.B_CROSS_ENTROPY) {
            y = -b * log(atLeastEps(a));
        }
        return y;
    }

    /** Math.max: NaN if either is NaN (OpenCL's fmax would drop it). */
    private float javaMax(float a, float b) {
        return (a != a || b != b) ? a + b : (a >= b ? a : b);
    }

    /** Math.min: NaN if either is NaN. */
    private float javaMin(float a, float b) {
        return (a != a || b != b) ? a + b : (a <= b ? a : b);
    }

    /** max(v, ε), NaN stays NaN: the argument clamp of the cross-entropies. */
    private float atLeastEps(float v) {
        return v != v ? v : (v > EPS ? v : EPS);
    }

    // ---- memory ops: grid-stride over n elements ---------------------------------------------------------------------

    /** arena[offA + i] = p0 */
    private void fill() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            arena[offA + i] = p0;
        }
    }

    /** arena[offB + i] = arena[offA + i] */
    private void copy() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            arena[offB + i] = arena[offA + i];
        }
    }

    /** stage[i] = arena[offA + i] for the tier in {@link #stage}. */
    private void toStage() {
        if (stage == 0) {
            copyOut(stage0);
        }
        if (stage == 1) {
            copyOut(stage1);
        }
        if (stage == 2) {
            copyOut(stage2);
        }
        if (stage == 3) {
            copyOut(stage3);
        }
    }

    private void copyOut(float[] window) {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            window[i] = arena[offA + i];
        }
    }

    /** arena[offA + i] = stage[i] for the tier in {@link #stage}. */
    private void fromStage() {
        if (stage == 0) {
            copyIn(stage0);
        }
        if (stage == 1) {
            copyIn(stage1);
        }
        if (stage == 2) {
            copyIn(stage2);
        }
        if (stage == 3) {
            copyIn(stage3);
        }
    }

    private void copyIn(float[] window) {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            arena[offA + i] = window[i];
        }
    }

    // ---- elementwise primitives and fused elementwise ops ----------------------------------------------------------------

    /** out[i] = f(x[i], p0): x at offA, out at offB (may be the same). */
    private void unary() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            arena[offB + i] = applyUnary(code, arena[offA + i], p0);
        }
    }

    /** out[i] = f(a[i], b[bi]) over rows × cols; bi = i, i mod cols (ROW) or i div cols (COLUMN). a, b, out at A, B, C. */
    private void binary() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            int bi = broadcast == Op.BC_ROW ? i % cols : (broadcast == Op.BC_COLUMN ? i / cols : i);
            arena[offC + i] = applyBinary(code, arena[offA + i], arena[offB + bi]);
        }
    }

    /** y[i] += α·x[i]: x at offA, y at offB. */
    private void axpy() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            arena[offB + i] = arena[offB + i] + alpha * arena[offA + i];
        }
    }

    /** out[i] = g(z[i] + b[i mod cols]): z, b, out at A, B, C. */
    private void biasActivation() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            arena[offC + i] = applyUnary(code, arena[offA + i] + arena[offB + i % cols], 0f);
        }
    }

    /** out[i] = d[i]·g'(a[i]) with g' from the stored output: a, d, out at A, B, C. */
    private void activationBackward() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            arena[offC + i] = arena[offB + i] * applyUnary(code, arena[offA + i], 0f);
        }
    }

    /**
     * SGD over w (A), g (B), velocity (C when flag = 1): g' = g + λw; v ← μv + g', w ← w − lr·v; or w ← w − lr·g'.
     * p0 = lr, p1 = μ, p2 = λ.
     */
    private void sgdStep() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            float w = arena[offA + i];
            float g = arena[offB + i] + p2 * w;
            if (flag != 0) {
                float v = p1 * arena[offC + i] + g;
                arena[offC + i] = v;
                arena[offA + i] = w - p0 * v;
            } else {
                arena[offA + i] = w - p0 * g;
            }
        }
    }

    /**
     * Adam over w (A), g (B), m (C), v (D): g' = g + λw; m ← β₁m + (1−β₁)g'; v ← β₂v + (1−β₂)g'²;
     * w ← w − lr·(m/c₁)/(√(v/c₂) + ε). p0..p6 = lr, β₁, β₂, ε, λ, 1/c₁, 1/c₂.
     */
    private void adamStep() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            float w = arena[offA + i];
            float g = arena[offB + i] + p4 * w;
            float mm = p1 * arena[offC + i] + (1f - p1) * g;
            float vv = p2 * arena[offD + i] + (1f - p2) * (g * g);
            arena[offC + i] = mm;
            arena[offD + i] = vv;
            arena[offA + i] = w - p0 * ((mm * p5) / (sqrt(vv * p6) + p3));
        }
    }

    // ---- GEMM: C = α·op(A)·op(B) + β·C, tiled through local memory -----------------------------------------------------

    /**
     * Work-group (gx, gy) computes C[32gy .. 32gy+32) × [32gx .. 32gx+32); work-item (tx, ty) the four outputs
     * (32gy + ty + 16a, 32gx + tx + 16b), a, b ∈ {0, 1}. Each of the ⌈k/16⌉ steps loads a 32 × 16 slice of op(A) and a
     * 16 × 32 slice of op(B) into local memory (2 elements per item each; zeros past the edges), then accumulates.
     * Sizes m (rows of C), cols (n), k; A, B, C at offA, offB, offC; transA/transB as stored (see ComputeBackend.gemm).
     * When flag = 1 the result is multiplied by g'(E[i][j]) for grad code {@link #code} and E at offE (backpropDelta).
     */
    private void gemm() {
        int tx = getLocalId(0);
        int ty = getLocalId(1);
        int lid = ty * Geometry.GEMM_LOCAL + tx;
        int row0 = getGroupId(1) * Geometry.TS;
        int col0 = getGroupId(0) * Geometry.TS;
        float c00 = 0f;
        float c01 = 0f;
        float c10 = 0f;
        float c11 = 0f;
        int steps = (k + Geometry.TK - 1) / Geometry.TK;
        for (int s = 0; s < steps; s++) {
            int k0 = s * Geometry.TK;
            for (int q = 0; q < 2; q++) {
                int l = lid + q * (Geometry.GEMM_LOCAL * Geometry.GEMM_LOCAL);
                // op(A) slice: consecutive items read consecutive addresses in either storage order
                int ai = transA == 0 ? l / Geometry.TK : l % Geometry.TS;
                int ap = transA == 0 ? l % Geometry.TK : l / Geometry.TS;
                int gi = row0 + ai;
                int gp = k0 + ap;
                float av = 0f;
                if (gi < m && gp < k) {
                    av = transA == 0 ? arena[offA + gi * k + gp] : arena[offA + gp * m + gi];
                }
                tileA[ap * Geometry.TS + ai] = av;
                // op(B) slice
                int bj = transB == 0 ? l % Geometry.TS : l / Geometry.TK;
                int bp = transB == 0 ? l / Geometry.TS : l % Geometry.TK;
                int gj = col0 + bj;
                int gq = k0 + bp;
                float bv = 0f;
                if (gj < cols && gq < k) {
                    bv = transB == 0 ? arena[offB + gq * cols + gj] : arena[offB + gj * k + gq];
                }
                tileB[bp * Geometry.TS + bj] = bv;
            }
            localBarrier();
            for (int p = 0; p < Geometry.TK; p++) {
                float a0 = tileA[p * Geometry.TS + ty];
                float a1 = tileA[p * Geometry.TS + ty + Geometry.GEMM_LOCAL];
                float b0 = tileB[p * Geometry.TS + tx];
                float b1 = tileB[p * Geometry.TS + tx + Geometry.GEMM_LOCAL];
                c00 += a0 * b0;
                c01 += a0 * b1;
                c10 += a1 * b0;
                c11 += a1 * b1;
            }
            localBarrier();
        }
        gemmStore(row0 + ty, col0 + tx, c00);
        gemmStore(row0 + ty, col0 + tx + Geometry.GEMM_LOCAL, c01);
        gemmStore(row0 + ty + Geometry.GEMM_LOCAL, col0 + tx, c10);
        gemmStore(row0 + ty + Geometry.GEMM_LOCAL, col0 + tx + Geometry.GEMM_LOCAL, c11);
    }

    /** C[i][j] = α·acc + β·C[i][j] (C unread when β = 0), times g'(E[i][j]) when flag = 1. */
    private void gemmStore(int i, int j, float acc) {
        if (i < m && j < cols) {
            int at = i * cols + j;
            float v = alpha * acc;
            if (beta != 0f) {
                v = v + beta * arena[offC + at];
            }
            if (flag != 0) {
                v = v * applyUnary(code, arena[offE + at], 0f);
            }
            arena[offC + at] = v;
        }
    }

    // ---- reductions: work-group trees in local memory ----------------------------------------------------------------

    /**
     * Tree over red[0 .. size): red[0] ends as the sum (mode 0), max (mode 1) or min (mode 2) of the group's values.
     * size is the local size (a power of two); every item must call this. Ends with a barrier, so red[0] is visible
     * to all.
     */
    private void treeReduce(int lid, int size, int mode) {
        for (int s = size / 2; s > 0; s = s / 2) {
            localBarrier();
            if (lid < s) {
                red[lid] = combine(mode, red[lid], red[lid + s]);
            }
        }
        localBarrier();
    }

    /** a + b (mode 0), Math.max (1) or Math.min (2). */
    private float combine(int mode, float a, float b) {
        return mode == 1 ? javaMax(a, b) : (mode == 2 ? javaMin(a, b) : a + b);
    }

    /** Tree over red and red2 at once (sums): red[0], red2[0] end as the group's sums; ends with a barrier. */
    private void treeReducePair(int lid, int size) {
        for (int s = size / 2; s > 0; s = s / 2) {
            localBarrier();
            if (lid < s) {
                red[lid] = red[lid] + red[lid + s];
                red2[lid] = red2[lid] + red2[lid + s];
            }
        }
        localBarrier();
    }

    /**
     * out (1 × cols, at offB) = column sums of x (rows × cols, at offA). Group = 16 columns × 16 row lanes: lane ly
     * sums rows ly, ly + 16, … of column c (split, see the class comment); the 16 lanes are then added in a tree.
     * When halfIn = 1, x is 16-bit (of halfType, in the 16-bit arena), each element decoded exactly, the sums in float
     * as for a float x; out is float.
     */
    private void sumColumns() {
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int c = getGlobalId(0);
        int lanes = getLocalSize(1);
        float small = 0f;
        float big = 0f;
        if (c < cols) {
            for (int r = ly; r < rows; r += lanes) {
                float v = halfIn != 0 ? halfAt(offA + r * cols + c) : arena[offA + r * cols + c];
                if (v >= SPLIT || v <= -SPLIT) {                     // |v| ≥ 2⁶⁴, ±∞ (not NaN)
                    big += v * INV_SPLIT;
                } else {
                    small += v;
                }
            }
        }
        red[ly * Geometry.COL_GROUP + lx] = small;
        red2[ly * Geometry.COL_GROUP + lx] = big;
        for (int s = lanes / 2; s > 0; s = s / 2) {
            localBarrier();
            if (ly < s) {
                red[ly * Geometry.COL_GROUP + lx] = red[ly * Geometry.COL_GROUP + lx] + red[(ly + s) * Geometry.COL_GROUP + lx];
                red2[ly * Geometry.COL_GROUP + lx] = red2[ly * Geometry.COL_GROUP + lx] + red2[(ly + s) * Geometry.COL_GROUP + lx];
            }
        }
        localBarrier();
        if (ly == 0 && c < cols) {
            arena[offB + c] = red2[lx] * SPLIT + red[lx];
        }
    }

    /**
     * out (rows × 1, at offB) = max (code R_MAX; −∞ for an empty row), min (R_MIN; +∞ for an empty row) or sum
     * (split) of each row of x (at offA). One group per row, groups stride over rows; items stride over the row's
     * columns, then a tree.
     */
    private void reduceRows() {
        int lid = getLocalId();
        int size = getLocalSize();
        int mode = code == Op.R_MAX ? 1 : (code == Op.R_MIN ? 2 : 0);
        for (int r = getGroupId(); r < rows; r += getNumGroups()) {
            if (mode != 0) {
                red[lid] = rowReduce(r, lid, size, mode, 0f, 0);
                treeReduce(lid, size, mode);
                if (lid == 0) {
                    arena[offB + r] = red[0];
                }
            } else {
                float small = 0f;
                float big = 0f;
                for (int j = lid; j < cols; j += size) {
                    float v = arena[offA + r * cols + j];
                    if (v >= SPLIT || v <= -SPLIT) {                     // |v| ≥ 2⁶⁴, ±∞ (not NaN)
                        big += v * INV_SPLIT;
                    } else {
                        small += v;
                    }
                }
                red[lid] = small;
                red2[lid] = big;
                treeReducePair(lid, size);
                if (lid == 0) {
                    arena[offB + r] = red2[0] * SPLIT + red[0];
                }
            }
            localBarrier();
        }
    }

    /**
     * This item's part of row r: Σ (mode 0), max (1) or min (2) of x (or of e^(x − shift) when expShift = 1), over
     * columns lid, lid+size, …
     */
    private float rowReduce(int r, int lid, int size, int mode, float shift, int expShift) {
        float acc = mode == 1 ? negInf : (mode == 2 ? -negInf : 0f);
        for (int j = lid; j < cols; j += size) {
            float v = arena[offA + r * cols + j];
            if (expShift != 0) {
                v = exp(v - shift);
            }
            acc = combine(mode, acc, v);
        }
        return acc;
    }

    /** out[i][j] = e^(x[i][j] − max_j x[i]) / Σ_j e^(x[i][j] − max_j x[i]); x at offA, out at offB (may be x). */
    private void softmaxRows() {
        int lid = getLocalId();
        int size = getLocalSize();
        for (int r = getGroupId(); r < rows; r += getNumGroups()) {
            red[lid] = rowReduce(r, lid, size, 1, 0f, 0);
            treeReduce(lid, size, 1);
            float rowMax = red[0];
            localBarrier();
            red[lid] = rowReduce(r, lid, size, 0, rowMax, 1);
            treeReduce(lid, size, 0);
            float rowSum = red[0];
            for (int j = lid; j < cols; j += size) {
                arena[offB + r * cols + j] = exp(arena[offA + r * cols + j] - rowMax) / rowSum;
            }
            localBarrier();
        }
    }

    /** Stage 1 of Σx: group g writes the split sum of its grid-stride share of x (n elements at offA) to arena[2g, 2g+1]. */
    private void sumPartials() {
        int lid = getLocalId();
        float small = 0f;
        float big = 0f;
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            float v = arena[offA + i];
            if (v >= SPLIT || v <= -SPLIT) {                     // |v| ≥ 2⁶⁴, ±∞ (not NaN)
                big += v * INV_SPLIT;
            } else {
                small += v;
            }
        }
        red[lid] = small;
        red2[lid] = big;
        treeReducePair(lid, getLocalSize());
        if (lid == 0) {
            arena[2 * getGroupId()] = red[0];
            arena[2 * getGroupId() + 1] = red2[0];
        }
    }

    /**
     * Stage 1 of lossAndDelta over f (A), t (B), δ (C, may be f), n = rows·cols: δ = p0·(f − t)·g'(f) for grad
     * code2, and group g writes the split Σ lossTerm(f, t) (binary code) of its share to arena[2g, 2g+1].
     */
    private void lossPartials() {
        int lid = getLocalId();
        float small = 0f;
        float big = 0f;
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            float f = arena[offA + i];
            float t = arena[offB + i];
            float term = applyBinary(code, f, t);
            if (term >= SPLIT || term <= -SPLIT) {
                big += term * INV_SPLIT;
            } else {
                small += term;
            }
            arena[offC + i] = p0 * ((f - t) * applyUnary(code2, f, 0f));
        }
        red[lid] = small;
        red2[lid] = big;
        treeReducePair(lid, getLocalSize());
        if (lid == 0) {
            arena[2 * getGroupId()] = red[0];
            arena[2 * getGroupId() + 1] = red2[0];
        }
    }

    /**
     * Stage 2, one group: arena[offB] = p0 · Σ of the n split partials of stage 1 (in group order), as
     * (p0·big)·2⁶⁴ + p0·small, so that a mean whose sum passes the float range stays finite.
     */
    private void finishSum() {
        int lid = getLocalId();
        float small = 0f;
        float big = 0f;
        for (int i = lid; i < n; i += getLocalSize()) {
            small += arena[2 * i];
            big += arena[2 * i + 1];
        }
        red[lid] = small;
        red2[lid] = big;
        treeReducePair(lid, getLocalSize());
        if (lid == 0) {
            arena[offB] = (p0 * red2[0]) * SPLIT + p0 * red[0];
        }
    }

    // ---- INT32 memory ops and indexing (issue 13): ints is the INT32 arena ------------------------------------------

    /** ints[offA + i] = ip0 */
    private void fillInts() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            ints[offA + i] = ip0;
        }
    }

    /** ints[offB + i] = ints[offA + i] */
    private void copyInts() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            ints[offB + i] = ints[offA + i];
        }
    }

    /** istage[i] = ints[offA + i] for the tier in {@link #stage}. */
    private void toStageInts() {
        if (stage == 0) {
            copyOutInts(istage0);
        }
        if (stage == 1) {
            copyOutInts(istage1);
        }
        if (stage == 2) {
            copyOutInts(istage2);
        }
        if (stage == 3) {
            copyOutInts(istage3);
        }
    }

    private void copyOutInts(int[] window) {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            window[i] = ints[offA + i];
        }
    }

    /** ints[offA + i] = istage[i] for the tier in {@link #stage}. */
    private void fromStageInts() {
        if (stage == 0) {
            copyInInts(istage0);
        }
        if (stage == 1) {
            copyInInts(istage1);
        }
        if (stage == 2) {
            copyInInts(istage2);
        }
        if (stage == 3) {
            copyInInts(istage3);
        }
    }

    private void copyInInts(int[] window) {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            ints[offA + i] = window[i];
        }
    }

    /**
     * dst[offB + r·dstRowStride + c] = src[offA + r·srcRowStride + c·srcColStride] over n = rows·cols elements,
     * i = r·cols + c (consecutive items write consecutive columns); a stride may be 0 (broadcast). Bit for bit: a
     * load and a store, no arithmetic on the value.
     */
    private void copyStrided() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            int r = i / cols;
            int c = i - r * cols;
            arena[offB + r * dstRowStride + c] = arena[offA + r * srcRowStride + c * srcColStride];
        }
    }

    /** {@link #copyStrided} in the INT32 arena. */
    private void copyStridedInts() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            int r = i / cols;
            int c = i - r * cols;
            ints[offB + r * dstRowStride + c] = ints[offA + r * srcRowStride + c * srcColStride];
        }
    }

    /** ints[offB + i] = x rounded toward zero, saturated, NaN → 0 (Java's (int) cast) for x = arena[offA + i]. */
    private void castToInts() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            ints[offB + i] = saturatedInt(arena[offA + i]);
        }
    }

    /** Java's (int) x; OpenCL's plain cast is undefined outside the int range and for NaN, hence the tests first. */
    private int saturatedInt(float x) {
        int y = 0;
        if (x >= TWO_31) {
            y = 2147483647;
        } else if (x <= -TWO_31) {
            y = -2147483647 - 1;
        } else if (x == x) {
            y = (int) x;
        }
        return y;
    }

    /** arena[offB + i] = the nearest float of ints[offA + i] (OpenCL and Java both round an int to nearest even). */
    private void castFromInts() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            arena[offB + i] = (float) ints[offA + i];
        }
    }

    /**
     * dst (at offC) row i = src (at offA, rows × cols) row ints[offB + i], over n = (gathered rows)·cols elements.
     * Core has checked every index; one outside [0, rows) still never reads outside src (its row is left as it was).
     */
    private void gatherRows() {
        for (int e = getGlobalId(); e < n; e += getGlobalSize()) {
            int i = e / cols;
            int row = ints[offB + i];
            if (row >= 0 && row < rows) {
                arena[offC + e] = arena[offA + row * cols + (e - i * cols)];
            }
        }
    }

    /** {@link #gatherRows} of an INT32 src (at offA) into an INT32 dst (at offC), both in the INT32 arena. */
    private void gatherRowsInts() {
        for (int e = getGlobalId(); e < n; e += getGlobalSize()) {
            int i = e / cols;
            int row = ints[offB + i];
            if (row >= 0 && row < rows) {
                ints[offC + e] = ints[offA + row * cols + (e - i * cols)];
            }
        }
    }

    /**
     * dst (at offC, rows × cols) row ints[offB + i] += src (at offA) row i, for i = 0, 1, …, n − 1 IN THAT ORDER: one
     * work-item per column walks every source row, so each element receives its additions in increasing i without
     * atomics, and the result is the same bits on every run and every device that rounds each addition the same.
     * Parallel over columns only (a row-parallel split would need atomics or a sort by index).
     */
    private void scatterAddRows() {
        for (int c = getGlobalId(); c < cols; c += getGlobalSize()) {
            for (int i = 0; i < n; i++) {
                int row = ints[offB + i];
                if (row >= 0 && row < rows) {
                    arena[offC + row * cols + c] = arena[offC + row * cols + c] + arena[offA + i * cols + c];
                }
            }
        }
    }

    /** 1 when v comes before b in argmax's order: a NaN before every number, else the larger. */
    private int beats(float v, float b) {
        return ((v != v && b == b) || v > b) ? 1 : 0;
    }

    /**
     * ints[offB + r] = the first column of the max of row r of x (at offA, rows × cols), a NaN beating every number
     * (the first NaN wins). One group per row; item lid scans columns lid, lid + 256, … keeping its first best, then a
     * tree keeps, of two candidates, the one that beats the other, or the smaller column when neither does (equal
     * values, or two NaN). An item with no column holds (−∞, cols), which any real column beats or ties with a
     * smaller index.
     */
    private void argmaxRows() {
        int lid = getLocalId();
        int size = getLocalSize();
        for (int r = getGroupId(); r < rows; r += getNumGroups()) {
            float best = negInf;
            int bestJ = cols;
            for (int j = lid; j < cols; j += size) {
                float v = arena[offA + r * cols + j];
                if (beats(v, best) == 1 || (beats(best, v) == 0 && j < bestJ)) {
                    best = v;
                    bestJ = j;
                }
            }
            red[lid] = best;
            redIdx[lid] = bestJ;
            for (int s = size / 2; s > 0; s = s / 2) {
                localBarrier();
                if (lid < s) {
                    float v = red[lid + s];
                    int j = redIdx[lid + s];
                    float b = red[lid];
                    if (beats(v, b) == 1 || (beats(b, v) == 0 && j < redIdx[lid])) {
                        red[lid] = v;
                        redIdx[lid] = j;
                    }
                }
            }
            localBarrier();
            if (lid == 0) {
                ints[offB + r] = redIdx[0];
            }
            localBarrier();
        }
    }

    /** out (at offB) [i·cols + j] = 1 where ints[offA + i] = j, else 0, over n = (labels)·cols elements. */
    private void oneHot() {
        for (int e = getGlobalId(); e < n; e += getGlobalSize()) {
            int i = e / cols;
            arena[offB + e] = ints[offA + i] == e - i * cols ? 1f : 0f;
        }
    }

    /** 1 when a op b for comparison code c, else 0; IEEE: false with a NaN except NE, −0 = +0. */
    private int test(int c, float a, float b) {
        int y = a != b ? 1 : 0;
        if (c == Op.C_GT) {
            y = a > b ? 1 : 0;
        }
        if (c == Op.C_GE) {
            y = a >= b ? 1 : 0;
        }
        if (c == Op.C_LT) {
            y = a < b ? 1 : 0;
        }
        if (c == Op.C_LE) {
            y = a <= b ? 1 : 0;
        }
        if (c == Op.C_EQ) {
            y = a == b ? 1 : 0;
        }
        return y;
    }

    /** {@link #test} of two ints. */
    private int testInts(int c, int a, int b) {
        int y = a != b ? 1 : 0;
        if (c == Op.C_GT) {
            y = a > b ? 1 : 0;
        }
        if (c == Op.C_GE) {
            y = a >= b ? 1 : 0;
        }
        if (c == Op.C_LT) {
            y = a < b ? 1 : 0;
        }
        if (c == Op.C_LE) {
            y = a <= b ? 1 : 0;
        }
        if (c == Op.C_EQ) {
            y = a == b ? 1 : 0;
        }
        return y;
    }

    /** ints[offC + i] = a[i] op b[bi] over rows × cols, b laid over a as in {@link #binary}; a, b at offA, offB. */
    private void compare() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            int bi = broadcast == Op.BC_ROW ? i % cols : (broadcast == Op.BC_COLUMN ? i / cols : i);
            ints[offC + i] = test(code, arena[offA + i], arena[offB + bi]);
        }
    }

    /** {@link #compare} of two INT32 operands (in the INT32 arena). */
    private void compareInts() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            int bi = broadcast == Op.BC_ROW ? i % cols : (broadcast == Op.BC_COLUMN ? i / cols : i);
            ints[offC + i] = testInts(code, ints[offA + i], ints[offB + bi]);
        }
    }

    /**
     * out[i] (at offC) = ints[offD + i] ≠ 0 ? a[i] (at offA) : b[i] (at offB): a load of the chosen element only, so
     * a NaN or ∞ in the other never reaches out. out may be a or b (each item reads its i, then writes it).
     */
    private void where() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            if (ints[offD + i] != 0) {
                arena[offC + i] = arena[offA + i];
            } else {
                arena[offC + i] = arena[offB + i];
            }
        }
    }

    // ---- BFLOAT16 and FLOAT16 (issue 16): halves is the 16-bit arena; the arithmetic is float -----------------------

    /**
     * v·2^s for s in [−140, 140]: two multiplications by normal table entries, so the result is exact whenever v·2^s
     * is representable (v·2^(s/2) stays normal for the values the 16-bit ops pass).
     */
    private float scaleByTwo(float v, int s) {
        int h = s >> 1;
        return v * twos[h + 70] * twos[s - h + 70];
    }

    /**
     * The exact value of the 16-bit pattern {@code bits} (0 … 65535) of type {@code kind}: ±(2^f + frac)·2^(e − bias − f)
     * for a normal (f fraction bits: 7 BFLOAT16, 10 FLOAT16), ±frac·2^(1 − bias − f) for a subnormal, ±∞, or NaN (its
     * payload is not kept: no arithmetic can write one).
     */
    private float decodeHalf(int kind, int bits) {
        int fracBits = kind == Op.HALF_BF16 ? 7 : 10;
        int top = kind == Op.HALF_BF16 ? 255 : 31;
        int bias = kind == Op.HALF_BF16 ? 127 : 15;
        int e = (bits & 0x7fff) >> fracBits;
        int frac = bits & ((1 << fracBits) - 1);
        float mag = negInf - negInf;                                         // NaN
        if (e == top && frac == 0) {
            mag = -negInf;
        } else if (e < top) {
            float q = (float) ((e == 0 ? 0 : 1 << fracBits) + frac) * (kind == Op.HALF_BF16 ? 0.0078125f : 0.0009765625f);
            mag = scaleByTwo(q, (e == 0 ? 1 : e) - bias);
        }
        return (bits & 0x8000) != 0 ? -mag : mag;
    }

    /**
     * The pattern of x rounded once to nearest even in 16-bit type {@code kind}, bit for bit as dev.nabla.HalfFloats,
     * except that every NaN becomes the positive quiet NaN (0x7FC0 for BFLOAT16, as HalfFloats; 0x7E00 for FLOAT16,
     * where HalfFloats keeps the NaN's sign, which no arithmetic can read). |x| = q·2^e with q in [1, 2), e found by
     * bisection and never below the type's smallest normal exponent 1 − bias; r = rint(|x|·2^(f − e)) is the rounded
     * significand (below 2^f for a subnormal) and ((e + bias) &lt;&lt; f) + r − 2^f the pattern: a carry of r to 2^(f+1)
     * moves into the exponent, up to ∞ for BFLOAT16; FLOAT16 is ∞ from 65520 (the tie above 65504) on.
     */
    private int encodeHalf(int kind, float x) {
        int fracBits = kind == Op.HALF_BF16 ? 7 : 10;
        int bias = kind == Op.HALF_BF16 ? 127 : 15;
        int sign = (x < 0f || (x == 0f && 1f / x < 0f)) ? 0x8000 : 0;
        float a = abs(x);
        int bits = kind == Op.HALF_BF16 ? 0x7fc0 : 0x7e00;                  // NaN
        if (x == x) {
            if (a >= (kind == Op.HALF_BF16 ? -negInf : 65520f)) {
                bits = sign | (kind == Op.HALF_BF16 ? 0x7f80 : 0x7c00);
            } else {
                int lo = 1 - bias;
                int hi = bias;
                for (int step = 0; step < 8; step++) {                     // 2⁸ ≥ the 254 exponents of BFLOAT16
                    int mid = (lo + hi + 1) >> 1;
                    if (lo < hi) {
                        if (a >= scaleByTwo(1f, mid)) {
                            lo = mid;
                        } else {
                            hi = mid - 1;
                        }
                    }
                }
                int r = (int) rint(scaleByTwo(a, fracBits - lo));
                bits = sign | (((lo + bias) << fracBits) + r - (1 << fracBits));
            }
        }
        return bits;
    }

    /** The value of 16-bit element {@code at} of the arena, of this launch's 16-bit type. */
    private float halfAt(int at) {
        return decodeHalf(halfType, halves[at] & 0xffff);
    }

    /** halves[offA + i] = ip0 (a 16-bit pattern, rounded on the host) */
    private void fillHalves() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            halves[offA + i] = (char) ip0;
        }
    }

    /** halves[offB + i] = halves[offA + i] */
    private void copyHalves() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            halves[offB + i] = halves[offA + i];
        }
    }

    /** istage[p] = halves[offA + 2p] | halves[offA + 2p + 1] &lt;&lt; 16 (0 past n) for the tier in {@link #stage}. */
    private void toStageHalves() {
        if (stage == 0) {
            packHalves(istage0);
        }
        if (stage == 1) {
            packHalves(istage1);
        }
        if (stage == 2) {
            packHalves(istage2);
        }
        if (stage == 3) {
            packHalves(istage3);
        }
    }

    private void packHalves(int[] window) {
        for (int p = getGlobalId(); 2 * p < n; p += getGlobalSize()) {
            int low = halves[offA + 2 * p] & 0xffff;
            int high = 2 * p + 1 < n ? halves[offA + 2 * p + 1] & 0xffff : 0;
            window[p] = low | (high << 16);
        }
    }

    /** halves[offA + i] = half i of the packed istage (low half first) for the tier in {@link #stage}. */
    private void fromStageHalves() {
        if (stage == 0) {
            unpackHalves(istage0);
        }
        if (stage == 1) {
            unpackHalves(istage1);
        }
        if (stage == 2) {
            unpackHalves(istage2);
        }
        if (stage == 3) {
            unpackHalves(istage3);
        }
    }

    private void unpackHalves(int[] window) {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            halves[offA + i] = (char) ((window[i >> 1] >> ((i & 1) * 16)) & 0xffff);
        }
    }

    /** {@link #copyStrided} in the 16-bit arena: the patterns move untouched. */
    private void copyStridedHalves() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            int r = i / cols;
            int c = i - r * cols;
            halves[offB + r * dstRowStride + c] = halves[offA + r * srcRowStride + c * srcColStride];
        }
    }

    /** {@link #gatherRows} of a 16-bit src (at offA) into a 16-bit dst (at offC), indices in the INT32 arena. */
    private void gatherRowsHalves() {
        for (int e = getGlobalId(); e < n; e += getGlobalSize()) {
            int i = e / cols;
            int row = ints[offB + i];
            if (row >= 0 && row < rows) {
                halves[offC + e] = halves[offA + row * cols + (e - i * cols)];
            }
        }
    }

    /**
     * Casts on the 16-bit arena, by {@link #code}: HC_TO_REAL arena[offB + i] = the value of halves[offA + i];
     * HC_FROM_REAL halves[offB + i] = arena[offA + i] rounded, and arena[0] = 1 when some element is NaN (the
     * launcher redoes a FLOAT16 cast with NaN on the host, which keeps their signs); HC_TO_HALF to the 16-bit type in
     * {@link #code2}, a NaN staying a NaN of its sign; HC_TO_INT ints[offB + i] = Java's (int) of the value.
     */
    private void castHalves() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            if (code == Op.HC_TO_REAL) {
                arena[offB + i] = halfAt(offA + i);
            } else if (code == Op.HC_FROM_REAL) {
                float x = arena[offA + i];
                if (x != x) {
                    arena[0] = 1f;
                }
                halves[offB + i] = (char) encodeHalf(halfType, x);
            } else if (code == Op.HC_TO_HALF) {
                int bits = halves[offA + i] & 0xffff;
                float v = decodeHalf(halfType, bits);
                int nan = code2 == Op.HALF_BF16 ? 0x7fc0 : (bits & 0x8000) | 0x7e00;
                halves[offB + i] = (char) (v != v ? nan : encodeHalf(code2, v));
            } else {
                ints[offB + i] = saturatedInt(halfAt(offA + i));
            }
        }
    }

    /**
     * {@link #gemm} on 16-bit A and B (of type {@link #halfType}): the same tiles, each element decoded as it is loaded,
     * the products and sums in float. C is float (halfOut = 0) or of the 16-bit type (halfOut = 1: read exactly,
     * α·Σ + β·C formed in float and rounded once). k = 0 stands for "A and B not read" (also α = 0): C = β·C.
     */
    private void gemmHalves() {
        int tx = getLocalId(0);
        int ty = getLocalId(1);
        int lid = ty * Geometry.GEMM_LOCAL + tx;
        int row0 = getGroupId(1) * Geometry.TS;
        int col0 = getGroupId(0) * Geometry.TS;
        float c00 = 0f;
        float c01 = 0f;
        float c10 = 0f;
        float c11 = 0f;
        int steps = (k + Geometry.TK - 1) / Geometry.TK;
        for (int s = 0; s < steps; s++) {
            int k0 = s * Geometry.TK;
            for (int q = 0; q < 2; q++) {
                int l = lid + q * (Geometry.GEMM_LOCAL * Geometry.GEMM_LOCAL);
                int ai = transA == 0 ? l / Geometry.TK : l % Geometry.TS;
                int ap = transA == 0 ? l % Geometry.TK : l / Geometry.TS;
                int gi = row0 + ai;
                int gp = k0 + ap;
                float av = 0f;
                if (gi < m && gp < k) {
                    av = halfAt(offA + (transA == 0 ? gi * k + gp : gp * m + gi));
                }
                tileA[ap * Geometry.TS + ai] = av;
                int bj = transB == 0 ? l % Geometry.TS : l / Geometry.TK;
                int bp = transB == 0 ? l / Geometry.TS : l % Geometry.TK;
                int gj = col0 + bj;
                int gq = k0 + bp;
                float bv = 0f;
                if (gj < cols && gq < k) {
                    bv = halfAt(offB + (transB == 0 ? gq * cols + gj : gj * k + gq));
                }
                tileB[bp * Geometry.TS + bj] = bv;
            }
            localBarrier();
            for (int p = 0; p < Geometry.TK; p++) {
                float a0 = tileA[p * Geometry.TS + ty];
                float a1 = tileA[p * Geometry.TS + ty + Geometry.GEMM_LOCAL];
                float b0 = tileB[p * Geometry.TS + tx];
                float b1 = tileB[p * Geometry.TS + tx + Geometry.GEMM_LOCAL];
                c00 += a0 * b0;
                c01 += a0 * b1;
                c10 += a1 * b0;
                c11 += a1 * b1;
            }
            localBarrier();
        }
        gemmStoreHalves(row0 + ty, col0 + tx, c00);
        gemmStoreHalves(row0 + ty, col0 + tx + Geometry.GEMM_LOCAL, c01);
        gemmStoreHalves(row0 + ty + Geometry.GEMM_LOCAL, col0 + tx, c10);
        gemmStoreHalves(row0 + ty + Geometry.GEMM_LOCAL, col0 + tx + Geometry.GEMM_LOCAL, c11);
    }

    /** C[i][j] = α·acc + β·C[i][j] (C unread when β = 0; β·C alone when k = 0), in float, rounded once to a 16-bit C. */
    private void gemmStoreHalves(int i, int j, float acc) {
        if (i < m && j < cols) {
            int at = i * cols + j;
            float v = k == 0 ? 0f : alpha * acc;
            if (beta != 0f) {
                float c = halfOut != 0 ? halfAt(offC + at) : arena[offC + at];
                v = k == 0 ? beta * c : v + beta * c;
            }
            if (halfOut != 0) {
                halves[offC + at] = (char) encodeHalf(halfType, v);
            } else {
                arena[offC + at] = v;
            }
        }
    }

    /** out[i] = g(z[i] + b[i mod cols]) in float, rounded once: z, b, out at A, B, C of the 16-bit arena. */
    private void biasActivationHalves() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            float z = halfAt(offA + i) + halfAt(offB + i % cols);
            halves[offC + i] = (char) encodeHalf(halfType, applyUnary(code, z, 0f));
        }
    }

    /** out[i] = d[i]·g'(a[i]) in float, rounded once: a, d, out at A, B, C of the 16-bit arena. */
    private void activationBackwardHalves() {
        for (int i = getGlobalId(); i < n; i += getGlobalSize()) {
            float g = applyUnary(code, halfAt(offA + i), 0f);
            halves[offC + i] = (char) encodeHalf(halfType, halfAt(offB + i) * g);
        }
    }
}
