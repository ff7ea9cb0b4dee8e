package dev.nabla.cpu;

import dev.nabla.DType;

/**
 * Converts runs of BFLOAT16/FLOAT16 bit patterns to floats and back, bit for bit as {@link dev.nabla.HalfFloats}
 * (exact decoding; encoding to nearest even, subnormals, overflow to ±∞, NaN as the canonical quiet NaN). The fused
 * kernels on 16-bit storage decode a tile into floats, run the float kernel on it and encode the result, so the
 * float32 arithmetic is written once; each path converts in its own loops: {@link ScalarHalfCodec} element by
 * element, {@code VectorHalfCodec} in Vector API lanes.
 */
interface HalfCodec {

    /** dst[dstFrom + k] = the value of src[srcFrom + k] for k in [0, len). */
    void decode(DType dtype, short[] src, int srcFrom, float[] dst, int dstFrom, int len);

    /** dst[dstFrom + k] = the bits of src[srcFrom + k] rounded to dtype, for k in [0, len). */
    void encode(DType dtype, float[] src, int srcFrom, short[] dst, int dstFrom, int len);
}
