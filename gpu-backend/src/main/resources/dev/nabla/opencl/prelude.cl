/*
 * prelude.cl: included first in every Nabla OpenCL program.
 *
 * One source serves both precisions: the host builds each program twice, with -DUSE_DOUBLE for FLOAT64 (only on
 * devices with cl_khr_fp64), and `real` names the element type. The op codes (UNARY_*, BINARY_*, BROADCAST_*,
 * REDUCE_*, COMPARE_*) are #defined by the host from the Java enums, so the two sides cannot disagree.
 * INT32 tensors are `int`; the kernels that take them, and the bit copies on uint/ulong that serve every dtype, are
 * in the float program only (#ifndef USE_DOUBLE), so that they work on devices without fp64 too.
 *
 * Every buffer is a dense row-major matrix: element (r, c) of a rows × cols matrix is at r·cols + c.
 */
#ifdef USE_DOUBLE
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
typedef double2 real2;
typedef double4 real4;
#define REAL_MAX DBL_MAX
#else
typedef float real;
typedef float2 real2;
typedef float4 real4;
#define REAL_MAX FLT_MAX
#endif

/*
 * Sums accumulate in acc_t: double in the double program and, with -DACC_DOUBLE (the host sets it where the device
 * has cl_khr_fp64), in the float program too, so that a float sum overflows only where its exact value is beyond the
 * float range ([3e38, 3e38, −3e38] is 3e38 in any order). Partial sums in global and local memory are acc_t as well.
 * On a device without double precision they stay float (and may overflow where the exact sum does not).
 */
#if defined(USE_DOUBLE) || defined(ACC_DOUBLE)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double acc_t;
#else
typedef float acc_t;
#endif

/*
 * σ(z) without overflow: with e = e^−|z|, 1/(1+e) for z ≥ 0 and e/(1+e) for z < 0. In single precision the
 * device's native exp and reciprocal (a few ulp; GPUs run them in their special-function units) keep the fused
 * bias+σ kernel memory-bound; double precision keeps the correctly rounded built-ins.
 */
inline real sigmoid_r(const real z) {
#ifdef USE_DOUBLE
    const real e = exp(-fabs(z));
    const real r = (real)1 / ((real)1 + e);
#else
    const real e = native_exp(-fabs(z));
    const real r = native_recip((real)1 + e);
#endif
    return z < 0 ? e * r : r;
}

/* tanh z, saturated explicitly where it rounds to ±1 (some implementations, PoCL's among them, stop at 1 − ulp). */
inline real tanh_r(const real z) {
#ifdef USE_DOUBLE
    const real saturate = 19.5;
#else
    const real saturate = 9.5f;
#endif
    return fabs(z) >= saturate ? copysign((real)1, z) : tanh(z);
}

/* max(x, 0) that keeps NaN, as Java's Math.max does. */
inline real relu_r(const real x) {
    return x < 0 ? (real)0 : x;
}

/* NaN-propagating max/min, as Java's Math.max/min. */
inline real max_r(const real a, const real b) {
    return isnan(a) ? a : (isnan(b) ? b : fmax(a, b));
}
inline real min_r(const real a, const real b) {
    return isnan(a) ? a : (isnan(b) ? b : fmin(a, b));
}

/* max_r and min_r on accumulators. */
inline acc_t max_acc(const acc_t a, const acc_t b) {
    return isnan(a) ? a : (isnan(b) ? b : fmax(a, b));
}
inline acc_t min_acc(const acc_t a, const acc_t b) {
    return isnan(a) ? a : (isnan(b) ? b : fmin(a, b));
}

/*
 * x^p as Java's Math.pow. C99's pow (OpenCL's) differs in two places: pow(x, NaN) is 1 for x = 1 (Java: NaN) and
 * pow(±1, ±∞) is 1 (Java: NaN). x^0 = 1 even for NaN x in both.
 */
inline real pow_r(const real x, const real p) {
    if (p == (real)0) {
        return (real)1;
    }
    if (isnan(p) || (fabs(x) == (real)1 && isinf(p))) {
        return NAN;
    }
    return pow(x, p);
}

/* ln max(p, ε): the guarded logarithm of the cross-entropies; NaN stays NaN (fmax would turn it into ε). */
inline real log_at_least_eps(const real p) {
    return log(max_r(p, (real)PROBABILITY_EPSILON));
}

/* The unary ops of dev.nabla.spi.UnaryOp; *_GRAD_FROM_OUTPUT take the stored activation a = g(z). */
inline real apply_unary(const int op, const real x, const real p) {
    switch (op) {
        case UNARY_IDENTITY: return x;
        case UNARY_SCALE: return p * x;
        case UNARY_ADD_SCALAR: return x + p;
        case UNARY_SQUARE: return x * x;
        case UNARY_SQRT: return sqrt(x);
        case UNARY_EXP: return exp(x);
        case UNARY_LOG: return log(x);
        case UNARY_SIGMOID: return sigmoid_r(x);
        case UNARY_TANH: return tanh_r(x);
        case UNARY_RELU: return relu_r(x);
        case UNARY_SIGMOID_GRAD_FROM_OUTPUT: return x * ((real)1 - x);
        case UNARY_TANH_GRAD_FROM_OUTPUT: return (real)1 - x * x;
        case UNARY_RELU_GRAD_FROM_OUTPUT: return x > 0 ? (real)1 : (real)0;
        case UNARY_IDENTITY_GRAD_FROM_OUTPUT: return (real)1;
        case UNARY_ABS: return fabs(x);
        case UNARY_POW: return pow_r(x, p);
        case UNARY_MAX_SCALAR: return max_r(x, p);     /* NaN x stays NaN; a NaN p gives NaN, as Math.max */
        case UNARY_MIN_SCALAR: return min_r(x, p);
        default: return NAN;
    }
}

/* The binary ops of dev.nabla.spi.BinaryOp; the loss terms take (f, t). */
inline real apply_binary(const int op, const real a, const real b) {
    switch (op) {
        case BINARY_ADD: return a + b;
        case BINARY_SUB: return a - b;
        case BINARY_MUL: return a * b;
        case BINARY_DIV: return a / b;
        case BINARY_MAX: return max_r(a, b);
        case BINARY_MIN: return min_r(a, b);
        case BINARY_HALF_SQUARED_ERROR: return (real)0.5f * (a - b) * (a - b);
        case BINARY_BINARY_CROSS_ENTROPY:
            return -(b * log_at_least_eps(a) + ((real)1 - b) * log_at_least_eps((real)1 - a));
        case BINARY_CROSS_ENTROPY: return -b * log_at_least_eps(a);
        default: return NAN;
    }
}
