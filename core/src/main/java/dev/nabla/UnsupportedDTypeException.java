package dev.nabla;

/** A dtype the backend's device cannot compute in, e.g. FLOAT64 on an OpenCL device without {@code cl_khr_fp64}. */
public class UnsupportedDTypeException extends NablaException {
    public UnsupportedDTypeException(String message) {
        super(message);
    }
}
