package dev.nabla;

/**
 * Element type of a tensor. FLOAT64 is what reference checks and gradient checks use. INT32 holds labels, indices and
 * masks: ops that compute with real numbers (matmul, activations, losses, sums, optimizers) take only the floating
 * types and reject INT32 with an {@link UnsupportedDTypeException} naming the op; {@code Tensor.cast} converts.
 *
 * <p>BFLOAT16 and FLOAT16 are storage types: a tensor holds 2 bytes per element, created from float or double
 * values rounded to nearest even on the host ({@link HalfFloats}), read back exactly, moved between backends and
 * converted by {@code cast}; copies, views, transposes, concatenations, broadcasts and row gathers move their bits.
 * Arithmetic computes in float32 (storage type is not compute type); an op that has no half kernel yet rejects them
 * with an {@link UnsupportedDTypeException} naming the op, the dtype and the backend.
 */
public enum DType {
    /** IEEE 754 single precision, 4 bytes. */
    FLOAT32(4),
    /** IEEE 754 double precision, 8 bytes. */
    FLOAT64(8),
    /** Two's-complement 32-bit integer, 4 bytes: labels, indices and masks. */
    INT32(4),
    /** Brain floating point, 2 bytes: float's 8 exponent bits and 7 fraction bits (the upper half of a float). */
    BFLOAT16(2),
    /** IEEE 754 half precision (binary16), 2 bytes: 5 exponent bits, 10 fraction bits, largest finite 65504. */
    FLOAT16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /**
     * Size of one element in bytes.
     *
     * @return 2, 4 or 8
     */
    public int bytes() {
        return bytes;
    }

    /**
     * Whether this is a floating-point type that arithmetic computes in, which every arithmetic op needs.
     *
     * @return true for FLOAT32 and FLOAT64 (the 16-bit storage types are {@link #isHalf()})
     */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /**
     * Whether this is one of the 16-bit floating storage types.
     *
     * @return true for BFLOAT16 and FLOAT16
     */
    public boolean isHalf() {
        return this == BFLOAT16 || this == FLOAT16;
    }

    /**
     * The unit roundoff u of a floating type: half the distance from 1 to the next value, the bound on the relative
     * error of one rounding to nearest (2⁻²⁴ for FLOAT32, 2⁻⁵³ for FLOAT64, 2⁻⁸ for BFLOAT16, 2⁻¹¹ for FLOAT16).
     *
     * @return u, or 0 for INT32 (which does not round)
     */
    public double unitRoundoff() {
        return switch (this) {
            case FLOAT32 -> 0x1p-24;
            case FLOAT64 -> 0x1p-53;
            case BFLOAT16 -> 0x1p-8;
            case FLOAT16 -> 0x1p-11;
            case INT32 -> 0;
        };
    }
}
