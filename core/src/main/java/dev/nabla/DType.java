package dev.nabla;

/** Element type of a tensor. FLOAT64 is what reference checks and gradient checks use. */
public enum DType {
    /** IEEE 754 single precision, 4 bytes. */
    FLOAT32(4),
    /** IEEE 754 double precision, 8 bytes. */
    FLOAT64(8);

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
}
