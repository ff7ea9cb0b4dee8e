package dev.nabla.cpu;

import dev.nabla.DType;

/**
 * {@link HalfInputGemm} on the Vector API path: the blocked {@link FloatGemm} with packing that decodes. Each packing
 * step decodes one contiguous run of the 16-bit source (a row or column segment of the block being packed) into a
 * float scratch row with {@link VectorHalfCodec} lanes, then lays it into the panels exactly as the float packing
 * does (α applied, edges zero-padded). So every element of A and B is decoded once per packed panel, the
 * micro-kernel runs on floats untouched, and no whole float copy of A or B exists.
 */
final class VectorHalfGemm implements HalfInputGemm {
    private static final int MR = FloatGemm.MR;
    private static final int NR = FloatGemm.NR;
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(
            () -> new float[Math.max(FloatGemm.KC, Math.max(FloatGemm.MC, FloatGemm.NC))]);

    private final FloatGemm gemm;
    private final HalfCodec codec = new VectorHalfCodec();

    VectorHalfGemm(Parallel parallel) {
        this.gemm = new FloatGemm(parallel);
    }

    @Override
    public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, float alpha, short[] a,
                     short[] b, float beta, float[] c) {
        gemm.gemm(transA, transB, m, n, k, alpha, new Decoding(dtype, codec, a, b), beta, c);
    }

    /** The packing of {@link FloatGemm#packA}/{@link FloatGemm#packB}, decoding runs of 16-bit patterns first. */
    private static final class Decoding implements FloatGemm.Panels {
        private final DType dtype;
        private final HalfCodec codec;
        private final short[] a;
        private final short[] b;

        Decoding(DType dtype, HalfCodec codec, short[] a, short[] b) {
            this.dtype = dtype;
            this.codec = codec;
            this.a = a;
            this.b = b;
        }

        @Override
        public void packA(boolean transA, int m, int k, int ic, int mc, int pc, int kc, float alpha, float[] ap) {
            float[] row = ROW.get();
            if (!transA) {                              // A is m×k: decode row i's kc values, spread them down a panel
                for (int i = 0; i < mc; i++) {
                    codec.decode(dtype, a, (ic + i) * k + pc, row, 0, kc);
                    int base = (i - i % MR) * kc + i % MR;
                    for (int q = 0; q < kc; q++) {
                        ap[base + q * MR] = alpha * row[q];
                    }
                }
            } else {                                    // A is k×m: decode depth q's mc values, one per panel row
                for (int q = 0; q < kc; q++) {
                    codec.decode(dtype, a, (pc + q) * m + ic, row, 0, mc);
                    for (int i = 0; i < mc; i++) {
                        ap[(i - i % MR) * kc + q * MR + i % MR] = alpha * row[i];
                    }
                }
            }
            int tail = mc % MR;                         // zero the padding rows of a partial last panel
            if (tail != 0) {
                int base = (mc - tail) * kc;
                for (int q = 0; q < kc; q++) {
                    for (int r = tail; r < MR; r++) {
                        ap[base + q * MR + r] = 0;
                    }
                }
            }
        }

        @Override
        public void packB(boolean transB, int n, int k, int pc, int kc, int jc, int nc, float[] bp) {
            float[] row = ROW.get();
            if (!transB) {                              // B is k×n: decode depth q's nc values, NR per panel
                for (int q = 0; q < kc; q++) {
                    codec.decode(dtype, b, (pc + q) * n + jc, row, 0, nc);
                    for (int jr = 0; jr < nc; jr += NR) {
                        System.arraycopy(row, jr, bp, jr * kc + q * NR, Math.min(NR, nc - jr));
                    }
                }
            } else {                                    // B is n×k: decode column j's kc values down its panel
                for (int j = 0; j < nc; j++) {
                    codec.decode(dtype, b, (jc + j) * k + pc, row, 0, kc);
                    int base = (j - j % NR) * kc + j % NR;
                    for (int q = 0; q < kc; q++) {
                        bp[base + q * NR] = row[q];
                    }
                }
            }
            int tail = nc % NR;                         // zero the padding columns of a partial last panel
            if (tail != 0) {
                int base = (nc - tail) * kc;
                for (int q = 0; q < kc; q++) {
                    for (int col = tail; col < NR; col++) {
                        bp[base + q * NR + col] = 0;
                    }
                }
            }
        }
    }
}
