package dev.nabla;

/** Tensors of two backends in one operation. Data never moves between devices unless asked: use {@link Tensor#to(Backend)}. */
public class BackendMismatchException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public BackendMismatchException(String message) {
        super(message);
    }
}
