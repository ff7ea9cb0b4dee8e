package dev.nabla;

/** An argument that is wrong for a reason other than shape, dtype or backend (a wrong array length, a bad layer index, a bad configuration). */
public class InvalidArgumentException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public InvalidArgumentException(String message) {
        super(message);
    }
}
