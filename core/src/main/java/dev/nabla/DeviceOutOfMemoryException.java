package dev.nabla;

/** The device could not allocate a buffer (or the resources behind one). The backend stays usable after it. */
public class DeviceOutOfMemoryException extends DeviceException {
    public DeviceOutOfMemoryException(String message) {
        super(message);
    }

    public DeviceOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
