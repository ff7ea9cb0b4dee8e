/*
 * halfcast.cl: casts from and to the 16-bit storage types, one work-item per element (1-D range).
 *
 * Layout: BFLOAT16 and FLOAT16 tensors are buffers of 2-byte elements, read and written here as ushort bit patterns
 * (the kernels need no cl_khr_fp16, so they build on PoCL). The rounding is dev.nabla.HalfFloats', bit for bit:
 *   FLOAT16  decode: vload_half (exact).  encode from float: vstore_half_rte (round to nearest even, subnormals,
 *            overflow to ±inf); a NaN is stored as the canonical quiet NaN sign | 0x7E00, as HalfFloats.
 *   BFLOAT16 decode: the pattern is the upper half of a float (exact).  encode from float: add 0x7FFF plus the kept
 *            lsb and drop the low 16 bits (round to nearest even; a carry out of the largest finite value gives inf);
 *            every NaN is 0x7FC0.
 *   from double (the double program): rounded once from the double's bits (encode_double), never through float.
 *   from int: FLOAT16 through float (exact below 2^24, and every int from 2^24 up is beyond 65520: inf either way);
 *            BFLOAT16 rounded once from the integer itself (int_to_bf16): through float it would round twice.
 *   to int:  from the exact float value, as cast_real_to_int (real_to_int_sat, cast.cl).
 * Kernels: cast_f16_to_float, cast_bf16_to_float, cast_float_to_f16, cast_float_to_bf16, cast_int_to_f16,
 * cast_int_to_bf16, cast_f16_to_int, cast_bf16_to_int, cast_f16_to_bf16, cast_bf16_to_f16 (float program);
 * cast_f16_to_real, cast_bf16_to_real, cast_real_to_f16, cast_real_to_bf16 (double program).
 */

inline float bf16_to_float(const ushort b) {
    return as_float(((uint)b) << 16);
}

inline float f16_to_float(__global const ushort* src, const size_t i) {
    return vload_half(i, (__global const half*)src);
}

#ifndef USE_DOUBLE

inline ushort float_to_bf16(const float x) {
    const uint u = as_uint(x);
    if ((u & 0x7fffffffu) > 0x7f800000u) {
        return (ushort)0x7FC0;
    }
    return (ushort)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

inline void store_f16(const float x, __global ushort* dst, const size_t i) {
    if (isnan(x)) {
        dst[i] = (ushort)(((as_uint(x) >> 16) & 0x8000u) | 0x7E00u);
    } else {
        vstore_half_rte(x, i, (__global half*)dst);
    }
}

/* |v| rounded once to 8 significant bits (ties to even), then the upper half of that float. */
inline ushort int_to_bf16(const int v) {
    const uint sign = v < 0 ? 0x8000u : 0u;
    uint a = v < 0 ? (uint)(-(long)v) : (uint)v;
    if (a == 0u) {
        return (ushort)0;
    }
    const int msb = 31 - (int)clz(a);
    if (msb > 7) {
        const int shift = msb - 7;
        uint k = a >> shift;
        const uint rest = a & ((1u << shift) - 1u);
        const uint halfway = 1u << (shift - 1);
        if (rest > halfway || (rest == halfway && (k & 1u))) {
            k++;
        }
        a = k;                                   /* ≤ 256: the value is k·2^shift, exact in float */
        return (ushort)(sign | (as_uint(ldexp((float)a, shift)) >> 16));
    }
    return (ushort)(sign | (as_uint((float)a) >> 16));
}

__kernel void cast_f16_to_float(__global const ushort* src, __global float* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = f16_to_float(src, i);
    }
}

__kernel void cast_bf16_to_float(__global const ushort* src, __global float* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = bf16_to_float(src[i]);
    }
}

__kernel void cast_float_to_f16(__global const float* src, __global ushort* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        store_f16(src[i], dst, i);
    }
}

__kernel void cast_float_to_bf16(__global const float* src, __global ushort* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = float_to_bf16(src[i]);
    }
}

__kernel void cast_int_to_f16(__global const int* src, __global ushort* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        store_f16(convert_float_rte(src[i]), dst, i);
    }
}

__kernel void cast_int_to_bf16(__global const int* src, __global ushort* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = int_to_bf16(src[i]);
    }
}

__kernel void cast_f16_to_int(__global const ushort* src, __global int* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = real_to_int_sat(f16_to_float(src, i));
    }
}

__kernel void cast_bf16_to_int(__global const ushort* src, __global int* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = real_to_int_sat(bf16_to_float(src[i]));
    }
}

__kernel void cast_f16_to_bf16(__global const ushort* src, __global ushort* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = float_to_bf16(f16_to_float(src, i));
    }
}

__kernel void cast_bf16_to_f16(__global const ushort* src, __global ushort* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        store_f16(bf16_to_float(src[i]), dst, i);
    }
}

#else

/*
 * x rounded once to a binary format of exp_bits exponent and frac_bits fraction bits (bias 2^(exp_bits−1) − 1):
 * HalfFloats.encodeDouble, line for line.
 */
inline ushort encode_double(const double x, const int exp_bits, const int frac_bits, const uint nan_bits,
                            const int nan_keeps_sign) {
    const ulong u = as_ulong(x);
    const uint sign = (uint)(u >> 48) & 0x8000u;
    const ulong a = u & 0x7fffffffffffffffUL;
    if (a > 0x7ff0000000000000UL) {
        return (ushort)(nan_keeps_sign ? (sign | nan_bits) : nan_bits);
    }
    const int bias = (1 << (exp_bits - 1)) - 1;
    const uint inf_bits = (uint)(((1 << exp_bits) - 1) << frac_bits);
    const int e = (int)(a >> 52);
    if (e >= 1023 - bias + 1) {
        if (e == 0x7ff) {
            return (ushort)(sign | inf_bits);
        }
        const int shift = 52 - frac_bits;
        const ulong rounded = a + (1UL << (shift - 1)) - 1UL + ((a >> shift) & 1UL);
        const ulong bits = (rounded >> shift) - ((ulong)(1023 - bias) << frac_bits);
        return (ushort)(sign | (uint)min(bits, (ulong)inf_bits));
    }
    const int shift = 1075 + 1 - bias - frac_bits - e;
    if (e == 0 || shift > 53) {
        return (ushort)sign;
    }
    const ulong m = (a & 0xfffffffffffffUL) | (1UL << 52);
    ulong k = m >> shift;
    const ulong rest = m & ((1UL << shift) - 1UL);
    const ulong halfway = 1UL << (shift - 1);
    if (rest > halfway || (rest == halfway && (k & 1UL))) {
        k++;
    }
    return (ushort)(sign | (uint)k);
}

__kernel void cast_f16_to_real(__global const ushort* src, __global real* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = (real)f16_to_float(src, i);
    }
}

__kernel void cast_bf16_to_real(__global const ushort* src, __global real* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = (real)bf16_to_float(src[i]);
    }
}

__kernel void cast_real_to_f16(__global const real* src, __global ushort* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = encode_double(src[i], 5, 10, 0x7E00u, 1);
    }
}

__kernel void cast_real_to_bf16(__global const real* src, __global ushort* dst, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        dst[i] = encode_double(src[i], 8, 7, 0x7FC0u, 0);
    }
}

#endif
