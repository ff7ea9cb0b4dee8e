package dev.nabla;

/** A backend used after {@link Backend#close()}. Its tensors were closed with it. */
public class BackendClosedException extends NablaException {
    public BackendClosedException(String message) {
        super(message);
    }
}
