package dev.nabla;

/** A dtype the backend's device cannot compute in, e.g. FLOAT64 on an OpenCL device without {@code cl_khr_fp64}. */
public class UnsupportedDTypeException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public UnsupportedDTypeException(String message) {
        super(message);
    }
}
