package dev.nabla.spi;

/**
 * Elementwise binary primitives, {@code out = f(a, b)}, with {@code b} optionally broadcast (see {@link Broadcast}).
 * Each constant carries its float64 definition. The loss terms are per-element and are summed and divided by the
 * batch size N by the caller (backprop.md: losses are means over the batch).
 */
public enum BinaryOp {
    /** a + b */
    ADD {
        @Override public double apply(double a, double b) { return a + b; }
    },
    /** a − b */
    SUB {
        @Override public double apply(double a, double b) { return a - b; }
    },
    /** a ⊙ b (Hadamard product) */
    MUL {
        @Override public double apply(double a, double b) { return a * b; }
    },
    /** a / b */
    DIV {
        @Override public double apply(double a, double b) { return a / b; }
    },
    /** max(a, b) */
    MAX {
        @Override public double apply(double a, double b) { return Math.max(a, b); }
    },
    /** min(a, b) */
    MIN {
        @Override public double apply(double a, double b) { return Math.min(a, b); }
    },
    /** MSE term for output f and target t: ½(f − t)² */
    HALF_SQUARED_ERROR {
        @Override public double apply(double f, double t) {
            double d = f - t;
            return 0.5 * d * d;
        }
    },
    /** Binary cross-entropy term: −[t·ln max(f, ε) + (1 − t)·ln max(1 − f, ε)] */
    BINARY_CROSS_ENTROPY {
        @Override public double apply(double f, double t) {
            return -(t * Math.log(Math.max(f, PROBABILITY_EPSILON))
                    + (1.0 - t) * Math.log(Math.max(1.0 - f, PROBABILITY_EPSILON)));
        }
    },
    /** Cross-entropy term for a softmax output: −t·ln max(f, ε) */
    CROSS_ENTROPY {
        @Override public double apply(double f, double t) {
            return -t * Math.log(Math.max(f, PROBABILITY_EPSILON));
        }
    };

    /**
     * ε of the cross-entropies: each logarithm's argument (f, or 1 − f) is clamped to at least ε. Clamping the
     * arguments rather than f itself keeps FLOAT32 exact: 1 − 1e-7 has no float, but 1 − f near 1 is exact.
     */
    public static final double PROBABILITY_EPSILON = 1e-7;

    /**
     * The float64 definition of this op.
     *
     * @param a the left operand
     * @param b the right operand
     * @return op(a, b)
     */
    public abstract double apply(double a, double b);

    /**
     * Whether this op is a per-element loss term.
     *
     * @return true for the loss terms
     */
    public boolean isLossTerm() {
        return this == HALF_SQUARED_ERROR || this == BINARY_CROSS_ENTROPY || this == CROSS_ENTROPY;
    }
}
