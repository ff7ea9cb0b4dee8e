/*
 * gemm.cl: C = α·op(A)·op(B) + β·C, optionally followed by C ⊙= g'(AUX) (the fused δ epilogue of backprop).
 *
 * Layout: row-major. op(A) is M×K: A is stored M×K (lda = K), or K×M when transA (lda = M). op(B) is K×N: B is
 * stored K×N (ldb = N), or N×K when transB (ldb = K). C and AUX are M×N (ldc = N).
 *
 * Work decomposition (2-D register blocking):
 *   - a work-group computes a TM×TN tile of C with RTSN×RTSM work-items (dimension 0 runs along columns, so that
 *     neighbouring work-items touch neighbouring addresses of row-major B and C);
 *   - work-item (lx, ly) holds WPTM×WPTN accumulators in registers, for rows row0 + ly + wm·RTSM and columns
 *     col0 + lx + wn·RTSN (strided, so local-memory reads are broadcast or conflict-free and stores coalesce);
 *   - the K dimension is walked in steps of TK: the work-group loads the TM×TK tile of op(A) and the TK×TN tile
 *     of op(B) into local memory (A stored k-major, As[k][i], padded by one to dodge bank conflicts), waits at
 *     a barrier, and every work-item does TK rank-1 updates of its accumulators from local memory.
 *   - Loads read along the contiguous dimension of each operand (k for A, m for Aᵀ, n for B, k for Bᵀ). When a
 *     tile lies wholly inside the matrix and the leading dimension is a multiple of VW, each load is one
 *     VW-wide vector; edge tiles load element by element and fill what is outside with zeros, so any M, N, K work.
 *
 * Tunables (defaults below; the host passes -D overrides per device): TM, TN, TK, WPTM, WPTN, VW.
 * Constraints: TM % WPTM == 0, TN % WPTN == 0, (TM·TK) and (TK·TN) multiples of RTSM·RTSN·VW, TK % VW == 0.
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

#define RTSM (TM / WPTM)
#define RTSN (TN / WPTN)
#define THREADS (RTSM * RTSN)
#define LOADS_A (TM * TK / THREADS)
#define LOADS_B (TK * TN / THREADS)
#define AS_STRIDE (TM + 1)
#define BS_STRIDE (TN + 1)

#if VW == 4
typedef real4 realv;
#elif VW == 2
typedef real2 realv;
#else
typedef real realv;
#endif

/* Copies VW elements of a vector into consecutive slots of a local tile column (stride apart). */
inline void scatter_v(__local real* dst, const int stride, const realv v) {
#if VW == 1
    dst[0] = v;
#else
    const real* p = (const real*)&v;
    for (int c = 0; c < VW; c++) {
        dst[c * stride] = p[c];
    }
#endif
}

/* As[kk][i] = op(A)[row0 + i][k0 + kk], zero outside the matrix. */
inline void load_a(__local real* As, __global const real* A, const int lda, const int transA, const int M,
                   const int K, const int row0, const int k0, const int tid, const int vec) {
    const int interior = vec && row0 + TM <= M && k0 + TK <= K;
    if (interior) {
        for (int l = 0; l < LOADS_A / VW; l++) {
            const int id = l * THREADS + tid;
            if (!transA) {                     /* contiguous along k: VW values of one row */
                const int kk = (id % (TK / VW)) * VW;
                const int i = id / (TK / VW);
                const realv v = *((__global const realv*)(A + (size_t)(row0 + i) * lda + k0 + kk));
                scatter_v(As + kk * AS_STRIDE + i, AS_STRIDE, v);
            } else {                           /* contiguous along m: VW rows of one k */
                const int i = (id % (TM / VW)) * VW;
                const int kk = id / (TM / VW);
                const realv v = *((__global const realv*)(A + (size_t)(k0 + kk) * lda + row0 + i));
                scatter_v(As + kk * AS_STRIDE + i, 1, v);
            }
        }
    } else {
        for (int l = 0; l < LOADS_A; l++) {
            const int id = l * THREADS + tid;
            int i, kk;
            if (!transA) { kk = id % TK; i = id / TK; } else { i = id % TM; kk = id / TM; }
            const int gi = row0 + i, gk = k0 + kk;
            real v = 0;
            if (gi < M && gk < K) {
                v = transA ? A[(size_t)gk * lda + gi] : A[(size_t)gi * lda + gk];
            }
            As[kk * AS_STRIDE + i] = v;
        }
    }
}

/* Bs[kk][j] = op(B)[k0 + kk][col0 + j], zero outside the matrix. */
inline void load_b(__local real* Bs, __global const real* B, const int ldb, const int transB, const int N,
                   const int K, const int col0, const int k0, const int tid, const int vec) {
    const int interior = vec && col0 + TN <= N && k0 + TK <= K;
    if (interior) {
        for (int l = 0; l < LOADS_B / VW; l++) {
            const int id = l * THREADS + tid;
            if (!transB) {                     /* contiguous along n: VW columns of one k */
                const int j = (id % (TN / VW)) * VW;
                const int kk = id / (TN / VW);
                const realv v = *((__global const realv*)(B + (size_t)(k0 + kk) * ldb + col0 + j));
                scatter_v(Bs + kk * BS_STRIDE + j, 1, v);
            } else {                           /* contiguous along k: VW values of one column of op(B) */
                const int kk = (id % (TK / VW)) * VW;
                const int j = id / (TK / VW);
                const realv v = *((__global const realv*)(B + (size_t)(col0 + j) * ldb + k0 + kk));
                scatter_v(Bs + kk * BS_STRIDE + j, BS_STRIDE, v);
            }
        }
    } else {
        for (int l = 0; l < LOADS_B; l++) {
            const int id = l * THREADS + tid;
            int j, kk;
            if (!transB) { j = id % TN; kk = id / TN; } else { kk = id % TK; j = id / TK; }
            const int gj = col0 + j, gk = k0 + kk;
            real v = 0;
            if (gj < N && gk < K) {
                v = transB ? B[(size_t)gj * ldb + gk] : B[(size_t)gk * ldb + gj];
            }
            Bs[kk * BS_STRIDE + j] = v;
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
    __local real As[TK * AS_STRIDE];
    __local real Bs[TK * BS_STRIDE];
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int tid = ly * RTSN + lx;
    const int col0 = get_group_id(0) * TN;
    const int row0 = get_group_id(1) * TM;

    real acc[WPTM][WPTN];
    for (int wm = 0; wm < WPTM; wm++) {
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = 0;
        }
    }

    for (int k0 = 0; k0 < K; k0 += TK) {
        load_a(As, A, lda, transA, M, K, row0, k0, tid, vecA);
        load_b(Bs, B, ldb, transB, N, K, col0, k0, tid, vecB);
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TK; kk++) {
            real b[WPTN];
            for (int wn = 0; wn < WPTN; wn++) {
                b[wn] = Bs[kk * BS_STRIDE + lx + wn * RTSN];
            }
            for (int wm = 0; wm < WPTM; wm++) {
                const real a = As[kk * AS_STRIDE + ly + wm * RTSM];
                for (int wn = 0; wn < WPTN; wn++) {
                    acc[wm][wn] = fma(a, b[wn], acc[wm][wn]);
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int wm = 0; wm < WPTM; wm++) {
        const int row = row0 + ly + wm * RTSM;
        if (row < M) {
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
