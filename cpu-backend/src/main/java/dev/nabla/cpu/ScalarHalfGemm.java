package dev.nabla.cpu;

import dev.nabla.DType;

/**
 * {@link HalfInputGemm} on the plain path: decodes A and B once, whole, into float arrays ({@link ScalarHalfCodec}:
 * exact) and runs the plain float gemm on them; the conversion is O(mk + kn) against the O(mnk) product. The
 * Vector path decodes inside its packing instead ({@link VectorHalfGemm}), holding no whole float copy.
 */
final class ScalarHalfGemm implements HalfInputGemm {
    private final FloatKernels fk;
    private final HalfCodec codec = new ScalarHalfCodec();

    ScalarHalfGemm(FloatKernels fk) {
        this.fk = fk;
    }

    @Override
    public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, float alpha, short[] a,
                     short[] b, float beta, float[] c) {
        boolean reads = m > 0 && n > 0 && k > 0 && alpha != 0;    // else A and B are not read (BLAS)
        float[] af = new float[reads ? m * k : 0];
        float[] bf = new float[reads ? k * n : 0];
        if (reads) {
            codec.decode(dtype, a, 0, af, 0, af.length);
            codec.decode(dtype, b, 0, bf, 0, bf.length);
        }
        fk.gemm(transA, transB, m, n, k, alpha, af, bf, beta, c);
    }
}
