package dev.nabla;

/** A device that does not exist, was lost, or cannot be used for the request (e.g. a device selector that matches nothing). */
public class InvalidDeviceException extends DeviceException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public InvalidDeviceException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} and its cause.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     * @param cause the underlying error (a driver's or the JVM's)
     */
    public InvalidDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
