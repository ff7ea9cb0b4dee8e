package dev.nabla.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = α·op(A)·op(B) + β·C on float arrays with the Vector API, after Goto/BLIS:
 * <ol>
 *   <li>C is cut into a grid of thread tiles (columns first, rows when there are few columns); each thread runs
 *       the loops below on its own tile with its own packing buffers, so threads share nothing they write.</li>
 *   <li>Loop jc over NC columns, pc over KC of the depth: pack op(B)[pc:pc+kc, jc:jc+nc] into NR-wide panels
 *       (KC×NR, row after row: one panel, in L1 on 256-bit vectors and in L2 on 512-bit ones, see {@link #KC},
 *       feeds a whole column of register tiles).</li>
 *   <li>Loop ic over MC rows: pack α·op(A)[ic:ic+mc, pc:pc+kc] into MR-high panels (L2-resident).</li>
 *   <li>The micro-kernel multiplies an MR×kc panel by a kc×NR panel into MR×NR accumulators held in vector
 *       registers (MR rows × 2 vectors), broadcasting one packed A value per row and FMA-ing it with two B
 *       vectors, then adds the tile into C once.</li>
 * </ol>
 * Packing absorbs every transpose combination and α, and pads edge panels with zeros, so the micro-kernel never
 * branches on shape; only the final store of an edge tile goes element by element. β = 0 never reads C.
 *
 * <p>TEMPLATE: the build derives DoubleGemm from this file (float → double); see cpu-backend/pom.xml.
 */
final class FloatGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Rows of the register tile: MR × 2 accumulators, 2 B vectors and up to MR broadcast A values must all live in
     * vector registers. JDK 17's C2 interleaves each broadcast with its two FMAs, so 6 rows use 12 + 2 + 2 = 16
     * registers; later C2s (measured on JDK 25) issue all MR broadcasts first, so they need 3·MR + 2 registers: with
     * AVX2's 16 a 6-row tile spills one accumulator to the stack every iteration (a load and a store on the FMA
     * chain: half the speed), and 4 rows (14 registers) do not. AVX-512's 32 registers hold 8 rows either way
     * (16 + 2 + 8 = 26), and 8 rows load B twice per 16 FMAs instead of per 12: 3–10% faster than 6 rows on two
     * threads (Zen 5, both JDKs). {@code -Dnabla.cpu.gemm.mr=4|6|8} overrides (other values are ignored).
     * docs/performance.md has the assembly.
     */
    static final int MR = registerTileRows(Integer.getInteger("nabla.cpu.gemm.mr", 0), S.vectorBitSize(),
            Runtime.version().feature());
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * Depth of a packed panel: 512 on 256-bit vectors, 1024 on 512-bit ({@link #panelDepth}). Every KC of depth is
     * one more pass of read-add-write over C, and a tile of C comes from L3 or memory with no prefetch to hide it
     * (Java has none): with KC = 256 those updates took 27% of a 1024³ product's samples (JFR, one thread, Zen 3),
     * with 512 13%. {@code -Dnabla.cpu.gemm.kc}.
     */
    static final int KC = Math.max(8, Integer.getInteger("nabla.cpu.gemm.kc", panelDepth(S.vectorBitSize())));
    /** Rows of a packed block of A (MC×KC in L2), a multiple of MR. {@code -Dnabla.cpu.gemm.mc}. */
    static final int MC = Math.max(1, Integer.getInteger("nabla.cpu.gemm.mc", 72) / MR) * MR;
    /** Columns of a packed block of B (KC×NC in L2/L3), a multiple of NR. {@code -Dnabla.cpu.gemm.nc}. */
    static final int NC = Math.max(1, Integer.getInteger("nabla.cpu.gemm.nc", 1024) / NR) * NR;
    /** k-steps of a transposed B packed as one block (see {@link #packB}). */
    private static final int TRANSPOSE_DEPTH = 64;
    /** Below this many multiply-adds a product runs on the calling thread only. */
    static final long PARALLEL_MIN_MADDS = 1L << 18;

    /**
     * MR for a vector width and a JDK: 8 on 512-bit vectors and wider (32 registers), 6 on JDK 17 with narrower ones
     * (every accumulator stays in a register under its C2), else 4; {@code requested} 4, 6 or 8 wins.
     */
    static int registerTileRows(int requested, int vectorBits, int jdkFeature) {
        if (requested == 4 || requested == 6 || requested == 8) {
            return requested;
        }
        return vectorBits >= 512 ? 8 : jdkFeature <= 17 ? 6 : 4;
    }

    /**
     * KC for a vector width, as measured on Zen 5 (2026-12-02, docs/performance.md). On 512-bit vectors a KC×NR
     * panel of B at KC = 1024 is 128 KiB: it streams from L2, which feeds the micro-kernel's two vector loads per
     * 12 FMAs with room to spare, and the product makes a quarter of the passes over C that the L1-sized KC = 256
     * made: SGEMM 2048³ on two threads went from 241–292 to 290–343 GFLOP/s, DGEMM from 116–150 to 134–170, and
     * one thread reaches OpenBLAS's speed (168–178 against 175 GFLOP/s at 1024³). On 256-bit vectors 1024 was no
     * faster than 512 (one thread: 82–83 against 91–97 GFLOP/s), so they keep 512.
     */
    static int panelDepth(int vectorBits) {
        return vectorBits >= 512 ? 1024 : 512;
    }

    private final Parallel parallel;
    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

    /** Packing buffers of one thread. */
    private static final class Buffers {
        final float[] packA = new float[MC * KC];
        final float[] packB = new float[KC * NC];
        final float[] tile = new float[MR * NR];
    }

    /**
     * Where the packed panels come from: the two packing steps, on operands the caller holds. The float arrays pack
     * themselves ({@link #packA}, {@link #packB}); other storage (16-bit halves) decodes into the same panels, so
     * the conversion runs once per packed element and never in the micro-kernel.
     */
    interface Panels {
        /** Packs α·op(A)[ic:ic+mc, pc:pc+kc] as {@link FloatGemm#packA} lays it out (zero-padded MR-row panels). */
        void packA(boolean transA, int m, int k, int ic, int mc, int pc, int kc, float alpha, float[] ap);

        /** Packs op(B)[pc:pc+kc, jc:jc+nc] as {@link FloatGemm#packB} lays it out (zero-padded NR-column panels). */
        void packB(boolean transB, int n, int k, int pc, int kc, int jc, int nc, float[] bp);
    }

    FloatGemm(Parallel parallel) {
        this.parallel = parallel;
    }

    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
              float[] c) {
        gemm(transA, transB, m, n, k, alpha, new Panels() {
            @Override
            public void packA(boolean tA, int mm, int kk, int ic, int mc, int pc, int kc, float al, float[] ap) {
                FloatGemm.packA(tA, a, mm, kk, ic, mc, pc, kc, al, ap);
            }

            @Override
            public void packB(boolean tB, int nn, int kk, int pc, int kc, int jc, int nc, float[] bp) {
                FloatGemm.packB(tB, b, nn, kk, pc, kc, jc, nc, bp);
            }
        }, beta, c);
    }

    /** C = α·op(A)·op(B) + β·C with A and B packed by {@code ab}; A and B are not read when k = 0 or α = 0. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Panels ab, float beta, float[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {                      // C = β·C, A and B not read (BLAS)
            scale(c, m * n, beta);
            return;
        }
        int threads = (long) m * n * k < PARALLEL_MIN_MADDS ? 1 : parallel.threads();
        int tn = Math.max(1, Math.min(threads, n / (2 * NR)));
        while (threads % tn != 0) {
            tn--;
        }
        int tm = Math.max(1, Math.min(threads / tn, (m + MR - 1) / MR));
        final int gridCols = tn;
        final int gridRows = tm;
        parallel.forEach(gridRows * gridCols, t -> {
            int ti = t / gridCols;
            int tj = t % gridCols;
            int i0 = split(m, gridRows, ti, MR);
            int i1 = split(m, gridRows, ti + 1, MR);
            int j0 = split(n, gridCols, tj, NR);
            int j1 = split(n, gridCols, tj + 1, NR);
            if (i0 < i1 && j0 < j1) {
                blocked(transA, transB, m, n, k, alpha, ab, beta, c, i0, i1, j0, j1, buffers.get());
            }
        });
    }

    /** Start of part {@code part} of {@code parts} over [0, size), rounded to a multiple of {@code align}. */
    private static int split(int size, int parts, int part, int align) {
        if (part >= parts) {
            return size;
        }
        long raw = (long) size * part / parts;
        return (int) Math.min(size, (raw + align / 2) / align * align);
    }

    private static void scale(float[] c, int len, float beta) {
        if (beta == 0) {
            java.util.Arrays.fill(c, 0, len, 0);
        } else if (beta != 1) {
            for (int i = 0; i < len; i++) {
                c[i] *= beta;
            }
        }
    }

    private static void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha, Panels ab,
                                float beta, float[] c, int i0, int i1, int j0, int j1, Buffers buf) {
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int kSteps = (k + KC - 1) / KC;                    // equal depths: no thin last panel
            int kcEven = (k + kSteps - 1) / kSteps;
            for (int pc = 0; pc < k; pc += kcEven) {
                int kc = Math.min(kcEven, k - pc);
                ab.packB(transB, n, k, pc, kc, jc, nc, buf.packB);
                boolean first = pc == 0;
                float betaHere = first ? beta : 1;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    ab.packA(transA, m, k, ic, mc, pc, kc, alpha, buf.packA);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            kernel(kc, buf.packA, ir * kc, buf.packB, jr * kc, c, (ic + ir) * n + jc + jr, n, mr, nr,
                                    betaHere, buf.tile);
                        }
                    }
                }
            }
        }
    }

    /** Packs α·op(A)[ic:ic+mc, pc:pc+kc] as MR-row panels: panel at ir·kc, element (q, r) at q·MR + r. */
    static void packA(boolean transA, float[] a, int m, int k, int ic, int mc, int pc, int kc, float alpha,
                              float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (mr == MR) {
                packFullPanel(transA, a, m, k, ic + ir, pc, kc, alpha, ap, base);
            } else if (!transA) {                               // A is m×k: row i of op(A) is contiguous
                for (int r = 0; r < mr; r++) {
                    int src = (ic + ir + r) * k + pc;
                    for (int q = 0; q < kc; q++) {
                        ap[base + q * MR + r] = alpha * a[src + q];
                    }
                }
            } else {                                            // A is k×m: column of op(A) is contiguous
                for (int q = 0; q < kc; q++) {
                    int src = (pc + q) * m + ic + ir;
                    int dst = base + q * MR;
                    for (int r = 0; r < mr; r++) {
                        ap[dst + r] = alpha * a[src + r];
                    }
                }
            }
            if (mr < MR) {
                for (int q = 0; q < kc; q++) {
                    for (int r = mr; r < MR; r++) {
                        ap[base + q * MR + r] = 0;
                    }
                }
            }
        }
    }

    /**
     * One whole MR-row panel of {@link #packA}: op(A)[i0:i0+MR, pc:pc+kc] times α, element (q, r) at base + q·MR + r.
     * The destination index is the loop's induction variable and the MR rows are written out, so each k-step is MR
     * loads, multiplies and stores with no inner loop (the general loop above ran at 1.2 ns per element untransposed
     * and 4.7 transposed, about a tenth of a 1024³ product's time).
     */
    private static void packFullPanel(boolean transA, float[] a, int m, int k, int i0, int pc, int kc, float alpha,
                                      float[] ap, int base) {
        int end = base + kc * MR;
        if (!transA) {                                          // row i0 + r of A at (i0 + r)·k + pc + q
            int s0 = i0 * k + pc;
            if (MR == 4) {
                for (int d = base, q = s0; d < end; d += 4, q++) {
                    ap[d] = alpha * a[q];
                    ap[d + 1] = alpha * a[q + k];
                    ap[d + 2] = alpha * a[q + 2 * k];
                    ap[d + 3] = alpha * a[q + 3 * k];
                }
            } else if (MR == 8) {
                for (int d = base, q = s0; d < end; d += 8, q++) {
                    ap[d] = alpha * a[q];
                    ap[d + 1] = alpha * a[q + k];
                    ap[d + 2] = alpha * a[q + 2 * k];
                    ap[d + 3] = alpha * a[q + 3 * k];
                    ap[d + 4] = alpha * a[q + 4 * k];
                    ap[d + 5] = alpha * a[q + 5 * k];
                    ap[d + 6] = alpha * a[q + 6 * k];
                    ap[d + 7] = alpha * a[q + 7 * k];
                }
            } else {
                for (int d = base, q = s0; d < end; d += 6, q++) {
                    ap[d] = alpha * a[q];
                    ap[d + 1] = alpha * a[q + k];
                    ap[d + 2] = alpha * a[q + 2 * k];
                    ap[d + 3] = alpha * a[q + 3 * k];
                    ap[d + 4] = alpha * a[q + 4 * k];
                    ap[d + 5] = alpha * a[q + 5 * k];
                }
            }
        } else {                                                // column q of op(A): A's row pc + q, from i0
            int s = pc * m + i0;
            if (MR == 4) {
                for (int d = base; d < end; d += 4, s += m) {
                    ap[d] = alpha * a[s];
                    ap[d + 1] = alpha * a[s + 1];
                    ap[d + 2] = alpha * a[s + 2];
                    ap[d + 3] = alpha * a[s + 3];
                }
            } else if (MR == 8) {
                for (int d = base; d < end; d += 8, s += m) {
                    ap[d] = alpha * a[s];
                    ap[d + 1] = alpha * a[s + 1];
                    ap[d + 2] = alpha * a[s + 2];
                    ap[d + 3] = alpha * a[s + 3];
                    ap[d + 4] = alpha * a[s + 4];
                    ap[d + 5] = alpha * a[s + 5];
                    ap[d + 6] = alpha * a[s + 6];
                    ap[d + 7] = alpha * a[s + 7];
                }
            } else {
                for (int d = base; d < end; d += 6, s += m) {
                    ap[d] = alpha * a[s];
                    ap[d + 1] = alpha * a[s + 1];
                    ap[d + 2] = alpha * a[s + 2];
                    ap[d + 3] = alpha * a[s + 3];
                    ap[d + 4] = alpha * a[s + 4];
                    ap[d + 5] = alpha * a[s + 5];
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column panels: panel at jr·kc, element (q, col) at q·NR + col. */
    static void packB(boolean transB, float[] b, int n, int k, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!transB) {                                      // B is k×n: rows of op(B) are contiguous
                for (int q = 0; q < kc; q++) {
                    int src = (pc + q) * n + jc + jr;
                    int dst = base + q * NR;
                    if (nr == NR) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                        FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                    } else {
                        for (int col = 0; col < nr; col++) {
                            bp[dst + col] = b[src + col];
                        }
                        for (int col = nr; col < NR; col++) {
                            bp[dst + col] = 0;
                        }
                    }
                }
            } else {                                            // B is n×k: column of op(B) is a contiguous row of B
                // In blocks of TRANSPOSE_DEPTH k-steps: a block's part of the panel (64 × NR) stays in L1 while it is
                // written column by column. Column by column over the whole depth wrote each line of a 128 KiB panel
                // NR times, far apart: 0.75 ns per element at kc = 1024, against 0.38 in blocks of 64 (16 and 32
                // ran at 0.73 and 1.0; 0.2 for B untransposed; Zen 5, JDK 17).
                for (int q0 = 0; q0 < kc; q0 += TRANSPOSE_DEPTH) {
                    int q1 = Math.min(kc, q0 + TRANSPOSE_DEPTH);
                    for (int col = 0; col < nr; col++) {
                        int src = (jc + jr + col) * k + pc;
                        for (int q = q0; q < q1; q++) {
                            bp[base + q * NR + col] = b[src + q];
                        }
                    }
                }
                for (int col = nr; col < NR; col++) {
                    for (int q = 0; q < kc; q++) {
                        bp[base + q * NR + col] = 0;
                    }
                }
            }
        }
    }

    /**
     * The MR×NR register tile: acc = Ã(MR×kc)·B̃(kc×NR), then C[tile] = β·C[tile] + acc (β = 0: C = acc).
     * Only the first mr rows and nr columns are written.
     */
    private static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                               int mr, int nr, float beta, float[] tile) {
        if (MR == 4) {                                 // a constant: C2 keeps one branch
            kernel4(kc, ap, aOff, bp, bOff, c, cOff, ldc, mr, nr, beta, tile);
        } else if (MR == 8) {
            kernel8(kc, ap, aOff, bp, bOff, c, cOff, ldc, mr, nr, beta, tile);
        } else {
            kernel6(kc, ap, aOff, bp, bOff, c, cOff, ldc, mr, nr, beta, tile);
        }
    }

    /** {@link #kernel} with MR = 4: 8 accumulators. */
    private static void kernel4(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                                int mr, int nr, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int bi = bOff;
        for (int ai = aOff, aEnd = aOff + kc * 4; ai < aEnd; ai += 4, bi += NR) {   // see kernel6 on the indices
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        updateTile(tile, c, cOff, ldc, mr, nr, beta);
    }

    /** {@link #kernel} with MR = 8: 16 accumulators. */
    private static void kernel8(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                                int mr, int nr, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int bi = bOff;
        for (int ai = aOff, aEnd = aOff + kc * 8; ai < aEnd; ai += 8, bi += NR) {   // see kernel6 on the indices
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        updateTile(tile, c, cOff, ldc, mr, nr, beta);
    }

    /** {@link #kernel} with MR = 6: 12 accumulators. */
    private static void kernel6(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                                int mr, int nr, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        // The packed A index is the loop's own induction variable: C2 then removes the range checks on A (on JDK 25
        // those on B too) and steps both indices with one add each. Written as q·6 and q·NR from a counter q, JDK 17
        // kept two checks on A and recomputed both indices every k-step: 42 instructions for the 12 FMAs against 31
        // (JDK 25, 4-row tile: 22 against 19). docs/performance.md has the loops.
        int bi = bOff;
        for (int ai = aOff, aEnd = aOff + kc * 6; ai < aEnd; ai += 6, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // Spill the accumulators, then add the tile into C in a method that takes arrays only: a method boundary
        // that passes vectors boxes them whenever C2 declines to inline it (it did, here: 1.4 MB per 512³ product).
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        updateTile(tile, c, cOff, ldc, mr, nr, beta);
    }

    /**
     * C[tile] = β·C[tile] + acc for the first mr rows and nr columns (β = 0: C = acc, C not read). Full rows go by
     * vector; the same formulas element by element for a partial tile, so an element's value never depends on
     * whether its tile is an edge.
     */
    private static void updateTile(float[] tile, float[] c, int cOff, int ldc, int mr, int nr, float beta) {
        FloatVector betaV = FloatVector.broadcast(S, beta);
        for (int r = 0; r < mr; r++) {
            int row = cOff + r * ldc;
            int t = r * NR;
            if (nr == NR) {
                for (int v = 0; v < NR; v += L) {
                    FloatVector acc = FloatVector.fromArray(S, tile, t + v);
                    if (beta == 0) {
                        acc.intoArray(c, row + v);
                    } else if (beta == 1) {
                        FloatVector.fromArray(S, c, row + v).add(acc).intoArray(c, row + v);
                    } else {
                        FloatVector.fromArray(S, c, row + v).fma(betaV, acc).intoArray(c, row + v);
                    }
                }
            } else {
                for (int col = 0; col < nr; col++) {
                    float acc = tile[t + col];
                    c[row + col] = beta == 0 ? acc : beta == 1 ? c[row + col] + acc : Math.fma(c[row + col], beta, acc);
                }
            }
        }
    }

}
