/*
 * halfreduce.cl: reductions of 16-bit storage into FLOAT32 (float program only).
 *
 * Layout: x is a rows × cols BFLOAT16 or FLOAT16 buffer of ushort bit patterns (bf = 1: BFLOAT16, 0: FLOAT16); out is
 * FLOAT32. Each element is decoded exactly to float (vload_half, or the upper half of a float: halfcast.cl) and the
 * sums accumulate in acc_t (prelude.cl: float, or double where the device has it). No cl_khr_fp16 is needed.
 *
 * sum_columns_h: out[c] = Σ_r x[r][c], laid out as reduce.cl's sum_columns (work-group 32 columns × RY rows; work-item
 *                (lx, ly) sums rows ly, ly+RY, … of column c, then the RY partial sums are halved in local memory), so
 *                it gives sum_columns of the float32 values bit for bit.
 */
#ifndef USE_DOUBLE

__kernel void sum_columns_h(const int bf, __global const ushort* x, const int rows, const int cols,
                            __global float* out, __local acc_t* scratch) {
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int ry = get_local_size(1);
    const int c = get_group_id(0) * COLS_PER_GROUP + lx;
    acc_t s = 0;
    if (c < cols) {
        for (int r = ly; r < rows; r += ry) {
            const size_t at = (size_t)r * cols + c;
            s += bf ? bf16_to_float(x[at]) : f16_to_float(x, at);
        }
    }
    scratch[ly * COLS_PER_GROUP + lx] = s;
    for (int h = ry / 2; h > 0; h >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (ly < h) {
            scratch[ly * COLS_PER_GROUP + lx] += scratch[(ly + h) * COLS_PER_GROUP + lx];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (ly == 0 && c < cols) {
        out[c] = (float)scratch[lx];
    }
}

#endif
