package dev.nabla.bench.data;

/** A data file that is missing, unreadable or not what its name says (wrong magic, sizes, truncated). */
public final class DataFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataFileException(String message) {
        super(message);
    }

    public DataFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
