/*
 * halfgemm.cl: C = α·op(A)·op(B) + β·C with A and B BFLOAT16 or FLOAT16 (bf = 1: BFLOAT16, 0: FLOAT16), float32
 * accumulation, C FLOAT32 (cHalf = 0) or A's 16-bit type (cHalf = 1). Float program only.
 *
 * Layout and work decomposition: gemm.cl's, with its tunables (TM, TN, TK, WPTM, WPTN, VW, PREFETCH, DB) and its
 * store_a/store_b and local tiles of float. Only the global loads differ: A and B are buffers of ushort bit patterns,
 * each element decoded exactly to float as it is loaded into registers (load_h of halffused.cl: vload_half for
 * FLOAT16, the upper half of a float for BFLOAT16; no cl_khr_fp16), element by element with zeros outside the
 * matrix. So the tile loop multiplies floats exactly as gemm does. A 16-bit C is read exactly and the float result
 * α·acc + β·C is rounded to it once (store_h: vstore_half_rte, or the bf16 rounding of halfcast.cl).
 *
 * gemm_h:       the product (2-D range, work-groups of RTSN × RTSM, as gemm)
 * gemm_scale_h: C = β·C on a 16-bit C for K = 0 or α = 0 (A and B not read; β = 0 writes zeros)
 */
#ifndef USE_DOUBLE

/* regs ← op(A)[row0 + i][k0 + kk] decoded, in load_a's element order, zero outside the matrix. */
inline void load_a_h(float* regs, const int bf, __global const ushort* A, const int lda, const int transA,
                     const int M, const int K, const int row0, const int k0, const int tid) {
    #pragma unroll
    for (int l = 0; l < LOADS_A / VW; l++) {
        const int e = (l * THREADS + tid) * VW;
        const int i = transA ? e % TM : e / TK;
        const int kk = transA ? e / TM : e % TK;
        const size_t at = transA ? (size_t)(k0 + kk) * lda + row0 + i : (size_t)(row0 + i) * lda + k0 + kk;
        #pragma unroll
        for (int c = 0; c < VW; c++) {
            const int gi = row0 + i + (transA ? c : 0);
            const int gk = k0 + kk + (transA ? 0 : c);
            regs[l * VW + c] = (gi < M && gk < K) ? load_h(bf, A, at + c) : 0.0f;
        }
    }
}

/* regs ← op(B)[k0 + kk][col0 + j] decoded, in load_b's element order, zero outside the matrix. */
inline void load_b_h(float* regs, const int bf, __global const ushort* B, const int ldb, const int transB,
                     const int N, const int K, const int col0, const int k0, const int tid) {
    #pragma unroll
    for (int l = 0; l < LOADS_B / VW; l++) {
        const int e = (l * THREADS + tid) * VW;
        const int j = transB ? e / TK : e % TN;
        const int kk = transB ? e % TK : e / TN;
        const size_t at = transB ? (size_t)(col0 + j) * ldb + k0 + kk : (size_t)(k0 + kk) * ldb + col0 + j;
        #pragma unroll
        for (int c = 0; c < VW; c++) {
            const int gj = col0 + j + (transB ? 0 : c);
            const int gk = k0 + kk + (transB ? c : 0);
            regs[l * VW + c] = (gj < N && gk < K) ? load_h(bf, B, at + c) : 0.0f;
        }
    }
}

__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void gemm_h(const int M, const int N, const int K, const float alpha, const int bf,
            __global const ushort* restrict A, const int lda, const int transA,
            __global const ushort* restrict B, const int ldb, const int transB,
            const float beta, __global ushort* C, const int cHalf) {
    __local float AsBuf[BUFFERS * AS_SIZE];
    __local float BsBuf[BUFFERS * BS_SIZE];
    int buf = 0;
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int tid = ly * RTSN + lx;
    const int col0 = get_group_id(0) * TN;
    const int row0 = get_group_id(1) * TM;

    float acc[WPTM][WPTN];
    #pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        #pragma unroll
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = 0;
        }
    }
    float ra[LOADS_A];
    float rb[LOADS_B];
    load_a_h(ra, bf, A, lda, transA, M, K, row0, 0, tid);
    load_b_h(rb, bf, B, ldb, transB, N, K, col0, 0, tid);

    for (int k0 = 0; k0 < K; k0 += TK) {
        __local float* As = AsBuf + buf * AS_SIZE;
        __local float* Bs = BsBuf + buf * BS_SIZE;
        store_a(As, ra, transA, tid);
        store_b(Bs, rb, transB, tid);
        barrier(CLK_LOCAL_MEM_FENCE);
#if PREFETCH
        if (k0 + TK < K) {
            load_a_h(ra, bf, A, lda, transA, M, K, row0, k0 + TK, tid);
            load_b_h(rb, bf, B, ldb, transB, N, K, col0, k0 + TK, tid);
        }
#endif
        #pragma unroll
        for (int kk = 0; kk < TK; kk++) {
            float b[WPTN];
            #pragma unroll
            for (int wn = 0; wn < WPTN; wn++) {
                b[wn] = Bs[kk * BS_STRIDE + lx + wn * RTSN];
            }
            #pragma unroll
            for (int wm = 0; wm < WPTM; wm++) {
                const float a = As[kk * AS_STRIDE + ly + wm * RTSM];
                #pragma unroll
                for (int wn = 0; wn < WPTN; wn++) {
                    acc[wm][wn] = fma(a, b[wn], acc[wm][wn]);
                }
            }
        }
#if DB
        buf ^= 1;
#else
        barrier(CLK_LOCAL_MEM_FENCE);
#endif
#if !PREFETCH
        if (k0 + TK < K) {
            load_a_h(ra, bf, A, lda, transA, M, K, row0, k0 + TK, tid);
            load_b_h(rb, bf, B, ldb, transB, N, K, col0, k0 + TK, tid);
        }
#endif
    }

    __global float* Cf = (__global float*)C;
    #pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        const int row = row0 + ly + wm * RTSM;
        if (row < M) {
            #pragma unroll
            for (int wn = 0; wn < WPTN; wn++) {
                const int col = col0 + lx + wn * RTSN;
                if (col < N) {
                    const size_t at = (size_t)row * N + col;
                    float c = alpha * acc[wm][wn];
                    if (cHalf) {
                        if (beta != 0) {
                            c += beta * load_h(bf, C, at);
                        }
                        store_h(bf, c, C, at);
                    } else {
                        if (beta != 0) {
                            c += beta * Cf[at];
                        }
                        Cf[at] = c;
                    }
                }
            }
        }
    }
}

__kernel void gemm_scale_h(const long n, const int bf, const float beta, __global ushort* C) {
    const size_t i = get_global_id(0);
    if (i < n) {
        store_h(bf, beta == 0 ? 0.0f : beta * load_h(bf, C, i), C, i);
    }
}

#endif
