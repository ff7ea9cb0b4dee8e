package dev.nabla.io;

import dev.nabla.NablaException;

/**
 * An IDX file ({@link Idx}) that is not a valid IDX file of unsigned bytes, that is too large to load, or whose shape
 * is not what the call needs. The message names the file and what is wrong, e.g. {@code idx t10k-labels.gz:
 * truncated: the header announces 10000 = 10000 values, the file holds 4096}. Nothing larger than the data the file
 * actually holds has been allocated when it is thrown.
 */
public class IdxFormatException extends NablaException {
    /**
     * An exception with {@code message}.
     *
     * @param message what is wrong, naming the file
     */
    public IdxFormatException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} and its cause.
     *
     * @param message what is wrong, naming the file
     * @param cause   the decompressor's error, for a corrupt gzip stream
     */
    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
