package dev.nabla;

/** Base of every error Nabla throws on purpose. Messages name the operation, the shapes and the backend. */
public class NablaException extends RuntimeException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public NablaException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} and its cause.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     * @param cause the underlying error (a driver's or the JVM's)
     */
    public NablaException(String message, Throwable cause) {
        super(message, cause);
    }
}
