package dev.nabla;

/**
 * Bit-exact conversions between Java's float/double and the two 16-bit storage types, as their raw bit patterns in
 * a {@code short}:
 * <ul>
 *   <li>FLOAT16 (IEEE 754 binary16): 1 sign, 5 exponent (bias 15), 10 fraction bits; largest finite 65504, smallest
 *       normal 2⁻¹⁴, smallest subnormal 2⁻²⁴.</li>
 *   <li>BFLOAT16: the upper half of a float: 1 sign, 8 exponent (bias 127), 7 fraction bits; float's range with
 *       8 significant bits.</li>
 * </ul>
 * Decoding (to float or double) is exact: every half and bfloat16 value is a float. Encoding rounds the exact value
 * once, to nearest with ties to even (IEEE 754 roundTiesToEven), with gradual underflow to subnormals and ±0, and
 * overflow to ±∞ at and beyond the midpoint between the largest finite value and the next power of two (65520 for
 * FLOAT16, (2 − 2⁻⁸)·2¹²⁷ for BFLOAT16). A double is rounded directly, never through float (that would round twice).
 * NaN stays NaN and becomes the canonical quiet NaN, as PyTorch stores it: FLOAT16 keeps the sign
 * ({@code sign | 0x7E00}, c10::Half), BFLOAT16 is {@code 0x7FC0} (c10::BFloat16's round_to_nearest_even).
 * Decoding keeps a NaN's payload bits.
 */
public final class HalfFloats {
    /** The FLOAT16 bits of a canonical quiet NaN (positive). */
    public static final short FLOAT16_NAN = 0x7E00;
    /** The BFLOAT16 bits PyTorch gives every NaN. */
    public static final short BFLOAT16_NAN = 0x7FC0;

    private HalfFloats() {
    }

    // ---- FLOAT16 ---------------------------------------------------------------------------------------------------

    /**
     * The FLOAT16 nearest to f (ties to even).
     *
     * @param f the value
     * @return its FLOAT16 bits
     */
    public static short floatToFloat16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7fffffff;
        if (abs >= 0x477ff000) {                            // |f| ≥ 65520 (the tie above 65504 goes to ∞), ∞, NaN
            return (short) (abs > 0x7f800000 ? sign | FLOAT16_NAN : sign | 0x7c00);
        }
        if (abs >= 0x38800000) {                            // |f| ≥ 2⁻¹⁴: a normal half
            // drop 13 fraction bits, rounding to even: adding 0xfff (+1 when the kept lsb is odd) carries into the
            // kept bits exactly when the dropped part is above half, or exactly half with an odd lsb; a carry out of
            // the fraction raises the exponent, which is the right result
            int rounded = abs + 0xfff + ((abs >>> 13) & 1);
            return (short) (sign | ((rounded >>> 13) - ((127 - 15) << 10)));
        }
        if (abs <= 0x33000000) {                            // |f| ≤ 2⁻²⁵: half the smallest subnormal or less: ±0
            return (short) sign;
        }
        // a subnormal half k·2⁻²⁴: k = m·2^(e−150+24) with m the 24-bit significand, i.e. m >> (126 − e)
        int e = abs >>> 23;
        int m = (abs & 0x7fffff) | 0x800000;
        return (short) (sign | roundShift(m, 126 - e));
    }

    /**
     * The FLOAT16 nearest to d (ties to even), rounded once from the double.
     *
     * @param d the value
     * @return its FLOAT16 bits
     */
    public static short doubleToFloat16(double d) {
        return encodeDouble(d, 5, 10, FLOAT16_NAN, true);
    }

    /**
     * The exact value of FLOAT16 bits.
     *
     * @param h FLOAT16 bits
     * @return the value (a NaN keeps its payload)
     */
    public static float float16ToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int frac = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (frac << 13));
        }
        if (exp == 0) {                                     // ±0 or subnormal: frac·2⁻²⁴, exact in float
            float v = frac * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 127 - 15) << 23) | (frac << 13));
    }

    // ---- BFLOAT16 --------------------------------------------------------------------------------------------------

    /**
     * The BFLOAT16 nearest to f (ties to even): its upper 16 bits after rounding away the lower 16.
     *
     * @param f the value
     * @return its BFLOAT16 bits
     */
    public static short floatToBFloat16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7fffffff) > 0x7f800000) {
            return BFLOAT16_NAN;
        }
        // same carry trick as FLOAT16 with 16 dropped bits; a carry out of the largest finite value gives ∞'s bits
        return (short) ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16);
    }

    /**
     * The BFLOAT16 nearest to d (ties to even), rounded once from the double.
     *
     * @param d the value
     * @return its BFLOAT16 bits
     */
    public static short doubleToBFloat16(double d) {
        return encodeDouble(d, 8, 7, BFLOAT16_NAN, false);
    }

    /**
     * The exact value of BFLOAT16 bits.
     *
     * @param b BFLOAT16 bits
     * @return the value (a NaN keeps its payload)
     */
    public static float bfloat16ToFloat(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    // ---- by dtype --------------------------------------------------------------------------------------------------

    /**
     * The bits of d rounded to a 16-bit dtype.
     *
     * @param dtype BFLOAT16 or FLOAT16
     * @param d the value
     * @return its bits
     */
    public static short fromDouble(DType dtype, double d) {
        return switch (dtype) {
            case FLOAT16 -> doubleToFloat16(d);
            case BFLOAT16 -> doubleToBFloat16(d);
            default -> throw new IllegalArgumentException(dtype + " is not a 16-bit dtype");
        };
    }

    /**
     * The bits of f rounded to a 16-bit dtype.
     *
     * @param dtype BFLOAT16 or FLOAT16
     * @param f the value
     * @return its bits
     */
    public static short fromFloat(DType dtype, float f) {
        return switch (dtype) {
            case FLOAT16 -> floatToFloat16(f);
            case BFLOAT16 -> floatToBFloat16(f);
            default -> throw new IllegalArgumentException(dtype + " is not a 16-bit dtype");
        };
    }

    /**
     * The exact value of bits of a 16-bit dtype.
     *
     * @param dtype BFLOAT16 or FLOAT16
     * @param bits the bits
     * @return the value
     */
    public static float toFloat(DType dtype, short bits) {
        return switch (dtype) {
            case FLOAT16 -> float16ToFloat(bits);
            case BFLOAT16 -> bfloat16ToFloat(bits);
            default -> throw new IllegalArgumentException(dtype + " is not a 16-bit dtype");
        };
    }

    /**
     * d rounded to a 16-bit dtype and decoded: the value a tensor of that dtype stores for d.
     *
     * @param dtype BFLOAT16 or FLOAT16
     * @param d the value
     * @return the nearest value of the dtype
     */
    public static double round(DType dtype, double d) {
        return toFloat(dtype, fromDouble(dtype, d));
    }

    // ---- the rounding ----------------------------------------------------------------------------------------------

    /** m / 2^shift rounded to nearest, ties to even; 1 ≤ shift ≤ 62. */
    private static int roundShift(long m, int shift) {
        long k = m >>> shift;
        long rest = m & ((1L << shift) - 1);
        long half = 1L << (shift - 1);
        if (rest > half || (rest == half && (k & 1) == 1)) {
            k++;
        }
        return (int) k;
    }

    /**
     * d rounded once to a binary format with {@code expBits} exponent and {@code fracBits} fraction bits (IEEE
     * layout, bias 2^(expBits−1) − 1); {@code nan} for every NaN, with the sign when {@code nanKeepsSign}.
     */
    private static short encodeDouble(double d, int expBits, int fracBits, short nan, boolean nanKeepsSign) {
        long x = Double.doubleToRawLongBits(d);
        int sign = (int) (x >>> 48) & 0x8000;
        long abs = x & 0x7fffffffffffffffL;
        if (abs > 0x7ff0000000000000L) {
            return (short) (nanKeepsSign ? sign | nan : nan);
        }
        int bias = (1 << (expBits - 1)) - 1;
        int infBits = ((1 << expBits) - 1) << fracBits;
        int e = (int) (abs >>> 52);                         // the double's biased exponent
        if (e >= 1023 - bias + 1) {                         // |d| ≥ the smallest normal of the format (or ∞)
            if (e == 0x7ff) {
                return (short) (sign | infBits);
            }
            int shift = 52 - fracBits;
            long rounded = abs + (1L << (shift - 1)) - 1 + ((abs >>> shift) & 1);
            long bits = (rounded >>> shift) - ((long) (1023 - bias) << fracBits);
            return (short) (sign | (int) Math.min(bits, infBits));
        }
        // below the normal range: k·2^(1−bias−fracBits), k = m·2^(e−1075−(1−bias−fracBits)) = m >> shift
        int shift = 1075 + 1 - bias - fracBits - e;
        if (e == 0 || shift > 53) {                         // below half the smallest subnormal (m < 2⁵³): ±0
            return (short) sign;
        }
        long m = (abs & 0xfffffffffffffL) | (1L << 52);
        return (short) (sign | roundShift(m, shift));
    }
}
