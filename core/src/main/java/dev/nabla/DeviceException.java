package dev.nabla;

/** A failure reported by a device or its driver. Subclasses name the common cases; the message keeps the driver's code. */
public class DeviceException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public DeviceException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} and its cause.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     * @param cause the underlying error (a driver's or the JVM's)
     */
    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
