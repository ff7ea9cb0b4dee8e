package dev.nabla;

/** A backend that was asked for by name but whose probe failed, or that does not exist; the message carries the probe's reason and what was found. */
public class BackendUnavailableException extends NablaException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
