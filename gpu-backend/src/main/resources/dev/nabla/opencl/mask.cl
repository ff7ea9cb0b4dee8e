/*
 * mask.cl: comparisons into INT32 masks, and selection by a mask.
 *
 * compare_real / compare_int: out[r][c] = (a[r][c] op b[·]) ? 1 : 0 (op = COMPARE_*) over a rows × cols a, with b
 *               laid over a as in binary_op (BROADCAST_NONE / ROW / COLUMN). 2-D range: dimension 0 = column,
 *               1 = row. IEEE comparisons: with a NaN every op is false but NE; −0 equals +0. compare_int is in the
 *               float program only, so INT32 comparisons work on every device.
 * where_real:   out[i] = mask[i] ≠ 0 ? a[i] : b[i]; a select, not arithmetic, so a NaN or ∞ in the operand not
 *               chosen never reaches out. 1-D range.
 */
#define COMPARE_KERNEL(NAME, T)                                                                                  \
__kernel void NAME(const int op, __global const T* a, __global const T* b, const int broadcast,                  \
                   __global int* out, const int rows, const int cols) {                                          \
    const int c = get_global_id(0);                                                                              \
    const int r = get_global_id(1);                                                                              \
    if (c < cols && r < rows) {                                                                                  \
        const size_t at = (size_t)r * cols + c;                                                                  \
        const size_t bAt = broadcast == BROADCAST_NONE ? at : (broadcast == BROADCAST_ROW ? (size_t)c : (size_t)r); \
        const T x = a[at];                                                                                       \
        const T y = b[bAt];                                                                                      \
        int t;                                                                                                   \
        switch (op) {                                                                                            \
            case COMPARE_GT: t = x > y; break;                                                                   \
            case COMPARE_GE: t = x >= y; break;                                                                  \
            case COMPARE_LT: t = x < y; break;                                                                   \
            case COMPARE_LE: t = x <= y; break;                                                                  \
            case COMPARE_EQ: t = x == y; break;                                                                  \
            default: t = x != y; break;                                                                          \
        }                                                                                                        \
        out[at] = t ? 1 : 0;                                                                                     \
    }                                                                                                            \
}
COMPARE_KERNEL(compare_real, real)
#ifndef USE_DOUBLE
COMPARE_KERNEL(compare_int, int)
#endif

__kernel void where_real(__global const int* mask, __global const real* a, __global const real* b,
                         __global real* out, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        out[i] = mask[i] != 0 ? a[i] : b[i];
    }
}
