package dev.nabla.bench.cli;

/** The exit codes of {@code nabla}. */
public final class ExitCodes {
    /** Done, and every check passed. */
    public static final int OK = 0;
    /** A run-time failure: missing or corrupt data, an unavailable backend, a failed parity check. */
    public static final int FAILURE = 1;
    /** The command line itself is wrong: unknown option or command, bad value. */
    public static final int USAGE = 2;
    /** A bug in Nabla: an exception nobody expected (set NABLA_DEBUG=1 to see its stack trace). */
    public static final int INTERNAL = 3;

    private ExitCodes() {
    }
}
