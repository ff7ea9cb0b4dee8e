package dev.nabla;

/** A learning rate, momentum, decay or similar value that is NaN, infinite or out of its range. */
public class InvalidHyperParameterException extends NablaException {
    public InvalidHyperParameterException(String message) {
        super(message);
    }
}
