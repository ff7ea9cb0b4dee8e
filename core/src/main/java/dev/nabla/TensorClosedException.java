package dev.nabla;

/** A tensor used after {@link Tensor#close()} (directly, or by the scope or backend that owned it). */
public class TensorClosedException extends NablaException {
    public TensorClosedException(String message) {
        super(message);
    }
}
