/*
 * cast.cl: dst[i] ← src[i] converted, one work-item per element (1-D range).
 *
 * cast_real_to_int:   rounded toward zero and saturated at the int range, NaN to 0 (Java's (int) cast,
 *                     convert_int_sat). Spelled out rather than left to convert_int_sat, whose NaN case some
 *                     implementations get wrong.
 * cast_int_to_real:   the nearest real, ties to even (exact in double).
 * cast_float_to_real / cast_real_to_float: between FLOAT32 and FLOAT64, in the double program only (they need
 *                     double): widening is exact, narrowing rounds to nearest even (convert_float_rte).
 * A cast to the same dtype is a plain buffer copy on the host side.
 */
inline int real_to_int_sat(const real x) {
    if (isnan(x)) {
        return 0;
    }
    if (x >= (real)2147483648.0f) {          /* 2³¹, exact in float and double */
        return INT_MAX;
    }
    if (x <= (real)-2147483648.0f) {
        return INT_MIN;
    }
    return (int)x;                           /* in range: C's conversion truncates toward zero */
}

__kernel void cast_real_to_int(__global const real* src, __global int* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = real_to_int_sat(src[i]);
    }
}

__kernel void cast_int_to_real(__global const int* src, __global real* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
#ifdef USE_DOUBLE
        dst[i] = convert_double(src[i]);
#else
        dst[i] = convert_float_rte(src[i]);
#endif
    }
}

#ifdef USE_DOUBLE
__kernel void cast_float_to_real(__global const float* src, __global real* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = (real)src[i];
    }
}

__kernel void cast_real_to_float(__global const real* src, __global float* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = convert_float_rte(src[i]);
    }
}
#endif
