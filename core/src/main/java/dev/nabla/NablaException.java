package dev.nabla;

/** Base of every error Nabla throws on purpose. Messages name the operation, the shapes and the backend. */
public class NablaException extends RuntimeException {
    public NablaException(String message) {
        super(message);
    }

    public NablaException(String message, Throwable cause) {
        super(message, cause);
    }
}
