package dev.nabla.bench.cli;

/**
 * An error the user can act on: printed as one line, {@code nabla <command>: <message>}, with a non-zero exit code
 * and no stack trace.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(String message) {
        this(message, ExitCodes.FAILURE);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
