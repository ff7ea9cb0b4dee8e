package dev.nabla;

/**
 * Element type of a tensor. FLOAT64 is what reference checks and gradient checks use. INT32 holds labels, indices and
 * masks: ops that compute with real numbers (matmul, activations, losses, sums, optimizers) take only the floating
 * types and reject INT32 with an {@link UnsupportedDTypeException} naming the op; {@code Tensor.cast} converts.
 */
public enum DType {
    /** IEEE 754 single precision, 4 bytes. */
    FLOAT32(4),
    /** IEEE 754 double precision, 8 bytes. */
    FLOAT64(8),
    /** Two's-complement 32-bit integer, 4 bytes: labels, indices and masks. */
    INT32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /**
     * Size of one element in bytes.
     *
     * @return 4 or 8
     */
    public int bytes() {
        return bytes;
    }

    /**
     * Whether this is a floating-point type, which every arithmetic op needs.
     *
     * @return true for FLOAT32 and FLOAT64
     */
    public boolean isFloating() {
        return this != INT32;
    }
}
