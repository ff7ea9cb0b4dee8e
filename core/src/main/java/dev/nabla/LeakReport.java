package dev.nabla;

import java.util.List;

/**
 * What leak detection found at one reporting point (a {@link Backend} or a {@link Scope} closing): tensors that were
 * never closed, each with the place and thread that created it. Made only when leak detection is on
 * ({@code -Dnabla.leakDetection=true}, or {@link Backend#wrap(dev.nabla.spi.ComputeBackend, boolean)}); read them
 * with {@link Backend#leakReports()}. Each report is also logged as a warning.
 *
 * @param backend the backend's name
 * @param when    what triggered the report, e.g. {@code "backend cpu closed"} or {@code "scope closed"}
 * @param leaks   the tensors, oldest first
 * @param omitted garbage-collected leaks beyond the {@value Backend#MAX_PENDING_LEAKS} that may wait for one report:
 *                counted, not described
 */
public record LeakReport(String backend, String when, List<Leak> leaks, long omitted) {

    /**
     * Copies {@code leaks}.
     *
     * @param backend the backend's name
     * @param when what triggered the report
     * @param leaks the tensors, oldest first
     * @param omitted garbage-collected leaks counted, not described
     */
    public LeakReport {
        leaks = List.copyOf(leaks);
    }

    /** How a leak was found. */
    public enum Kind {
        /** still open when its backend closed (the backend released it) */
        OPEN_AT_BACKEND_CLOSE,
        /** became unreachable without being closed; the garbage collector's cleaner released it */
        COLLECTED_UNCLOSED
    }

    /**
     * One tensor that was never closed.
     *
     * @param tensor        its shape, dtype and backend, e.g. {@code 3×4 FLOAT32 [cpu]}
     * @param kind          how it was found
     * @param thread        the name of the thread that created it
     * @param createdAt     the first stack frame whose class is not nabla-core's own: the caller's line (for a
     *                      network's workspace, the line that called {@code trainStep})
     * @param creationStack the whole stack at creation
     */
    public record Leak(String tensor, Kind kind, String thread, String createdAt,
                       List<StackTraceElement> creationStack) {

        /**
         * Copies {@code creationStack}.
         *
         * @param tensor its shape, dtype and backend
         * @param kind how it was found
         * @param thread the name of the thread that created it
         * @param createdAt the caller's line
         * @param creationStack the whole stack at creation
         */
        public Leak {
            creationStack = List.copyOf(creationStack);
        }
    }

    /**
     * The report as it is logged: one line per tensor with where it was created.
     *
     * @return the report, several lines
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(leaks.size() + omitted).append(" tensor(s) never closed, reported when ").append(when).append(':');
        for (Leak l : leaks) {
            sb.append("\n  ").append(l.tensor()).append(l.kind() == Kind.COLLECTED_UNCLOSED
                    ? " (garbage-collected unclosed)" : " (open at backend close)")
                    .append(" created at ").append(l.createdAt()).append(" on thread ").append(l.thread());
        }
        if (omitted > 0) {
            sb.append("\n  ... and ").append(omitted).append(" more, garbage-collected unclosed (not described)");
        }
        return sb.toString();
    }
}
