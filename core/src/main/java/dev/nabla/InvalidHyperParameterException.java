package dev.nabla;

/** A learning rate, momentum, decay or similar value that is NaN, infinite or out of its range. */
public class InvalidHyperParameterException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public InvalidHyperParameterException(String message) {
        super(message);
    }
}
