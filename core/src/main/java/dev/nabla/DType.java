package dev.nabla;

/** Element type of a tensor. FLOAT64 is what reference checks and gradient checks use. */
public enum DType {
    FLOAT32(4),
    FLOAT64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
