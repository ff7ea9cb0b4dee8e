package dev.nabla;

/** A device that does not exist, was lost, or cannot be used for the request (e.g. a device selector that matches nothing). */
public class InvalidDeviceException extends DeviceException {
    public InvalidDeviceException(String message) {
        super(message);
    }

    public InvalidDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
