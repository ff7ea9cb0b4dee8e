package dev.nabla.aparapi;

/**
 * The tunables of the aparapi kernels and of the arena, in one place (CLBlast keeps them in each kernel's banner;
 * Aparapi kernels are Java, so they are compile-time constants that javac inlines into the kernel bytecode).
 *
 * <pre>
 *   GEMM        output tile TS × TS = 32 × 32 per work-group of 16 × 16 work-items, each item 2 × 2 outputs;
 *               k is walked in slices of TK = 16 through two local tiles of TK × TS elements (A and B)
 *   1-D ops     work-groups of WG = 256 items, at most MAX_GROUPS groups, grid-stride loops over the elements
 *   reductions  local scratch of WG elements; sumColumns uses 16 columns × 16 row lanes per group
 *   arena       [0, SCRATCH) holds the partial sums of the two-stage reductions (two per work-group: the small
 *               and the scaled big terms, FloatKernel); tensors start after it,
 *               each at a multiple of ALIGN elements
 *   staging     host↔device transfers go through one of STAGE_TIERS windows (the smallest that fits, else
 *               the largest in chunks): Aparapi moves whole Java arrays, so the window size is what moves
 * </pre>
 */
final class Geometry {
    private Geometry() {
    }

    /** GEMM output tile edge (rows and columns of C per work-group). */
    static final int TS = 32;
    /** GEMM k-slice held in local memory per step. */
    static final int TK = 16;
    /** GEMM work-group edge: TS / 2, each work-item computes 2 × 2 outputs. */
    static final int GEMM_LOCAL = 16;
    /** Work-items per 1-D work-group; also the local reduction scratch length. Power of two. */
    static final int WG = 256;
    /** Columns per sumColumns work-group; its second dimension has WG / COL_GROUP row lanes. */
    static final int COL_GROUP = 16;
    /** Upper bound on work-groups of grid-stride launches. */
    static final int MAX_GROUPS = 1024;
    /** Arena elements reserved for reduction partials: two per stage-1 group of a two-stage sum. */
    static final int SCRATCH = 2 * MAX_GROUPS;
    /** Tensor offsets in the arena are multiples of this (128 bytes of float). */
    static final int ALIGN = 32;
    /** Staging window sizes in elements, smallest first. */
    static final int[] STAGE_TIERS = {256, 4096, 65536, 1 << 20};
    /** Smallest arena: 32 MiB, so that G1 allocates it as a humongous object, which it never moves. */
    static final long MIN_ARENA_BYTES = 32L << 20;
    /** Java arrays stop a little below 2³¹ elements. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Work-groups for a grid-stride launch over n elements (at least 1). */
    static int groupsFor(long n) {
        return (int) Math.max(1, Math.min(MAX_GROUPS, (n + WG - 1) / WG));
    }
}
