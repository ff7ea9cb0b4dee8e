package dev.nabla;

/** A backend that was asked for by name but whose probe failed, or that does not exist; the message carries the probe's reason and what was found. */
public class BackendUnavailableException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} and its cause.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     * @param cause the underlying error (a driver's or the JVM's)
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
