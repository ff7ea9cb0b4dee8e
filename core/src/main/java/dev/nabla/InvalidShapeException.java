package dev.nabla;

/** A shape that cannot exist on its own: negative dimensions, or more elements than the backend can hold in one buffer. */
public class InvalidShapeException extends NablaException {
    public InvalidShapeException(String message) {
        super(message);
    }
}
