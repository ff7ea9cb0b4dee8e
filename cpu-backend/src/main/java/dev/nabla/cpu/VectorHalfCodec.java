package dev.nabla.cpu;

import dev.nabla.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

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
 * The remainders ({@code len} not a multiple of L) go through {@link ScalarHalfCodec}.
 */
final class VectorHalfCodec implements HalfCodec {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final ScalarHalfCodec TAIL = new ScalarHalfCodec();

    private static IntVector widen(short[] src, int at) {
        return (IntVector) ShortVector.fromArray(S, src, at).convertShape(VectorOperators.S2I, I, 0);
    }

    private static void narrow(IntVector bits, short[] dst, int at) {
        ((ShortVector) bits.convertShape(VectorOperators.I2S, S, 0)).intoArray(dst, at);
    }

    @Override
    public void decode(DType dtype, short[] src, int srcFrom, float[] dst, int dstFrom, int len) {
        int body = len - len % L;
        if (dtype == DType.BFLOAT16) {
            for (int k = 0; k < body; k += L) {
                widen(src, srcFrom + k).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                        .intoArray(dst, dstFrom + k);
            }
        } else {
            for (int k = 0; k < body; k += L) {
                IntVector x = widen(src, srcFrom + k);
                IntVector sign = x.and(0x8000).lanewise(VectorOperators.LSHL, 16);
                IntVector shifted = x.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
                IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
                VectorMask<Integer> special = shifted.compare(VectorOperators.GE, 0x7c00 << 13);
                finite.blend(shifted.or(0x7f800000), special).or(sign).reinterpretAsFloats()
                        .intoArray(dst, dstFrom + k);
            }
        }
        TAIL.decode(dtype, src, srcFrom + body, dst, dstFrom + body, len - body);
    }

    @Override
    public void encode(DType dtype, float[] src, int srcFrom, short[] dst, int dstFrom, int len) {
        int body = len - len % L;
        if (dtype == DType.BFLOAT16) {
            for (int k = 0; k < body; k += L) {
                IntVector x = FloatVector.fromArray(F, src, srcFrom + k).reinterpretAsInts();
                VectorMask<Integer> nan = x.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
                IntVector lsb = x.lanewise(VectorOperators.LSHR, 16).and(1);
                IntVector r = x.add(0x7fff).add(lsb).lanewise(VectorOperators.LSHR, 16);
                narrow(r.blend(0x7fc0, nan), dst, dstFrom + k);
            }
        } else {
            for (int k = 0; k < body; k += L) {
                IntVector x = FloatVector.fromArray(F, src, srcFrom + k).reinterpretAsInts();
                IntVector sign = x.lanewise(VectorOperators.LSHR, 16).and(0x8000);
                IntVector a = x.and(0x7fffffff);
                IntVector lsb = a.lanewise(VectorOperators.LSHR, 13).and(1);
                IntVector normal = a.add(((15 - 127) << 23) + 0xfff).add(lsb).lanewise(VectorOperators.LSHR, 13);
                IntVector subnormal = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(126 << 23);
                IntVector r = normal.blend(subnormal, a.compare(VectorOperators.LT, 113 << 23));
                r = r.blend(0x7c00, a.compare(VectorOperators.GE, (127 + 16) << 23));
                r = r.blend(0x7e00, a.compare(VectorOperators.GT, 0x7f800000));
                narrow(r.or(sign), dst, dstFrom + k);
            }
        }
        TAIL.encode(dtype, src, srcFrom + body, dst, dstFrom + body, len - body);
    }
}
