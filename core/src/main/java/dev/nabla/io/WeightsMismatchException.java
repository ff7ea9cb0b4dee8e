package dev.nabla.io;

import dev.nabla.NablaException;

/**
 * A valid weights file that does not fit the network it is loaded into: a tensor missing or extra, a shape, dtype
 * or activation that differs. The message names the file, the network and every tensor that does not fit. The
 * network is left unchanged.
 */
public class WeightsMismatchException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public WeightsMismatchException(String message) {
        super(message);
    }
}
