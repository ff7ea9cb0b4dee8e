package dev.nabla;

/** Operands of different dtypes in one operation; Nabla never converts silently ({@link Tensor#toDoubleArray()} and friends convert on request). */
public class DTypeMismatchException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public DTypeMismatchException(String message) {
        super(message);
    }
}
