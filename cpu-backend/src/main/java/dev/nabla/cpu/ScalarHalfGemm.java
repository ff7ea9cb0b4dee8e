package dev.nabla.cpu;

import dev.nabla.DType;

/**
 * {@link HalfInputGemm} on the plain path: decodes A and B once, whole, into float arrays ({@link ScalarHalfCodec}:
 * exact) and runs the plain float gemm on them; the conversion is O(mk + kn) against the O(mnk) product. The
 * Vector path decodes inside its packing instead ({@link VectorHalfGemm}), holding no whole float copy. The float
 * copies are the calling thread's {@link FloatScratch} arrays, kept between calls (the float gemm reads only the
 * first mk and kn elements of them).
 */
final class ScalarHalfGemm implements HalfInputGemm {
    private final FloatKernels fk;
    private static final FloatScratch A = new FloatScratch();
    private static final FloatScratch B = new FloatScratch();
    private final HalfCodec codec = new ScalarHalfCodec();

    ScalarHalfGemm(FloatKernels fk) {
        this.fk = fk;
    }

    @Override
    public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, float alpha, short[] a,
                     short[] b, float beta, float[] c) {
        boolean reads = m > 0 && n > 0 && k > 0 && alpha != 0;    // else A and B are not read (BLAS)
        float[] af = A.atLeast(reads ? m * k : 0);
        float[] bf = B.atLeast(reads ? k * n : 0);
        if (reads) {
            codec.decode(dtype, a, 0, af, 0, m * k);
            codec.decode(dtype, b, 0, bf, 0, k * n);
        }
        fk.gemm(transA, transB, m, n, k, alpha, af, bf, beta, c);
    }
}
