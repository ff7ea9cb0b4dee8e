package dev.nabla.aparapi;

import dev.nabla.DeviceException;

/**
 * Aparapi did not run a kernel on the device this backend runs on: it fell back to (or tried to fall back to) its
 * Java thread pool, or failed on the way. The message names the op and its shapes, the device that should have run
 * it, what Aparapi reported instead, and its reason. The aparapi backend is unusable after this error: the device
 * copy of its tensors can no longer be trusted.
 */
public class AparapiFallbackException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public AparapiFallbackException(String message) {
        super(message);
    }

    public AparapiFallbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
