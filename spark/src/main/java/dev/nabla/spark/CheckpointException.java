package dev.nabla.spark;

import dev.nabla.NablaException;

/**
 * A checkpoint that {@code fit} cannot resume from or write (docs/spark.md, "Checkpoints"): the latest checkpoint in
 * {@code checkpointDir} was written by a fit with other params (layers, activation, loss, optimizer, stepSize, seed,
 * blockSize, precision) or over other training rows, lies past {@code maxIter}, is corrupt or unreadable; or a
 * checkpoint could not be written. The message starts with {@code fit:}, names the checkpoint's path and every param
 * that differs (the checkpoint's value and the estimator's); the cause, where there is one, is the I/O or format error.
 */
public class CheckpointException extends NablaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with {@code message}.
     *
     * @param message what went wrong, naming the call, the checkpoint and the params
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * An exception with {@code message} and its cause.
     *
     * @param message what went wrong, naming the call, the checkpoint and the params
     * @param cause the underlying error (the file system's, or the safetensors reader's)
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
