package dev.nabla;

/** Operands of different dtypes in one operation; Nabla never converts silently ({@link Tensor#toDoubleArray()} and friends convert on request). */
public class DTypeMismatchException extends NablaException {
    public DTypeMismatchException(String message) {
        super(message);
    }
}
