/*
 * reduce.cl: reductions as work-group tree reductions in local memory.
 *
 * sum_columns:  out[c] = Σ_r x[r][c]. Work-group (32 columns × RY rows): work-item (lx, ly) sums rows ly, ly+RY, …
 *               of column c, then the RY partial sums of each column are halved in local memory down to one.
 * reduce_rows:  out[r] = max, min or Σ of row r (op = REDUCE_*). One work-group per row (2-D range: dimension 1 =
 *               row); its work-items stride over the columns, then a tree reduction in local memory (local size a
 *               power of two).
 * argmax_rows:  out[r] (int) = the first column of row r holding its max, a NaN beating every number (the first NaN
 *               wins). Laid out as reduce_rows, reducing (value, column) pairs; ties go to the smaller column, so the
 *               result does not depend on the work-group size.
 * sum_partials: the first pass of a full sum: G work-groups stride over x (grid-stride loop) and each writes the
 *               tree-reduced sum of what it saw to partials[group].
 * sum_final:    the second pass: one work-group sums partials[0..G) and writes scale·Σ to out[0].
 * The number of work-groups depends on the size only, so results do not change from run to run. Sums, their local
 * scratch and the partials accumulate in acc_t (prelude.cl): double where the device has it.
 */
#define COLS_PER_GROUP 32

/* The reductions of dev.nabla.spi.RowReduction on accumulators. */
inline acc_t reduce_acc(const int op, const acc_t a, const acc_t b) {
    return op == REDUCE_MAX ? max_acc(a, b) : (op == REDUCE_MIN ? min_acc(a, b) : a + b);
}

/* Halves scratch[0..size) into scratch[0] (size a power of two) with a REDUCE_* op. */
inline acc_t tree_reduce(__local acc_t* scratch, const int lid, const int size, const int op) {
    for (int s = size / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s) {
            scratch[lid] = reduce_acc(op, scratch[lid], scratch[lid + s]);
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    return scratch[0];
}

__kernel void sum_columns(__global const real* x, const int rows, const int cols, __global real* out,
                          __local acc_t* scratch) {
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int ry = get_local_size(1);
    const int c = get_group_id(0) * COLS_PER_GROUP + lx;
    acc_t s = 0;
    if (c < cols) {
        for (int r = ly; r < rows; r += ry) {
            s += x[(size_t)r * cols + c];
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
        out[c] = (real)scratch[lx];
    }
}

__kernel void reduce_rows(__global const real* x, const int rows, const int cols, const int op,
                          __global real* out, __local acc_t* scratch) {
    const int lid = get_local_id(0);
    const int size = get_local_size(0);
    const int r = get_group_id(1);
    acc_t acc = op == REDUCE_MAX ? -INFINITY : (op == REDUCE_MIN ? INFINITY : (acc_t)0);
    for (int c = lid; c < cols; c += size) {
        acc = reduce_acc(op, acc, (acc_t)x[(size_t)r * cols + c]);
    }
    scratch[lid] = acc;
    const acc_t total = tree_reduce(scratch, lid, size, op);
    if (lid == 0) {
        out[r] = (real)total;
    }
}

/* Whether (v, i) comes before (w, j) in argmax order: a NaN first, then the larger value, then the smaller column. */
inline int argmax_before(const real v, const int i, const real w, const int j) {
    if (isnan(v) || isnan(w)) {
        return isnan(v) && (!isnan(w) || i < j);
    }
    return v > w || (v == w && i < j);
}

__kernel void argmax_rows(__global const real* x, const int rows, const int cols, __global int* out,
                          __local real* values, __local int* columns) {
    const int lid = get_local_id(0);
    const int size = get_local_size(0);
    const int r = get_group_id(1);
    real best = x[(size_t)r * cols + min(lid, cols - 1)];    /* cols ≥ 1: a column of the row as a start */
    int at = min(lid, cols - 1);
    for (int c = lid + size; c < cols; c += size) {
        const real v = x[(size_t)r * cols + c];
        if (argmax_before(v, c, best, at)) {
            best = v;
            at = c;
        }
    }
    values[lid] = best;
    columns[lid] = at;
    for (int s = size / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s && argmax_before(values[lid + s], columns[lid + s], values[lid], columns[lid])) {
            values[lid] = values[lid + s];
            columns[lid] = columns[lid + s];
        }
    }
    if (lid == 0) {
        out[r] = columns[0];
    }
}

__kernel void sum_partials(__global const real* x, const long n, __global acc_t* partials, __local acc_t* scratch) {
    const int lid = get_local_id(0);
    acc_t s = 0;
    for (size_t i = get_global_id(0); i < n; i += get_global_size(0)) {
        s += x[i];
    }
    scratch[lid] = s;
    const acc_t total = tree_reduce(scratch, lid, get_local_size(0), REDUCE_SUM);
    if (lid == 0) {
        partials[get_group_id(0)] = total;
    }
}

__kernel void sum_final(__global const acc_t* partials, const int count, const acc_t scale, __global real* out,
                        __local acc_t* scratch) {
    const int lid = get_local_id(0);
    acc_t s = 0;
    for (int i = lid; i < count; i += get_local_size(0)) {
        s += partials[i];
    }
    scratch[lid] = s;
    const acc_t total = tree_reduce(scratch, lid, get_local_size(0), REDUCE_SUM);
    if (lid == 0) {
        out[0] = (real)(scale * total);
    }
}
