/*
 * indexing.cl: strided copies, row gathers and scatters, one-hot rows.
 *
 * copy_strided_u16/u32/u64: dst[dstOffset + r·dstRowStride + c] ← src[srcOffset + r·srcRowStride + c·srcColStride],
 *               bit for bit (ushort for the 2-byte BFLOAT16 and FLOAT16, uint for the 4-byte dtypes FLOAT32 and
 *               INT32, ulong for FLOAT64). 2-D range:
 *               dimension 0 = column, 1 = row, so with srcColStride = 1 neighbouring work-items read and write
 *               neighbouring elements. A stride may be 0 (a repeated row or column).
 * gather_rows_u16/u32/u64: dst[i][c] ← src[indices[i]][c], bit for bit; same range over the n × cols dst. An index
 *               outside [0, srcRows) (core has checked that none is) leaves its row unwritten rather than read
 *               outside src.
 * scatter_add_rows: dst[indices[i]][c] += src[i][c] for i = 0, 1, …, n−1 in that order. One work-item per column
 *               walks the rows of src sequentially, so rows that share an index are added in increasing i without
 *               atomics and every run gives the same bits. 1-D range over cols.
 * one_hot:      out[i][j] = (labels[i] == j) ? 1 : 0 over an n × classes out; 2-D range as above.
 * The bit copies take no `real` and live in the float program only, so they serve every dtype on every device.
 */
#ifndef USE_DOUBLE

#define COPY_STRIDED(NAME, T)                                                                                    \
__kernel void NAME(__global const T* src, const long srcOffset, const long srcRowStride, const long srcColStride,  \
                   __global T* dst, const long dstOffset, const long dstRowStride, const int rows, const int cols) { \
    const int c = get_global_id(0);                                                                              \
    const int r = get_global_id(1);                                                                              \
    if (c < cols && r < rows) {                                                                                  \
        dst[dstOffset + r * dstRowStride + c] = src[srcOffset + r * srcRowStride + c * srcColStride];            \
    }                                                                                                            \
}
COPY_STRIDED(copy_strided_u16, ushort)
COPY_STRIDED(copy_strided_u32, uint)
COPY_STRIDED(copy_strided_u64, ulong)

#define GATHER_ROWS(NAME, T)                                                                                     \
__kernel void NAME(__global const T* src, const int srcRows, const int cols, __global const int* indices,        \
                   const int n, __global T* dst) {                                                               \
    const int c = get_global_id(0);                                                                              \
    const int i = get_global_id(1);                                                                              \
    if (c < cols && i < n) {                                                                                     \
        const int row = indices[i];                                                                              \
        if (row >= 0 && row < srcRows) {                                                                         \
            dst[(size_t)i * cols + c] = src[(size_t)row * cols + c];                                             \
        }                                                                                                        \
    }                                                                                                            \
}
GATHER_ROWS(gather_rows_u16, ushort)
GATHER_ROWS(gather_rows_u32, uint)
GATHER_ROWS(gather_rows_u64, ulong)

#endif

__kernel void scatter_add_rows(__global const real* src, __global const int* indices, const int n, const int cols,
                               __global real* dst, const int dstRows) {
    const int c = get_global_id(0);
    if (c < cols) {
        for (int i = 0; i < n; i++) {
            const int row = indices[i];
            if (row >= 0 && row < dstRows) {              /* core has checked; never write outside dst */
                dst[(size_t)row * cols + c] += src[(size_t)i * cols + c];
            }
        }
    }
}

__kernel void one_hot(__global const int* labels, const int n, const int classes, __global real* out) {
    const int j = get_global_id(0);
    const int i = get_global_id(1);
    if (j < classes && i < n) {
        out[(size_t)i * classes + j] = labels[i] == j ? (real)1 : (real)0;
    }
}
