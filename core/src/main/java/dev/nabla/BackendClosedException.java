package dev.nabla;

/** A backend used after {@link Backend#close()}. Its tensors were closed with it. */
public class BackendClosedException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public BackendClosedException(String message) {
        super(message);
    }
}
