package dev.nabla;

/** A shape that cannot exist on its own: negative dimensions, or more elements than the backend can hold in one buffer. */
public class InvalidShapeException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public InvalidShapeException(String message) {
        super(message);
    }
}
