package dev.nabla.cpu;

import dev.nabla.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * {@link HalfCodec} in Vector API lanes: L shorts are widened to L ints (S2I), turned into float bits with integer and
 * float lane operations, and narrowed back (I2S keeps the low 16 bits). Bit for bit {@link dev.nabla.HalfFloats}:
 * <ul>
 *   <li>BFLOAT16 decode: bits &lt;&lt; 16. Encode: (x + 0x7FFF + lsb) &gt;&gt;&gt; 16, NaN lanes 0x7FC0.</li>
 *   <li>FLOAT16 decode: the 15 magnitude bits shifted into a float's exponent and fraction (&lt;&lt; 13) and scaled by
 *       2¹¹² (the bias difference), exact for normals and subnormals; exponent 31 (∞, NaN) gets float's all-ones
 *       exponent with the fraction kept; the sign is or-ed in.</li>
 *   <li>FLOAT16 encode: normals rebias and round by the same carry trick as BFLOAT16 (drop 13 bits); |x| &lt; 2⁻¹⁴
 *       is added to 0.5f, whose ulp is the FLOAT16 subnormal unit 2⁻²⁴, so the float addition rounds to nearest even
 *       exactly as FLOAT16 does, and the fraction bits are the subnormal; |x| ≥ 65536 and ∞ become ∞, NaN sign |
 *       0x7E00. (65520 ≤ |x| &lt; 65536 carries into ∞ on the normal path.)</li>
 * </ul>
 * The remainders ({@code len} not a multiple of L) go through {@link ScalarHalfCodec}. The bit formulas
 * ({@link #bfloat16ToFloat} ...) are what the array loops run on widened lanes, and what {@link VectorHalfKernels}
 * runs in registers on {@link #pairs}.
 */
final class VectorHalfCodec implements HalfCodec {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final ScalarHalfCodec TAIL = new ScalarHalfCodec();

    /** src[at..at+L) widened to L int lanes (S2I: the pattern in the low half, sign-extended). */
    static IntVector widen(short[] src, int at) {
        return (IntVector) ShortVector.fromArray(S, src, at).convertShape(VectorOperators.S2I, I, 0);
    }

    private static void narrow(IntVector bits, short[] dst, int at) {
        ((ShortVector) bits.convertShape(VectorOperators.I2S, S, 0)).intoArray(dst, at);
    }

    // ---- the bit formulas, on int lanes holding 16-bit patterns in their low half ---------------------------------

    /** Floats from BFLOAT16 patterns in the low 16 bits of each lane: bits &lt;&lt; 16. */
    static FloatVector bfloat16ToFloat(IntVector x) {
        return x.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Floats from FLOAT16 patterns in the low 16 bits of each lane (exact; see the class comment). */
    static FloatVector float16ToFloat(IntVector x) {
        IntVector sign = x.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector shifted = x.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = shifted.compare(VectorOperators.GE, 0x7c00 << 13);
        return finite.blend(shifted.or(0x7f800000), special).or(sign).reinterpretAsFloats();
    }

    /** v rounded to BFLOAT16, the pattern in the low 16 bits of each lane (nearest even; NaN lanes 0x7FC0). */
    static IntVector floatToBFloat16(FloatVector v) {
        IntVector x = v.reinterpretAsInts();
        VectorMask<Integer> nan = x.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
        IntVector lsb = x.lanewise(VectorOperators.LSHR, 16).and(1);
        IntVector r = x.add(0x7fff).add(lsb).lanewise(VectorOperators.LSHR, 16);
        return r.blend(0x7fc0, nan);
    }

    /** v rounded to FLOAT16, the pattern in the low 16 bits of each lane (nearest even, subnormals, ±∞, NaN). */
    static IntVector floatToFloat16(FloatVector v) {
        IntVector x = v.reinterpretAsInts();
        IntVector sign = x.lanewise(VectorOperators.LSHR, 16).and(0x8000);
        IntVector a = x.and(0x7fffffff);
        IntVector lsb = a.lanewise(VectorOperators.LSHR, 13).and(1);
        IntVector normal = a.add(((15 - 127) << 23) + 0xfff).add(lsb).lanewise(VectorOperators.LSHR, 13);
        IntVector subnormal = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(126 << 23);
        IntVector r = normal.blend(subnormal, a.compare(VectorOperators.LT, 113 << 23));
        r = r.blend(0x7c00, a.compare(VectorOperators.GE, (127 + 16) << 23));
        r = r.blend(0x7e00, a.compare(VectorOperators.GT, 0x7f800000));
        return r.or(sign);
    }

    // ---- 2L patterns as two int vectors, without a lane conversion -------------------------------------------------
    // A vector-sized load of 2L shorts reinterpreted as L ints (the Vector API reinterprets in little-endian lane
    // order) holds pattern 2i in the low half of int lane i and pattern 2i + 1 in the high half. The fused kernels
    // decode the even and the odd patterns into two FloatVectors, compute, and store the two results interleaved
    // again: an elementwise formula does not care which lane an element sits in. BFLOAT16 only, with the formulas
    // above written on constant vectors (static finals) instead of scalar operands: C2 gives up inlining inside a
    // method once its graph passes a node count, each scalar operand expands into a broadcast, and the S2I/I2S
    // conversions of widen/narrow cost far more. Within that budget a fused loop keeps its vectors in registers;
    // past it, it boxes one per step (see VectorHalfKernels).

    /** Shorts per {@link #pairs} load: 2L. */
    static final int PAIR_LENGTH = 2 * L;
    private static final VectorSpecies<Short> P = VectorSpecies.of(short.class, F.vectorShape());
    private static final IntVector HIGH16 = IntVector.broadcast(I, 0xffff0000);
    private static final IntVector ONE = IntVector.broadcast(I, 1);
    private static final IntVector ABS = IntVector.broadcast(I, 0x7fffffff);
    private static final IntVector INF_BITS = IntVector.broadcast(I, 0x7f800000);
    private static final IntVector BF16_ROUND = IntVector.broadcast(I, 0x7fff);
    private static final IntVector BF16_NAN_HIGH = IntVector.broadcast(I, 0x7fc00000);

    /** src[at..at+2L) as L ints: lane i = src[at+2i] (low half) | src[at+2i+1] &lt;&lt; 16. */
    static IntVector pairs(short[] src, int at) {
        return ShortVector.fromArray(P, src, at).reinterpretAsInts();
    }

    /** The even BFLOAT16 patterns of {@link #pairs} as floats. */
    static FloatVector bfloat16Evens(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** The odd BFLOAT16 patterns of {@link #pairs} as floats. */
    static FloatVector bfloat16Odds(IntVector pairs) {
        return pairs.and(HIGH16).reinterpretAsFloats();
    }

    /** v rounded to BFLOAT16 as {@link #floatToBFloat16}, the pattern in the HIGH half of each lane (low half 0). */
    static IntVector bfloat16High(FloatVector v) {
        IntVector x = v.reinterpretAsInts();
        IntVector lsb = x.lanewise(VectorOperators.LSHR, 16).and(ONE);
        IntVector r = x.add(BF16_ROUND).add(lsb).and(HIGH16);
        return r.blend(BF16_NAN_HIGH, x.and(ABS).compare(VectorOperators.GT, INF_BITS));
    }

    /** dst[at..at+2L) = the patterns of {@link #bfloat16High} even and odd, interleaved (the inverse of pairs). */
    static void storeBFloat16Pairs(IntVector evenHigh, IntVector oddHigh, short[] dst, int at) {
        evenHigh.lanewise(VectorOperators.LSHR, 16).or(oddHigh).reinterpretAsShorts().intoArray(dst, at);
    }

    // ---- the array loops: one method per dtype and direction, each called through a handle ------------------------
    // Each loop is compiled on its own (VectorHalfKernels' rule): inlined into a caller, the codec's loops for both
    // dtypes took TiledHalfKernels' compilation past C2's NodeCountInliningCutoff, narrow was left a call, and every
    // vector of a FLOAT16 loop was boxed (6.3 MB a call on 2²⁰ elements, once BFLOAT16 had run in that JVM).
    // CpuLargeHalfTensorAllocationTest runs both dtypes in one JVM. A MethodHandle in an instance field is not a
    // constant for C2, so it never inlines through it; the loops take and return no vectors.

    private final MethodHandle decodeBFloat16 = loop("decodeBFloat16", true);
    private final MethodHandle decodeFloat16 = loop("decodeFloat16", true);
    private final MethodHandle encodeBFloat16 = loop("encodeBFloat16", false);
    private final MethodHandle encodeFloat16 = loop("encodeFloat16", false);

    private static MethodHandle loop(String name, boolean decode) {
        MethodType type = decode
                ? MethodType.methodType(void.class, short[].class, int.class, float[].class, int.class, int.class)
                : MethodType.methodType(void.class, float[].class, int.class, short[].class, int.class, int.class);
        return LoopHandles.findStatic(MethodHandles.lookup(), VectorHalfCodec.class, name, type);
    }

    @Override
    public void decode(DType dtype, short[] src, int srcFrom, float[] dst, int dstFrom, int len) {
        int body = len - len % L;
        try {
            (dtype == DType.BFLOAT16 ? decodeBFloat16 : decodeFloat16).invokeExact(src, srcFrom, dst, dstFrom, body);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
        TAIL.decode(dtype, src, srcFrom + body, dst, dstFrom + body, len - body);
    }

    private static void decodeBFloat16(short[] src, int srcFrom, float[] dst, int dstFrom, int body) {
        for (int k = 0; k < body; k += L) {
            bfloat16ToFloat(widen(src, srcFrom + k)).intoArray(dst, dstFrom + k);
        }
    }

    private static void decodeFloat16(short[] src, int srcFrom, float[] dst, int dstFrom, int body) {
        for (int k = 0; k < body; k += L) {
            float16ToFloat(widen(src, srcFrom + k)).intoArray(dst, dstFrom + k);
        }
    }

    @Override
    public void encode(DType dtype, float[] src, int srcFrom, short[] dst, int dstFrom, int len) {
        int body = len - len % L;
        try {
            (dtype == DType.BFLOAT16 ? encodeBFloat16 : encodeFloat16).invokeExact(src, srcFrom, dst, dstFrom, body);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
        TAIL.encode(dtype, src, srcFrom + body, dst, dstFrom + body, len - body);
    }

    private static void encodeBFloat16(float[] src, int srcFrom, short[] dst, int dstFrom, int body) {
        for (int k = 0; k < body; k += L) {
            narrow(floatToBFloat16(FloatVector.fromArray(F, src, srcFrom + k)), dst, dstFrom + k);
        }
    }

    private static void encodeFloat16(float[] src, int srcFrom, short[] dst, int dstFrom, int body) {
        for (int k = 0; k < body; k += L) {
            narrow(floatToFloat16(FloatVector.fromArray(F, src, srcFrom + k)), dst, dstFrom + k);
        }
    }
}
