/*
 * halffused.cl: the fused activations on 16-bit storage, float32 inside (float program only).
 *
 * Layout: z, b, a, d and out are BFLOAT16 or FLOAT16 buffers of ushort bit patterns (bf = 1: BFLOAT16, 0: FLOAT16);
 * each element is decoded exactly to float (vload_half, or the upper half of a float), computed with the float
 * kernels' apply_unary, and rounded to the storage type once (vstore_half_rte, or the bf16 bit rounding of
 * halfcast.cl). No cl_khr_fp16 is needed.
 *
 * bias_activation_h:     out[r][c] = g(z[r][c] + b[c])            (2-D range: 0 = column, 1 = row)
 * activation_backward_h: out[i] = d[i]·g'(a[i]), g' from the stored output a
 */
#ifndef USE_DOUBLE

inline float load_h(const int bf, __global const ushort* p, const size_t i) {
    return bf ? bf16_to_float(p[i]) : f16_to_float(p, i);
}

inline void store_h(const int bf, const float x, __global ushort* p, const size_t i) {
    if (bf) {
        p[i] = float_to_bf16(x);
    } else {
        store_f16(x, p, i);
    }
}

__kernel void bias_activation_h(const int bf, const int act, __global const ushort* z, __global const ushort* b,
                                __global ushort* out, const int rows, const int cols) {
    const int c = get_global_id(0);
    const int r = get_global_id(1);
    if (c < cols && r < rows) {
        const size_t at = (size_t)r * cols + c;
        store_h(bf, apply_unary(act, load_h(bf, z, at) + load_h(bf, b, c), 0), out, at);
    }
}

__kernel void activation_backward_h(const int bf, const int grad, __global const ushort* a,
                                    __global const ushort* d, __global ushort* out, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        store_h(bf, load_h(bf, d, i) * apply_unary(grad, load_h(bf, a, i), 0), out, i);
    }
}

#endif
