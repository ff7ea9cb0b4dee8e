/*
 * gemm.cl: C = α·op(A)·op(B) + β·C, optionally followed by C ⊙= g'(AUX) (the fused δ epilogue of backprop).
 *
 * Layout: row-major. op(A) is M×K: A is stored M×K (lda = K), or K×M when transA (lda = M). op(B) is K×N: B is
 * stored K×N (ldb = N), or N×K when transB (ldb = K). C and AUX are M×N.
 *
 * Work decomposition (2-D register blocking):
 *   - a work-group computes a TM×TN tile of C with RTSN×RTSM work-items (dimension 0 runs along columns, so that
 *     neighbouring work-items touch neighbouring addresses of row-major B and C);
 *   - work-item (lx, ly) holds WPTM×WPTN accumulators in registers, for rows row0 + ly + wm·RTSM and columns
 *     col0 + lx + wn·RTSN (strided: local-memory reads are broadcasts or conflict-free, stores coalesce);
 *   - K is walked in steps of TK. Each step the work-group copies the TM×TK tile of op(A) and the TK×TN tile of
 *     op(B) from registers into local memory (A k-major, As[k][i], rows padded by one against bank conflicts),
 *     waits at a barrier, and every work-item does TK rank-1 updates of its accumulators from local memory.
 *   - Global loads go to registers first, VW consecutive elements along each operand's contiguous dimension
 *     (k for A, m for Aᵀ, n for B, k for Bᵀ). A tile wholly inside the matrix, with a leading dimension that is a
 *     multiple of VW, loads one VW-wide vector per group; an edge tile loads element by element and puts zeros
 *     outside the matrix, so any M, N, K work. Both paths fill the registers in the same order.
 *   - PREFETCH = 1 issues the next tile's global loads before computing on the current one, so their latency hides
 *     behind the arithmetic (one extra set of registers).
 *   - DB = 1 double-buffers the local tiles: tile i+1 is stored into the other buffer while slow work-items may
 *     still read tile i, so one barrier per step suffices instead of two (twice the local memory).
 *
 * Tunables (defaults below; the host passes -D overrides per device, see GemmConfig): TM, TN, TK, WPTM, WPTN, VW,
 * PREFETCH, DB. Rules: TM % WPTM == TN % WPTN == 0; TK, TM, TN multiples of VW; TM·TK and TK·TN multiples of
 * RTSM·RTSN·VW.
 */
#ifndef TM
#define TM 64
#endif
#ifndef TN
#define TN 64
#endif
#ifndef TK
#define TK 16
#endif
#ifndef WPTM
#define WPTM 4
#endif
#ifndef WPTN
#define WPTN 4
#endif
#ifndef VW
#define VW 4
#endif
#ifndef PREFETCH
#define PREFETCH 1
#endif
#ifndef DB
#define DB 0
#endif

#define RTSM (TM / WPTM)
#define RTSN (TN / WPTN)
#define THREADS (RTSM * RTSN)
#define LOADS_A (TM * TK / THREADS)
#define LOADS_B (TK * TN / THREADS)
#define AS_STRIDE (TM + 1)
#define BS_STRIDE (TN + 1)
#define AS_SIZE (TK * AS_STRIDE)
#define BS_SIZE (TK * BS_STRIDE)
#define BUFFERS (DB ? 2 : 1)

#if VW == 4
typedef real4 realv;
#elif VW == 2
typedef real2 realv;
#else
typedef real realv;
#endif

/*
 * Element e of a tile (e in [0, rows·cols)) in "contiguous-major" order: for an operand stored along the tile's
 * k dimension (A, Bᵀ) e = i·TK + kk; for one stored along its m or n dimension (Aᵀ, B) e = kk·width + i.
 * Work-item tid owns elements (l·THREADS + tid)·VW + c for l < loads/VW, c < VW.
 */

/* regs ← op(A)[row0 + i][k0 + kk] for this work-item's elements, zero outside the matrix. */
inline void load_a(real* regs, __global const real* A, const int lda, const int transA, const int M, const int K,
                   const int row0, const int k0, const int tid, const int vec) {
    const int interior = vec && row0 + TM <= M && k0 + TK <= K;
    #pragma unroll
    for (int l = 0; l < LOADS_A / VW; l++) {
        const int e = (l * THREADS + tid) * VW;
        const int i = transA ? e % TM : e / TK;
        const int kk = transA ? e / TM : e % TK;
        const size_t at = transA ? (size_t)(k0 + kk) * lda + row0 + i : (size_t)(row0 + i) * lda + k0 + kk;
        if (interior) {
#if VW == 1
            regs[l] = A[at];
#else
            const realv v = *((__global const realv*)(A + at));
            const real* p = (const real*)&v;
            #pragma unroll
            for (int c = 0; c < VW; c++) {
                regs[l * VW + c] = p[c];
            }
#endif
        } else {
            #pragma unroll
            for (int c = 0; c < VW; c++) {
                const int gi = row0 + i + (transA ? c : 0);
                const int gk = k0 + kk + (transA ? 0 : c);
                regs[l * VW + c] = (gi < M && gk < K) ? A[at + c] : (real)0;
            }
        }
    }
}

/* regs ← op(B)[k0 + kk][col0 + j] for this work-item's elements, zero outside the matrix. */
inline void load_b(real* regs, __global const real* B, const int ldb, const int transB, const int N, const int K,
                   const int col0, const int k0, const int tid, const int vec) {
    const int interior = vec && col0 + TN <= N && k0 + TK <= K;
    #pragma unroll
    for (int l = 0; l < LOADS_B / VW; l++) {
        const int e = (l * THREADS + tid) * VW;
        const int j = transB ? e / TK : e % TN;
        const int kk = transB ? e % TK : e / TN;
        const size_t at = transB ? (size_t)(col0 + j) * ldb + k0 + kk : (size_t)(k0 + kk) * ldb + col0 + j;
        if (interior) {
#if VW == 1
            regs[l] = B[at];
#else
            const realv v = *((__global const realv*)(B + at));
            const real* p = (const real*)&v;
            #pragma unroll
            for (int c = 0; c < VW; c++) {
                regs[l * VW + c] = p[c];
            }
#endif
        } else {
            #pragma unroll
            for (int c = 0; c < VW; c++) {
                const int gj = col0 + j + (transB ? 0 : c);
                const int gk = k0 + kk + (transB ? c : 0);
                regs[l * VW + c] = (gj < N && gk < K) ? B[at + c] : (real)0;
            }
        }
    }
}

/* As[kk][i] ← regs, in load_a's element order. */
inline void store_a(__local real* As, const real* regs, const int transA, const int tid) {
    #pragma unroll
    for (int l = 0; l < LOADS_A / VW; l++) {
        const int e = (l * THREADS + tid) * VW;
        const int i = transA ? e % TM : e / TK;
        const int kk = transA ? e / TM : e % TK;
        #pragma unroll
        for (int c = 0; c < VW; c++) {
            As[(kk + (transA ? 0 : c)) * AS_STRIDE + i + (transA ? c : 0)] = regs[l * VW + c];
        }
    }
}

/* Bs[kk][j] ← regs, in load_b's element order. */
inline void store_b(__local real* Bs, const real* regs, const int transB, const int tid) {
    #pragma unroll
    for (int l = 0; l < LOADS_B / VW; l++) {
        const int e = (l * THREADS + tid) * VW;
        const int j = transB ? e / TK : e % TN;
        const int kk = transB ? e % TK : e / TN;
        #pragma unroll
        for (int c = 0; c < VW; c++) {
            Bs[(kk + (transB ? c : 0)) * BS_STRIDE + j + (transB ? 0 : c)] = regs[l * VW + c];
        }
    }
}

/*
 * epilogue: 0 = none, else a UNARY_*_GRAD_FROM_OUTPUT code: C = (α·op(A)·op(B) + β·C) ⊙ g'(AUX).
 * vecA / vecB: the host's promise that lda / ldb are multiples of VW (so interior vector loads are aligned).
 */
__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void gemm(const int M, const int N, const int K, const real alpha,
          __global const real* restrict A, const int lda, const int transA, const int vecA,
          __global const real* restrict B, const int ldb, const int transB, const int vecB,
          const real beta, __global real* C, const int epilogue, __global const real* restrict AUX) {
    __local real AsBuf[BUFFERS * AS_SIZE];
    __local real BsBuf[BUFFERS * BS_SIZE];
    int buf = 0;
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int tid = ly * RTSN + lx;
    const int col0 = get_group_id(0) * TN;
    const int row0 = get_group_id(1) * TM;

    real acc[WPTM][WPTN];
    #pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        #pragma unroll
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = 0;
        }
    }
    real ra[LOADS_A];
    real rb[LOADS_B];
    load_a(ra, A, lda, transA, M, K, row0, 0, tid, vecA);
    load_b(rb, B, ldb, transB, N, K, col0, 0, tid, vecB);

    for (int k0 = 0; k0 < K; k0 += TK) {
        __local real* As = AsBuf + buf * AS_SIZE;
        __local real* Bs = BsBuf + buf * BS_SIZE;
        store_a(As, ra, transA, tid);
        store_b(Bs, rb, transB, tid);
        barrier(CLK_LOCAL_MEM_FENCE);
#if PREFETCH
        if (k0 + TK < K) {                    /* the next tile's loads fly while this one is multiplied */
            load_a(ra, A, lda, transA, M, K, row0, k0 + TK, tid, vecA);
            load_b(rb, B, ldb, transB, N, K, col0, k0 + TK, tid, vecB);
        }
#endif
        #pragma unroll
        for (int kk = 0; kk < TK; kk++) {
            real b[WPTN];
            #pragma unroll
            for (int wn = 0; wn < WPTN; wn++) {
                b[wn] = Bs[kk * BS_STRIDE + lx + wn * RTSN];
            }
            #pragma unroll
            for (int wm = 0; wm < WPTM; wm++) {
                const real a = As[kk * AS_STRIDE + ly + wm * RTSM];
                #pragma unroll
                for (int wn = 0; wn < WPTN; wn++) {
                    acc[wm][wn] = fma(a, b[wn], acc[wm][wn]);
                }
            }
        }
#if DB
        buf ^= 1;          /* the next tile goes to the other buffer: every work-item passed this step's barrier
                              only after finishing the step before, so nobody still reads the buffer it overwrites */
#else
        barrier(CLK_LOCAL_MEM_FENCE);
#endif
#if !PREFETCH
        if (k0 + TK < K) {
            load_a(ra, A, lda, transA, M, K, row0, k0 + TK, tid, vecA);
            load_b(rb, B, ldb, transB, N, K, col0, k0 + TK, tid, vecB);
        }
#endif
    }

    #pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        const int row = row0 + ly + wm * RTSM;
        if (row < M) {
            #pragma unroll
            for (int wn = 0; wn < WPTN; wn++) {
                const int col = col0 + lx + wn * RTSN;
                if (col < N) {
                    const size_t at = (size_t)row * N + col;
                    real c = alpha * acc[wm][wn];
                    if (beta != 0) {
                        c += beta * C[at];
                    }
                    if (epilogue != 0) {
                        c *= apply_unary(epilogue, AUX[at], 0);
                    }
                    C[at] = c;
                }
            }
        }
    }
}

/* C = β·C for K = 0 or α = 0 (A and B not read; β = 0 writes zeros without reading C). */
__kernel void gemm_scale(const long n, const real beta, __global real* C) {
    const size_t i = get_global_id(0);
    if (i < n) {
        C[i] = beta == 0 ? (real)0 : beta * C[i];
    }
}
