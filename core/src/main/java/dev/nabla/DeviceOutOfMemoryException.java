package dev.nabla;

/** The device could not allocate a buffer (or the resources behind one). The backend stays usable after it. */
public class DeviceOutOfMemoryException extends DeviceException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public DeviceOutOfMemoryException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} and its cause.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     * @param cause the underlying error (a driver's or the JVM's)
     */
    public DeviceOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
