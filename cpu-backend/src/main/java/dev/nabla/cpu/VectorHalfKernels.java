package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.spi.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static dev.nabla.cpu.VectorHalfCodec.bfloat16Evens;
import static dev.nabla.cpu.VectorHalfCodec.bfloat16High;
import static dev.nabla.cpu.VectorHalfCodec.bfloat16Odds;
import static dev.nabla.cpu.VectorHalfCodec.bfloat16ToFloat;
import static dev.nabla.cpu.VectorHalfCodec.float16ToFloat;
import static dev.nabla.cpu.VectorHalfCodec.pairs;
import static dev.nabla.cpu.VectorHalfCodec.storeBFloat16Pairs;
import static dev.nabla.cpu.VectorHalfCodec.widen;

/**
 * {@link HalfKernels} on the Vector API path: BFLOAT16 in registers, FLOAT16 through per-thread float tiles
 * ({@link TiledHalfKernels} on the Vector API codec and float kernels). Either way no call allocates, and the results
 * are the bits of decode → float kernel → encode (CpuHalfKernelsTest checks every op on every 16-bit pattern against
 * the tiled route).
 *
 * <p>BFLOAT16: each step loads 2L patterns as L ints ({@link VectorHalfCodec#pairs}: the even patterns in the low
 * halves, the odd ones in the high halves), decodes the evens and the odds into two FloatVectors (a shift, an and),
 * runs the same lane formulas as {@link VectorFloatKernels}, rounds both (integer lane arithmetic) and stores them
 * interleaved again. δ ⊙ g′(a), z + b and relu(z + b) do it in one loop, reading and writing memory once at 2 bytes
 * an element; σ(z + b) and tanh(z + b) in three over an 8 KiB float tile (see {@link #sumPairs}).
 *
 * <p>Why the split, the handles and FLOAT16's tiles: C2 gives up inlining inside a compilation once its graph passes
 * a node count, and then boxes a vector per step (tens of KiB per call, measured with the allocation counter on
 * JDK 17). σ's or tanh's polynomial with a codec on both sides passes it; so does the FLOAT16 codec's blends on 2L
 * patterns; so does a caller that inlines two loops (see {@link #call}).
 *
 * <p>The in-register loops follow {@link VectorFloatKernels}' pattern: one class per op (the enums), and the
 * remaining entries of a row or range (fewer than 2L) copied into per-thread scratch and run through the SAME loop
 * method, so every element is computed by the same compiled code wherever it falls. sumColumns widens L patterns at
 * a time (S2I) and adds them to the float32 sums in place; its loop is small.
 */
final class VectorHalfKernels implements HalfKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** 16-bit elements per in-register loop step. */
    private static final int STEP = VectorHalfCodec.PAIR_LENGTH;

    /** Per-thread scratch for loop remainders: one step of each operand. */
    private static final class Scratch {
        final short[] a = new short[STEP];
        final short[] b = new short[STEP];
        final short[] out = new short[STEP];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Floats per {@link #TILE} (σ/tanh(z + b) on BFLOAT16): 8 KiB, in L1; a multiple of STEP. */
    private static final int TILE_LENGTH = 2048;
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[TILE_LENGTH]);

    private final HalfKernels tiled;
    /** sumPairs and storePairs, in instance fields: not constants, so C2 does not inline through them. */
    private final MethodHandle sumPairsCall = loop("sumPairs", MethodType.methodType(void.class, short[].class,
            int.class, short[].class, int.class, float[].class, int.class));
    private final MethodHandle storePairsCall = loop("storePairs", MethodType.methodType(void.class,
            float[].class, short[].class, int.class, int.class));
    private final MethodHandle sigmoidTileCall = loop("sigmoidTile", MethodType.methodType(void.class,
            float[].class, int.class));
    private final MethodHandle tanhTileCall = loop("tanhTile", MethodType.methodType(void.class,
            float[].class, int.class));
    private final MethodHandle addBFloat16RowCall = loop("addBFloat16Row", MethodType.methodType(void.class,
            short[].class, int.class, float[].class, int.class, int.class));
    private final MethodHandle addFloat16RowCall = loop("addFloat16Row", MethodType.methodType(void.class,
            short[].class, int.class, float[].class, int.class, int.class));

    /** This class's private static loop {@code name}, as a handle. */
    private static MethodHandle loop(String name, MethodType type) {
        return LoopHandles.findStatic(MethodHandles.lookup(), VectorHalfKernels.class, name, type);
    }

    /** {@code tiled}: runs the FLOAT16 ops (see the class comment). */
    VectorHalfKernels(HalfKernels tiled) {
        this.tiled = tiled;
    }

    // ---- calling a loop --------------------------------------------------------------------------------------------
    // Each loop is compiled on its own, and must stay so: inlined into a caller that also inlines another loop (a call
    // site that has seen two activations, or the row body and the remainder of the same op), the caller's graph passes
    // C2's node limit, and then it boxes a vector per step; which happens depended on the order the ops first ran in.
    // A MethodHandle that is not a compile-time constant is a call C2 never inlines, so the loops are called through
    // one; they take and return no vectors, so the call costs only the call, once per row or range.



    private static void call(MethodHandle run, short[] z, int iz, short[] b, int ib, short[] out, int o, int len) {
        try {
            run.invokeExact(z, iz, b, ib, out, o, len);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    private static void call(MethodHandle run, short[] z, int iz, short[] b, int ib, float[] t, int len) {
        try {
            run.invokeExact(z, iz, b, ib, t, len);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    private static void call(MethodHandle run, float[] t, short[] out, int o, int len) {
        try {
            run.invokeExact(t, out, o, len);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    private static void call(MethodHandle run, float[] t, int len) {
        try {
            run.invokeExact(t, len);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    private static void call(MethodHandle run, short[] a, short[] d, short[] out, int i, int end) {
        try {
            run.invokeExact(a, d, out, i, end);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    // ---- bias + activation ---------------------------------------------------------------------------------------

    /** out[o..o+len) = g(z[iz..] + b[ib..]) on BFLOAT16 patterns, len a multiple of STEP; one class per activation. */
    private enum BiasLoop {
        IDENTITY { void run(short[] z, int iz, short[] b, int ib, short[] out, int o, int len) {
            for (int j = 0; j < len; j += STEP) {
                IntVector zp = pairs(z, iz + j);
                IntVector bp = pairs(b, ib + j);
                storeBFloat16Pairs(bfloat16High(bfloat16Evens(zp).add(bfloat16Evens(bp))),
                        bfloat16High(bfloat16Odds(zp).add(bfloat16Odds(bp))), out, o + j);
            } } },
        RELU { void run(short[] z, int iz, short[] b, int ib, short[] out, int o, int len) {
            for (int j = 0; j < len; j += STEP) {
                IntVector zp = pairs(z, iz + j);
                IntVector bp = pairs(b, ib + j);
                storeBFloat16Pairs(bfloat16High(bfloat16Evens(zp).add(bfloat16Evens(bp)).max(0)),
                        bfloat16High(bfloat16Odds(zp).add(bfloat16Odds(bp)).max(0)), out, o + j);
            } } };

        abstract void run(short[] z, int iz, short[] b, int ib, short[] out, int o, int len);

        /** {@link #run} on this constant, called through a handle that C2 does not inline (see {@link #call}). */
        final MethodHandle run = LoopHandles.bound(MethodHandles.lookup(), this,
                BiasLoop.class, MethodType.methodType(void.class, short[].class,
                int.class, short[].class, int.class, short[].class, int.class, int.class));

        /** The in-register loop, or null for the tiled route; as VectorFloatKernels, other activations are identity. */
        static BiasLoop of(DType dtype, UnaryOp act) {
            if (dtype != DType.BFLOAT16) {
                return null;
            }
            return switch (act) {
                case SIGMOID, TANH -> null;
                case RELU -> RELU;
                default -> IDENTITY;
            };
        }
    }

    /**
     * The two in-register halves of σ/tanh(z + b) on BFLOAT16, whose polynomial and codec together pass C2's node
     * limit in one loop: sumPairs writes z + b of one STEP after another into a float tile (per step the L even sums,
     * then the L odd ones), sigmoidTile or tanhTile runs σ or tanh on the tile in place (the float kernels' lane
     * formula: the same bits), and storePairs rounds the tile and writes the patterns back interleaved. The tile holds
     * the pairs' order, which an elementwise op does not mind. Each is called through a handle C2 does not inline
     * (not VectorFloatKernels#unary, whose call site, once it has seen σ and tanh, inlines both loops and boxes).
     */
    private static void sumPairs(short[] z, int iz, short[] b, int ib, float[] t, int len) {
        for (int j = 0; j < len; j += STEP) {             // t = z + b, len a multiple of STEP
            IntVector zp = pairs(z, iz + j);
            IntVector bp = pairs(b, ib + j);
            bfloat16Evens(zp).add(bfloat16Evens(bp)).intoArray(t, j);
            bfloat16Odds(zp).add(bfloat16Odds(bp)).intoArray(t, j + L);
        }
    }

    /** t = σ(t) in place, len a multiple of L: VectorFloatKernels' lane formula, here so that C2 compiles it alone. */
    private static void sigmoidTile(float[] t, int len) {
        for (int j = 0; j < len; j += L) {
            VectorFloatMath.sigmoid(FloatVector.fromArray(F, t, j)).intoArray(t, j);
        }
    }

    /** t = tanh(t) in place, len a multiple of L. */
    private static void tanhTile(float[] t, int len) {
        for (int j = 0; j < len; j += L) {
            VectorFloatMath.tanh(FloatVector.fromArray(F, t, j)).intoArray(t, j);
        }
    }

    private static void storePairs(float[] t, short[] out, int o, int len) {
        for (int j = 0; j < len; j += STEP) {             // out = t rounded, len a multiple of STEP
            storeBFloat16Pairs(bfloat16High(FloatVector.fromArray(F, t, j)),
                    bfloat16High(FloatVector.fromArray(F, t, j + L)), out, o + j);
        }
    }

    /** σ/tanh(z + b) on BFLOAT16 rows, through the float tile of {@link #sumPairs}. */
    private void biasSigmoidOrTanh(UnaryOp act, short[] z, short[] bias, short[] out, int cols, int rowFrom,
                                   int rowTo) {
        float[] t = TILE.get();
        MethodHandle activate = act == UnaryOp.SIGMOID ? sigmoidTileCall : tanhTileCall;
        int len = cols - cols % STEP;
        int n = cols - len;
        Scratch s = SCRATCH.get();
        if (n > 0) {                                    // before out, which may be bias, is written
            System.arraycopy(bias, len, s.b, 0, n);
        }
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            for (int c0 = 0; c0 < len; c0 += TILE_LENGTH) {
                int w = Math.min(TILE_LENGTH, len - c0);
                call(sumPairsCall, z, base + c0, bias, c0, t, w);
                call(activate, t, w);
                call(storePairsCall, t, out, base + c0, w);
            }
            if (n > 0) {
                System.arraycopy(z, base + len, s.a, 0, n);
                call(sumPairsCall, s.a, 0, s.b, 0, t, STEP);
                call(activate, t, STEP);
                call(storePairsCall, t, s.out, 0, STEP);
                System.arraycopy(s.out, 0, out, base + len, n);
            }
        }
    }

    @Override
    public void biasActivation(DType dtype, UnaryOp act, short[] z, short[] bias, short[] out, int cols, int rowFrom,
                               int rowTo) {
        if (dtype == DType.BFLOAT16 && (act == UnaryOp.SIGMOID || act == UnaryOp.TANH)) {
            biasSigmoidOrTanh(act, z, bias, out, cols, rowFrom, rowTo);
            return;
        }
        BiasLoop loop = BiasLoop.of(dtype, act);
        if (loop == null) {
            tiled.biasActivation(dtype, act, z, bias, out, cols, rowFrom, rowTo);
            return;
        }
        int len = cols - cols % STEP;
        int n = cols - len;
        Scratch s = SCRATCH.get();
        if (n > 0) {                                    // before out, which may be bias, is written
            System.arraycopy(bias, len, s.b, 0, n);
        }
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            call(loop.run, z, base, bias, 0, out, base, len);
            if (n > 0) {
                System.arraycopy(z, base + len, s.a, 0, n);
                call(loop.run, s.a, 0, s.b, 0, s.out, 0, STEP);
                System.arraycopy(s.out, 0, out, base + len, n);
            }
        }
    }

    // ---- δ ⊙ g′(a) ------------------------------------------------------------------------------------------------

    /** out[i..end) = d ⊙ g′(a) on BFLOAT16 patterns, end − i a multiple of STEP; one class per derivative. */
    private enum BackwardLoop {
        SIGMOID { void run(short[] a, short[] d, short[] out, int i, int end) { // d·a(1 − a)
            for (; i < end; i += STEP) {
                IntVector ap = pairs(a, i);
                IntVector dp = pairs(d, i);
                FloatVector ae = bfloat16Evens(ap);
                FloatVector ao = bfloat16Odds(ap);
                storeBFloat16Pairs(bfloat16High(bfloat16Evens(dp).mul(ae.mul(ae.neg().add(1)))),
                        bfloat16High(bfloat16Odds(dp).mul(ao.mul(ao.neg().add(1)))), out, i);
            } } },
        TANH { void run(short[] a, short[] d, short[] out, int i, int end) { // d·(1 − a²)
            for (; i < end; i += STEP) {
                IntVector ap = pairs(a, i);
                IntVector dp = pairs(d, i);
                FloatVector ae = bfloat16Evens(ap);
                FloatVector ao = bfloat16Odds(ap);
                storeBFloat16Pairs(bfloat16High(bfloat16Evens(dp).mul(ae.mul(ae).neg().add(1))),
                        bfloat16High(bfloat16Odds(dp).mul(ao.mul(ao).neg().add(1))), out, i);
            } } },
        RELU { void run(short[] a, short[] d, short[] out, int i, int end) { // d where a > 0, else 0
            FloatVector zero = FloatVector.zero(F);
            for (; i < end; i += STEP) {
                IntVector ap = pairs(a, i);
                IntVector dp = pairs(d, i);
                FloatVector ae = bfloat16Evens(ap);
                FloatVector ao = bfloat16Odds(ap);
                storeBFloat16Pairs(bfloat16High(zero.blend(bfloat16Evens(dp), ae.compare(VectorOperators.GT, 0))),
                        bfloat16High(zero.blend(bfloat16Odds(dp), ao.compare(VectorOperators.GT, 0))), out, i);
            } } },
        // d, decoded and encoded (not copied): a NaN pattern becomes 0x7FC0, as on the float route
        IDENTITY { void run(short[] a, short[] d, short[] out, int i, int end) {
            for (; i < end; i += STEP) {
                IntVector dp = pairs(d, i);
                storeBFloat16Pairs(bfloat16High(bfloat16Evens(dp)),
                        bfloat16High(bfloat16Odds(dp)), out, i);
            } } };

        abstract void run(short[] a, short[] d, short[] out, int i, int end);

        /** {@link #run} on this constant, called through a handle that C2 does not inline (see {@link #call}). */
        final MethodHandle run = LoopHandles.bound(MethodHandles.lookup(), this,
                BackwardLoop.class, MethodType.methodType(void.class, short[].class,
                short[].class, short[].class, int.class, int.class));

        /** The in-register loop, or null for the tiled route (as VectorFloatKernels: others are the identity's). */
        static BackwardLoop of(DType dtype, UnaryOp gradFromOutput) {
            if (dtype != DType.BFLOAT16) {
                return null;
            }
            return switch (gradFromOutput) {
                case SIGMOID_GRAD_FROM_OUTPUT -> SIGMOID;
                case TANH_GRAD_FROM_OUTPUT -> TANH;
                case RELU_GRAD_FROM_OUTPUT -> RELU;
                default -> IDENTITY;
            };
        }
    }

    @Override
    public void activationBackward(DType dtype, UnaryOp gradFromOutput, short[] a, short[] d, short[] out, int from,
                                   int to) {
        BackwardLoop loop = BackwardLoop.of(dtype, gradFromOutput);
        if (loop == null) {
            tiled.activationBackward(dtype, gradFromOutput, a, d, out, from, to);
            return;
        }
        int upper = to - (to - from) % STEP;
        call(loop.run, a, d, out, from, upper);
        int n = to - upper;
        if (n > 0) {
            Scratch s = SCRATCH.get();
            System.arraycopy(a, upper, s.a, 0, n);
            System.arraycopy(d, upper, s.b, 0, n);
            call(loop.run, s.a, s.b, s.out, 0, STEP);
            System.arraycopy(s.out, 0, out, upper, n);
        }
    }

    // ---- column sums (no transcendental functions: the scalar remainder is exact) ---------------------------------

    /**
     * Accumulates straight into out: out[j] + x (one rounding) is what the float route's axpy with α = 1 computes
     * (fma(x, 1, y) rounds x + y once); the remaining columns add the exactly decoded value the same way.
     */
    @Override
    public void sumColumns(DType dtype, short[] x, int rows, int cols, float[] out, int colFrom, int colTo) {
        java.util.Arrays.fill(out, colFrom, colTo, 0);
        int upper = colFrom + F.loopBound(colTo - colFrom);
        MethodHandle addRow = dtype == DType.BFLOAT16 ? addBFloat16RowCall : addFloat16RowCall;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            try {
                addRow.invokeExact(x, base, out, colFrom, upper);
            } catch (Throwable e) {
                throw LoopHandles.unchecked(e);
            }
            for (int j = upper; j < colTo; j++) {
                out[j] += HalfFloats.toFloat(dtype, x[base + j]);
            }
        }
        for (int j = colFrom; j < colTo; j++) {
            if (!Float.isFinite(out[j])) {              // rare: only columns that overflowed or hold ∞/NaN
                out[j] = TiledHalfKernels.columnSumInDouble(dtype, x, rows, cols, j);
            }
        }
    }

    /**
     * out[from..upper) += row x[base + from..base + upper) decoded, upper − from a multiple of L; one loop per dtype,
     * each through its handle: one method holding both loops boxed every vector of the FLOAT16 one once BFLOAT16 had
     * run in the JVM (12.6 MB a call on 2 × 2¹⁹ elements, CpuLargeHalfTensorAllocationTest).
     */
    private static void addBFloat16Row(short[] x, int base, float[] out, int from, int upper) {
        for (int j = from; j < upper; j += L) {
            FloatVector.fromArray(F, out, j).add(bfloat16ToFloat(widen(x, base + j))).intoArray(out, j);
        }
    }

    private static void addFloat16Row(short[] x, int base, float[] out, int from, int upper) {
        for (int j = from; j < upper; j += L) {
            FloatVector.fromArray(F, out, j).add(float16ToFloat(widen(x, base + j))).intoArray(out, j);
        }
    }
}
