package dev.nabla;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link HalfFloats} against a reference written differently: decoding from the definition (sign, exponent and
 * fraction fields through {@link Math#scalb}), and rounding by search: the 16-bit value nearest to x is found among
 * the sorted finite values of the type by binary search, the two neighbours compared exactly with
 * {@link BigDecimal}, ties to the even fraction, and overflow decided by the IEEE rule (|x| at or beyond the midpoint
 * between the largest finite value and the next power of two rounds to ∞). No bit tricks are shared.
 */
class HalfFloatsTest {

    /** The one type the reference models: its field widths. */
    private static final class Format {
        final DType dtype;
        final int expBits;
        final int fracBits;
        final int bias;
        /** Every finite non-negative value, ascending, and its bits. */
        final double[] values;
        final short[] bits;

        Format(DType dtype) {
            this.dtype = dtype;
            this.expBits = dtype == DType.FLOAT16 ? 5 : 8;
            this.fracBits = dtype == DType.FLOAT16 ? 10 : 7;
            this.bias = (1 << (expBits - 1)) - 1;
            int finite = ((1 << expBits) - 1) << fracBits;      // patterns 0 .. finite − 1 are +0 .. largest finite
            values = new double[finite];
            bits = new short[finite];
            for (int p = 0; p < finite; p++) {
                values[p] = decode(p);
                bits[p] = (short) p;
            }
            for (int p = 1; p < finite; p++) {
                assertTrue(values[p] > values[p - 1], dtype + ": positive patterns ascend with their values");
            }
        }

        /** The value of pattern p from the definition; NaN for the NaN patterns. */
        double decode(int p) {
            int sign = (p >>> (expBits + fracBits)) & 1;
            int exp = (p >>> fracBits) & ((1 << expBits) - 1);
            int frac = p & ((1 << fracBits) - 1);
            double magnitude;
            if (exp == (1 << expBits) - 1) {
                magnitude = frac == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            } else if (exp == 0) {
                magnitude = Math.scalb((double) frac, 1 - bias - fracBits);
            } else {
                magnitude = Math.scalb(1.0 + Math.scalb((double) frac, -fracBits), exp - bias);
            }
            return sign == 1 ? -magnitude : magnitude;
        }

        /**
         * The bits of x rounded to nearest even, by search among the finite values. The distances to the two
         * neighbours are compared exactly: in BigDecimal, or, for an x that is a float, in double (a float and its two
         * neighbours have at most 24 significant bits and nearby exponents, so both differences are exact doubles).
         */
        short round(double x) {
            return round(x, (double) (float) x == x);
        }

        short round(double x, boolean isFloat) {
            if (Double.isNaN(x)) {
                return dtype == DType.FLOAT16 ? (short) ((Double.doubleToRawLongBits(x) < 0 ? 0x8000 : 0) | 0x7E00)
                        : (short) 0x7FC0;
            }
            boolean negative = x < 0 || (x == 0 && 1 / x < 0);
            double a = Math.abs(x);
            short signBit = (short) (negative ? 1 << (expBits + fracBits) : 0);
            double max = values[values.length - 1];
            double overflow = max + Math.scalb(1.0, bias - fracBits - 1);  // max + half its ulp
            short inf = (short) (((1 << expBits) - 1) << fracBits);
            if (a >= overflow) {
                return (short) (signBit | inf);
            }
            int at = Arrays.binarySearch(values, a);
            if (at >= 0) {
                return (short) (signBit | bits[at]);
            }
            int above = -at - 1;                       // values[above − 1] < a < values[above]
            if (above == values.length) {              // between max and the overflow midpoint
                return (short) (signBit | bits[values.length - 1]);
            }
            int c;
            if (isFloat) {
                c = Double.compare(a - values[above - 1], values[above] - a);
            } else {
                BigDecimal v = new BigDecimal(a);
                c = v.subtract(new BigDecimal(values[above - 1])).compareTo(new BigDecimal(values[above]).subtract(v));
            }
            int pick = c < 0 ? above - 1 : c > 0 ? above : ((bits[above - 1] & 1) == 0 ? above - 1 : above);
            return (short) (signBit | bits[pick]);
        }
    }

    private static final Format F16 = new Format(DType.FLOAT16);
    private static final Format BF16 = new Format(DType.BFLOAT16);

    private static Format format(DType dtype) {
        return dtype == DType.FLOAT16 ? F16 : BF16;
    }

    private static String hex(short s) {
        return String.format("0x%04X", s & 0xffff);
    }

    // ---- decoding ----------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void everyPatternDecodesToItsExactValueAndRoundTrips(DType dtype) {
        Format f = format(dtype);
        int nans = 0;
        for (int p = 0; p < 65536; p++) {
            short s = (short) p;
            double want = f.decode(p);
            float got = HalfFloats.toFloat(dtype, s);
            if (Double.isNaN(want)) {
                nans++;
                assertTrue(Float.isNaN(got), dtype + " " + hex(s) + " is NaN");
                // the payload is kept by decoding (the fraction lands in the float's upper fraction bits)
                int fracBits = Float.floatToRawIntBits(got) & 0x7fffff;
                assertEquals(p & ((1 << f.fracBits) - 1), fracBits >>> (23 - f.fracBits), dtype + " " + hex(s)
                        + " keeps its payload");
                short back = HalfFloats.fromFloat(dtype, got);
                assertTrue(Float.isNaN(HalfFloats.toFloat(dtype, back)), dtype + " " + hex(s) + " encodes as NaN");
                continue;
            }
            assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got), dtype + " " + hex(s)
                    + " decodes to " + want + ", got " + got);
            assertEquals(s, HalfFloats.fromFloat(dtype, got), dtype + " " + hex(s) + " round-trips through float");
            assertEquals(s, HalfFloats.fromDouble(dtype, want), dtype + " " + hex(s) + " round-trips through double");
            assertEquals(s, f.round(want), "the reference itself maps " + hex(s) + " to itself");
        }
        assertEquals(dtype == DType.FLOAT16 ? 2 * 1023 : 2 * 127, nans, dtype + ": NaN patterns");
    }

    @Test
    void knownValuesAndConstants() {
        assertEquals(65504f, HalfFloats.float16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.float16ToFloat((short) 0x0001));
        assertEquals(0x1p-14f, HalfFloats.float16ToFloat((short) 0x0400));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.float16ToFloat((short) 0x7C00));
        assertEquals((short) 0x3C00, HalfFloats.floatToFloat16(1f));
        assertEquals((short) 0xC000, HalfFloats.floatToFloat16(-2f));
        assertEquals((short) 0x7C00, HalfFloats.floatToFloat16(65520f), "the tie above 65504 overflows to ∞");
        assertEquals((short) 0x7BFF, HalfFloats.floatToFloat16(65519.996f));
        assertEquals((short) 0x0000, HalfFloats.floatToFloat16(0x1p-25f), "half the smallest subnormal ties to +0");
        assertEquals((short) 0x0001, HalfFloats.floatToFloat16(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x8000, HalfFloats.floatToFloat16(-0f));
        assertEquals((short) 0x7E00, HalfFloats.floatToFloat16(Float.NaN));
        assertEquals((short) 0x3F80, HalfFloats.floatToBFloat16(1f));
        assertEquals((short) 0x7F80, HalfFloats.floatToBFloat16(Float.MAX_VALUE), "max float rounds to ∞ in bf16");
        assertEquals((short) 0x7FC0, HalfFloats.floatToBFloat16(Float.intBitsToFloat(0xFFC00001)), "NaN: 0x7FC0");
        assertEquals((short) 0x3F80, HalfFloats.floatToBFloat16(1 + 0x1p-8f), "tie to the even 1.0");
        assertEquals((short) 0x3F82, HalfFloats.floatToBFloat16(1 + 3 * 0x1p-8f), "tie to the even 1 + 2⁻⁶");
        // a double rounded through float first would land on a tie and go to even: rounding once does not
        double d = 1 + 0x1p-8 + 0x1p-40;
        assertEquals((short) 0x3F80, HalfFloats.floatToBFloat16((float) d));
        assertEquals((short) 0x3F81, HalfFloats.doubleToBFloat16(d));
        double h = 1 + 0x1p-11 + 0x1p-40;
        assertEquals((short) 0x3C00, HalfFloats.floatToFloat16((float) h));
        assertEquals((short) 0x3C01, HalfFloats.doubleToFloat16(h));
    }

    // ---- rounding ------------------------------------------------------------------------------------------------

    /** Every float with bits ≡ offset (mod stride) over all 2³² patterns, plus both signs of every neighbourhood. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void aDenseSweepOfFloatsRoundsAsTheReference(DType dtype) {
        Format f = format(dtype);
        int stride = 257;                                 // odd and prime: hits every low-bit pattern class
        long checked = 0;
        for (long b = 0; b <= 0xffffffffL; b += stride) {
            float x = Float.intBitsToFloat((int) b);
            check(dtype, f, x);
            checked++;
        }
        assertTrue(checked > 16_000_000, "checked " + checked);
    }

    /** Every float within ±16 ulp of each tie and each boundary of the type (its exact midpoints between neighbours). */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void everyTieAndBoundaryAndItsNeighboursRoundAsTheReference(DType dtype) {
        Format f = format(dtype);
        for (int p = 0; p < f.values.length; p++) {
            double lo = f.values[p];
            double hi = p + 1 < f.values.length ? f.values[p + 1]
                    : lo + Math.scalb(1.0, f.bias - f.fracBits);           // the overflow midpoint's other side
            float tie = (float) ((lo + hi) / 2);                          // exact: midpoints are floats here
            if ((double) tie != (lo + hi) / 2 && dtype == DType.BFLOAT16) {
                fail("bf16 midpoints are floats: " + lo + ", " + hi);
            }
            float x = tie;
            float y = tie;
            for (int k = 0; k < 16; k++) {
                check(dtype, f, x);
                check(dtype, f, -x);
                check(dtype, f, y);
                check(dtype, f, -y);
                x = Math.nextUp(x);
                y = Math.nextDown(y);
            }
            check(dtype, f, (float) lo);
            check(dtype, f, -(float) lo);
        }
    }

    /** Doubles: random bits in the type's range, every tie ± a few double ulps, far beyond, and tiny. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "FLOAT16"})
    void doublesRoundOnceAsTheReference(DType dtype) {
        Format f = format(dtype);
        java.util.Random r = new java.util.Random(16);
        for (int i = 0; i < 500_000; i++) {
            double x = Double.longBitsToDouble(r.nextLong());
            checkDouble(dtype, f, x);
            double y = Math.scalb(r.nextDouble() * 2 - 1, r.nextInt(2 * f.bias + 2 * f.fracBits + 8) - f.bias
                    - f.fracBits - 4);
            checkDouble(dtype, f, y);
        }
        for (int p = 0; p < f.values.length; p++) {
            double lo = f.values[p];
            double hi = p + 1 < f.values.length ? f.values[p + 1] : lo + Math.scalb(1.0, f.bias - f.fracBits);
            double tie = (lo + hi) / 2;
            double up = tie;
            double down = tie;
            for (int k = 0; k < 4; k++) {
                checkDouble(dtype, f, up);
                checkDouble(dtype, f, -up);
                checkDouble(dtype, f, down);
                checkDouble(dtype, f, -down);
                up = Math.nextUp(up);
                down = Math.nextDown(down);
            }
        }
        for (double x : new double[]{Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY, 0.0, -0.0,
                Double.NaN, 1e-300, 1e300}) {
            checkDouble(dtype, f, x);
            checkDouble(dtype, f, -x);
        }
    }

    private static void check(DType dtype, Format f, float x) {
        short want = f.round(x);
        short got = HalfFloats.fromFloat(dtype, x);
        if (want != got) {
            fail(dtype + ": float " + x + " (" + String.format("0x%08X", Float.floatToRawIntBits(x)) + ") rounds to "
                    + hex(want) + " (" + f.decode(want & 0xffff) + "), HalfFloats gave " + hex(got) + " ("
                    + f.decode(got & 0xffff) + ")");
        }
        short viaDouble = HalfFloats.fromDouble(dtype, x);
        if (want != viaDouble) {
            fail(dtype + ": float " + x + " as a double rounds to " + hex(want) + ", fromDouble gave " + hex(viaDouble));
        }
    }

    private static void checkDouble(DType dtype, Format f, double x) {
        short want = f.round(x, false);
        short got = HalfFloats.fromDouble(dtype, x);
        if (want != got) {
            fail(dtype + ": double " + x + " (" + Long.toHexString(Double.doubleToRawLongBits(x)) + ") rounds to "
                    + hex(want) + " (" + f.decode(want & 0xffff) + "), HalfFloats gave " + hex(got) + " ("
                    + f.decode(got & 0xffff) + ")");
        }
    }
}
