/*
 * elementwise.cl: one work-item per element.
 *
 * unary:   y[i] = op(x[i], p) over n elements (1-D range).
 * binary:  out[r][c] = op(a[r][c], b[·]) over a rows × cols matrix (2-D range: dimension 0 = column, 1 = row),
 *          with b[r][c] (BROADCAST_NONE), b[c] (BROADCAST_ROW: a 1 × cols row vector) or b[r] (BROADCAST_COLUMN).
 * axpy:    y[i] += α·x[i].
 * The op is a uniform argument: every work-item of a launch takes the same branch.
 */
__kernel void unary_op(const int op, const real p, __global const real* x, __global real* y, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        y[i] = apply_unary(op, x[i], p);
    }
}

__kernel void binary_op(const int op, __global const real* a, __global const real* b, const int broadcast,
                        __global real* out, const int rows, const int cols) {
    const int c = get_global_id(0);
    const int r = get_global_id(1);
    if (c < cols && r < rows) {
        const size_t at = (size_t)r * cols + c;
        const size_t bAt = broadcast == BROADCAST_NONE ? at : (broadcast == BROADCAST_ROW ? (size_t)c : (size_t)r);
        out[at] = apply_binary(op, a[at], b[bAt]);
    }
}

__kernel void axpy(const real alpha, __global const real* x, __global real* y, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        y[i] = fma(alpha, x[i], y[i]);
    }
}

/*
 * Four elements per work-item (vload4/vstore4, 16-byte accesses), for n a multiple of 4: HBM needs more bytes in
 * flight per work-item than one float to run at full bandwidth. Element 4i+k is computed exactly as above.
 */
__kernel void unary_op4(const int op, const real p, __global const real* x, __global real* y, const long n4) {
    const size_t i = get_global_id(0);
    if (i < n4) {
        const real4 v = vload4(i, x);
        vstore4((real4)(apply_unary(op, v.x, p), apply_unary(op, v.y, p), apply_unary(op, v.z, p),
                        apply_unary(op, v.w, p)), i, y);
    }
}
