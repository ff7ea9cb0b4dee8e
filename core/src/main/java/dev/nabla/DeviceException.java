package dev.nabla;

/** A failure reported by a device or its driver. Subclasses name the common cases; the message keeps the driver's code. */
public class DeviceException extends NablaException {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
