package dev.nabla;

/** A tensor used after {@link Tensor#close()} (directly, or by the scope or backend that owned it). */
public class TensorClosedException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public TensorClosedException(String message) {
        super(message);
    }
}
