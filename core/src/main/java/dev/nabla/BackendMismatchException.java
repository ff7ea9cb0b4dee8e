package dev.nabla;

/** Tensors of two backends in one operation. Data never moves between devices unless asked: use {@link Tensor#to(Backend)}. */
public class BackendMismatchException extends NablaException {
    public BackendMismatchException(String message) {
        super(message);
    }
}
