package dev.nabla.cpu;

import dev.nabla.DType;

/**
 * C = α·op(A)·op(B) + β·C with A and B BFLOAT16 or FLOAT16 bit patterns and C float32 (see ComputeBackend#gemm):
 * every product and sum in float32 on the exact decoded values. {@link VectorHalfGemm} decodes inside the packing of
 * the blocked Vector API gemm; {@link ScalarHalfGemm} decodes the operands whole and runs the plain float gemm.
 * A 16-bit C is the backend's business: it runs this on a float32 C and rounds once.
 */
interface HalfInputGemm {

    /** C = α·op(A)·op(B) + β·C; a and b hold {@code dtype} patterns; partitions over threads itself. */
    void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, float alpha, short[] a, short[] b,
              float beta, float[] c);
}
