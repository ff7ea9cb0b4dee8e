package dev.nabla.autograd;

import dev.nabla.NablaException;

/**
 * A misuse of automatic differentiation: backward from a non-scalar without a seed, through a closed tensor, through a
 * graph already freed by an earlier backward, or from a value that needs no gradient. The message names the call.
 */
public class AutogradException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the call
     */
    public AutogradException(String message) {
        super(message);
    }
}
