/*
 * fused.cl: the fused ops of the backend SPI, each one pass over memory.
 *
 * bias_activation:     out[r][c] = g(z[r][c] + b[c])                      (2-D range: 0 = column, 1 = row)
 * activation_backward: out[i] = d[i]·g'(a[i]), g' from the stored output a
 * loss_delta_partials: δ[i] = invN·(f[i] − t[i])·g'(f[i]) and the work-group's tree-reduced Σ term(f, t) into
 *                      partials[group] (grid-stride, like sum_partials, in acc_t; sum_final then writes invN·Σ)
 * softmax_rows:        one work-group per row: a tree-reduced max, e^(x − max) with a tree-reduced sum, a scale
 * sgd_step:            g' = g + λw; with momentum v = μv + g', w −= lr·v; else w −= lr·g'
 * adam_step:           g' = g + λw; m = β₁m + (1−β₁)g'; v = β₂v + (1−β₂)g'²; w −= lr·(m·invC1)/(√(v·invC2) + ε)
 */
__kernel void bias_activation(const int act, __global const real* z, __global const real* b, __global real* out,
                              const int rows, const int cols) {
    const int c = get_global_id(0);
    const int r = get_global_id(1);
    if (c < cols && r < rows) {
        const size_t at = (size_t)r * cols + c;
        out[at] = apply_unary(act, z[at] + b[c], 0);
    }
}

__kernel void activation_backward(const int grad, __global const real* a, __global const real* d,
                                  __global real* out, const long n) {
    const size_t i = get_global_id(0);
    if (i < n) {
        out[i] = d[i] * apply_unary(grad, a[i], 0);
    }
}

__kernel void loss_delta_partials(const int term, const int outputGrad, __global const real* f,
                                  __global const real* t, __global real* delta, const real invN, const long n,
                                  __global acc_t* partials, __local acc_t* scratch) {
    const int lid = get_local_id(0);
    acc_t s = 0;
    for (size_t i = get_global_id(0); i < n; i += get_global_size(0)) {
        const real fi = f[i];
        const real ti = t[i];
        s += apply_binary(term, fi, ti);
        delta[i] = (fi - ti) * apply_unary(outputGrad, fi, 0) * invN;   /* after reading f: δ may alias f */
    }
    scratch[lid] = s;
    for (int h = get_local_size(0) / 2; h > 0; h >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < h) {
            scratch[lid] += scratch[lid + h];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid == 0) {
        partials[get_group_id(0)] = scratch[0];
    }
}

__kernel void softmax_rows(__global const real* x, __global real* out, const int rows, const int cols,
                           __local real* scratch) {
    const int lid = get_local_id(0);
    const int size = get_local_size(0);
    const size_t base = (size_t)get_group_id(1) * cols;
    real m = -INFINITY;
    for (int c = lid; c < cols; c += size) {
        m = max_r(m, x[base + c]);
    }
    scratch[lid] = m;
    for (int h = size / 2; h > 0; h >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < h) {
            scratch[lid] = max_r(scratch[lid], scratch[lid + h]);
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const real rowMax = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    real s = 0;
    for (int c = lid; c < cols; c += size) {
        const real e = exp(x[base + c] - rowMax);
        out[base + c] = e;
        s += e;
    }
    scratch[lid] = s;
    for (int h = size / 2; h > 0; h >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < h) {
            scratch[lid] += scratch[lid + h];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const real inv = (real)1 / scratch[0];
    for (int c = lid; c < cols; c += size) {
        out[base + c] *= inv;
    }
}

__kernel void sgd_step(__global real* w, __global const real* g, __global real* v, const int hasVelocity,
                       const long n, const real lr, const real momentum, const real decay) {
    const size_t i = get_global_id(0);
    if (i < n) {
        const real gd = fma(decay, w[i], g[i]);
        if (hasVelocity) {
            const real vi = fma(momentum, v[i], gd);
            v[i] = vi;
            w[i] -= lr * vi;
        } else {
            w[i] -= lr * gd;
        }
    }
}

__kernel void adam_step(__global real* w, __global const real* g, __global real* m, __global real* v, const long n,
                        const real lr, const real beta1, const real beta2, const real epsilon, const real decay,
                        const real invC1, const real invC2) {
    const size_t i = get_global_id(0);
    if (i < n) {
        const real gd = fma(decay, w[i], g[i]);
        const real mi = beta1 * m[i] + ((real)1 - beta1) * gd;
        const real vi = beta2 * v[i] + ((real)1 - beta2) * gd * gd;
        m[i] = mi;
        v[i] = vi;
        w[i] -= lr * (mi * invC1) / (sqrt(vi * invC2) + epsilon);
    }
}

/* bias_activation with four columns per work-item (cols a multiple of 4; 2-D range over cols/4 × rows). */
__kernel void bias_activation4(const int act, __global const real* z, __global const real* b, __global real* out,
                               const int rows, const int cols4) {
    const int c4 = get_global_id(0);
    const int r = get_global_id(1);
    if (c4 < cols4 && r < rows) {
        const size_t at = (size_t)r * cols4 + c4;
        const real4 v = vload4(at, z) + vload4(c4, b);
        vstore4((real4)(apply_unary(act, v.x, 0), apply_unary(act, v.y, 0), apply_unary(act, v.z, 0),
                        apply_unary(act, v.w, 0)), at, out);
    }
}

/* activation_backward with four elements per work-item (n a multiple of 4). */
__kernel void activation_backward4(const int grad, __global const real* a, __global const real* d,
                                   __global real* out, const long n4) {
    const size_t i = get_global_id(0);
    if (i < n4) {
        const real4 av = vload4(i, a);
        const real4 dv = vload4(i, d);
        vstore4((real4)(dv.x * apply_unary(grad, av.x, 0), dv.y * apply_unary(grad, av.y, 0),
                        dv.z * apply_unary(grad, av.z, 0), dv.w * apply_unary(grad, av.w, 0)), i, out);
    }
}
