package dev.nabla;

/** Operands whose shapes do not fit the operation, e.g. {@code matmul: (2×3) · (4×5) cannot be multiplied (3 != 4) [cpu]}. */
public class ShapeMismatchException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public ShapeMismatchException(String message) {
        super(message);
    }
}
