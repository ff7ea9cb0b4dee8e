package dev.nabla.spi;

/**
 * Elementwise comparisons {@code mask = a op b} into an INT32 mask of 1 (true) and 0 (false). They follow IEEE 754:
 * every comparison with a NaN is false except NE, which is true; −0 equals +0.
 */
public enum CompareOp {
    /** a &gt; b */
    GT {
        @Override public boolean test(double a, double b) { return a > b; }
    },
    /** a ≥ b */
    GE {
        @Override public boolean test(double a, double b) { return a >= b; }
    },
    /** a &lt; b */
    LT {
        @Override public boolean test(double a, double b) { return a < b; }
    },
    /** a ≤ b */
    LE {
        @Override public boolean test(double a, double b) { return a <= b; }
    },
    /** a = b */
    EQ {
        @Override public boolean test(double a, double b) { return a == b; }
    },
    /** a ≠ b (true when either is NaN) */
    NE {
        @Override public boolean test(double a, double b) { return a != b; }
    };

    /**
     * The definition of this comparison, exact for INT32 operands too (every int is a double).
     *
     * @param a the left operand
     * @param b the right operand
     * @return a op b
     */
    public abstract boolean test(double a, double b);
}
