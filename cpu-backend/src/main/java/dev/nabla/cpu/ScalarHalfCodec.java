package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;

/** {@link HalfCodec} one element at a time through {@link HalfFloats}: the plain path, and the vector one's tails. */
final class ScalarHalfCodec implements HalfCodec {

    @Override
    public void decode(DType dtype, short[] src, int srcFrom, float[] dst, int dstFrom, int len) {
        if (dtype == DType.BFLOAT16) {
            for (int k = 0; k < len; k++) {
                dst[dstFrom + k] = HalfFloats.bfloat16ToFloat(src[srcFrom + k]);
            }
        } else {
            for (int k = 0; k < len; k++) {
                dst[dstFrom + k] = HalfFloats.float16ToFloat(src[srcFrom + k]);
            }
        }
    }

    @Override
    public void encode(DType dtype, float[] src, int srcFrom, short[] dst, int dstFrom, int len) {
        if (dtype == DType.BFLOAT16) {
            for (int k = 0; k < len; k++) {
                dst[dstFrom + k] = HalfFloats.floatToBFloat16(src[srcFrom + k]);
            }
        } else {
            for (int k = 0; k < len; k++) {
                dst[dstFrom + k] = HalfFloats.floatToFloat16(src[srcFrom + k]);
            }
        }
    }
}
