package dev.nabla.spi;

/**
 * Elementwise unary primitives, {@code y[i] = f(x[i])}. Each constant carries its float64 definition in
 * {@link #apply(double, double)}: the reference backend and the plain paths use it, the fast kernels must match it.
 * The {@code *_GRAD_FROM_OUTPUT} ops take the stored activation {@code a = g(z)}, not z (backprop.md).
 */
public enum UnaryOp {
    /** y = x */
    IDENTITY {
        @Override public double apply(double x, double p) { return x; }
    },
    /** y = p·x */
    SCALE {
        @Override public double apply(double x, double p) { return p * x; }
    },
    /** y = x + p */
    ADD_SCALAR {
        @Override public double apply(double x, double p) { return x + p; }
    },
    /** y = x² */
    SQUARE {
        @Override public double apply(double x, double p) { return x * x; }
    },
    /** y = √x */
    SQRT {
        @Override public double apply(double x, double p) { return Math.sqrt(x); }
    },
    /** y = eˣ */
    EXP {
        @Override public double apply(double x, double p) { return Math.exp(x); }
    },
    /** y = ln x */
    LOG {
        @Override public double apply(double x, double p) { return Math.log(x); }
    },
    /** y = 1/(1+e⁻ˣ), computed as eˣ/(1+eˣ) for x &lt; 0 so that it never overflows. */
    SIGMOID {
        @Override public double apply(double x, double p) { return sigmoid(x); }
    },
    /** y = tanh x */
    TANH {
        @Override public double apply(double x, double p) { return Math.tanh(x); }
    },
    /** y = max(x, 0) (NaN stays NaN, as Math.max) */
    RELU {
        @Override public double apply(double x, double p) { return Math.max(x, 0.0); }
    },
    /** σ'(z) from a = σ(z): a·(1 − a) */
    SIGMOID_GRAD_FROM_OUTPUT {
        @Override public double apply(double a, double p) { return a * (1.0 - a); }
    },
    /** tanh'(z) from a = tanh(z): 1 − a² */
    TANH_GRAD_FROM_OUTPUT {
        @Override public double apply(double a, double p) { return 1.0 - a * a; }
    },
    /** relu'(z) from a = relu(z): 1 where a &gt; 0, else 0 */
    RELU_GRAD_FROM_OUTPUT {
        @Override public double apply(double a, double p) { return a > 0 ? 1.0 : 0.0; }
    },
    /** identity'(z) = 1, whatever the output */
    IDENTITY_GRAD_FROM_OUTPUT {
        @Override public double apply(double a, double p) { return 1.0; }
    },
    /** y = |x| (|−0| = +0, NaN stays NaN) */
    ABS {
        @Override public double apply(double x, double p) { return Math.abs(x); }
    },
    /** y = xᵖ, as {@link Math#pow} (x &lt; 0 with a non-integer p gives NaN; x⁰ = 1 even for NaN) */
    POW {
        @Override public double apply(double x, double p) { return Math.pow(x, p); }
    },
    /** y = max(x, p): the lower clamp (NaN stays NaN) */
    MAX_SCALAR {
        @Override public double apply(double x, double p) { return x != x ? x : Math.max(x, p); }
    },
    /** y = min(x, p): the upper clamp (NaN stays NaN) */
    MIN_SCALAR {
        @Override public double apply(double x, double p) { return x != x ? x : Math.min(x, p); }
    };

    /**
     * The float64 definition of this op; {@code param} is used by SCALE, ADD_SCALAR, POW, MAX_SCALAR and MIN_SCALAR
     * only.
     *
     * @param x the operand
     * @param param the op's scalar parameter
     * @return op(x, param)
     */
    public abstract double apply(double x, double param);

    /**
     * Whether {@link #apply} reads its {@code param}.
     *
     * @return true for SCALE, ADD_SCALAR, POW, MAX_SCALAR and MIN_SCALAR
     */
    public boolean usesParam() {
        return this == SCALE || this == ADD_SCALAR || this == POW || this == MAX_SCALAR || this == MIN_SCALAR;
    }

    /**
     * Whether this op is the derivative of an activation, taken from the activation's stored output.
     *
     * @return true for the {@code *_GRAD_FROM_OUTPUT} ops
     */
    public boolean isGradFromOutput() {
        return name().endsWith("_GRAD_FROM_OUTPUT");
    }

    /**
     * 1/(1+e⁻ˣ) without overflow: for x &lt; 0 it is eˣ/(1+eˣ).
     *
     * @param x the operand
     * @return σ(x)
     */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
