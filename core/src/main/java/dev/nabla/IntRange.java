package dev.nabla;

/**
 * Inclusive bounds [lo, hi] that every element of an INT32 buffer is known to lie within. Core keeps one per INT32
 * buffer, updated by every op that writes it, so that index checks ({@code gatherRows}, {@code oneHot}, ...) can prove
 * device-resident indices valid without reading them back; when the bounds are unknown or too wide, the check reads
 * the indices and reports the first bad one.
 *
 * @param lo the smallest value any element may have
 * @param hi the largest value any element may have
 */
record IntRange(long lo, long hi) {

    /** The bounds of exactly these values; [0, −1] (empty) for none. */
    static IntRange of(int[] values) {
        if (values.length == 0) {
            return new IntRange(0, -1);
        }
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (int v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new IntRange(lo, hi);
    }

    static IntRange of(long lo, long hi) {
        return new IntRange(lo, hi);
    }

    /** Whether no element can exist (the bounds of an empty tensor). */
    boolean isEmpty() {
        return lo > hi;
    }

    /** Bounds holding both; null (unknown) when either is unknown. */
    static IntRange union(IntRange a, IntRange b) {
        if (a == null || b == null) {
            return null;
        }
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return new IntRange(Math.min(a.lo, b.lo), Math.max(a.hi, b.hi));
    }

    /** Whether every value these bounds allow lies in [min, max]. */
    boolean within(long min, long max) {
        return isEmpty() || (lo >= min && hi <= max);
    }

    /** Throws when {@code value} is not an int: INT32 fills (of a {@code shape} tensor) take only integers in range. */
    static void requireInt(String op, double value, Shape shape, String backend) {
        if (value != Math.rint(value) || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new InvalidArgumentException(op + ": " + value + " is not an INT32 value (an integer in ["
                    + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]) for the " + shape + " INT32 tensor ["
                    + backend + "]");
        }
    }
}
