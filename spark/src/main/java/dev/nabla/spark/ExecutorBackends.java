package dev.nabla.spark;

import dev.nabla.Backend;
import dev.nabla.BackendUnavailableException;
import dev.nabla.Backends;
import dev.nabla.NablaException;
import org.apache.spark.SparkEnv;

import java.util.Locale;

/** The backend a fit or a transform computes on, in this JVM (an executor's, or the driver's). */
final class ExecutorBackends {
    /** The {@code backend} param's value that picks the best available one (opencl on a GPU, else cpu). */
    static final String BEST = "best";

    private ExecutorBackends() {
    }

    /** This JVM's executor id ("driver" in local mode), for error messages. */
    static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "driver (no SparkEnv)" : env.executorId();
    }

    /**
     * The shared backend called {@code name} ({@value #BEST}: {@link Backends#best()}). An unavailable one is a
     * {@link BackendUnavailableException} naming the user's call, the executor and every backend found here.
     */
    static Backend resolve(String call, String name) {
        String n = name == null ? BEST : name.toLowerCase(Locale.ROOT);
        try {
            return BEST.equals(n) ? Backends.best() : Backends.get(n);
        } catch (NablaException e) {
            throw new BackendUnavailableException(call + ": backend '" + n + "' is unavailable on executor "
                    + executorId() + ": " + e.getMessage() + "\n" + Backends.report(), e);
        }
    }
}
