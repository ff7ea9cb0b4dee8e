package dev.nabla.io;

import dev.nabla.NablaException;

/**
 * A weights file (safetensors or {@code .npy}) that is not a valid file of its format, or that exceeds one of the
 * loader's limits. The message names the format, the file, where the problem is (a byte offset or a tensor name)
 * and what is wrong, e.g. {@code safetensors model.safetensors: byte 0: header length 18446744073709551615 exceeds
 * the limit of 100000000 bytes}. Nothing of the file's data has been allocated when it is thrown.
 */
public class WeightsFormatException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the op, the shapes and the backend
     */
    public WeightsFormatException(String message) {
        super(message);
    }
}
