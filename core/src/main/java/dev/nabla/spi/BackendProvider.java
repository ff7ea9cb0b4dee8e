package dev.nabla.spi;

/**
 * A backend implementation, found with {@link java.util.ServiceLoader} (register it in
 * {@code META-INF/services/dev.nabla.spi.BackendProvider}). Discovery is split from start-up: {@link #probe()} is
 * cheap and never throws, {@link #create()} does the expensive work (contexts, queues, kernel builds).
 */
public interface BackendProvider {

    /**
     * Short lower-case name users select it by: {@code cpu}, {@code opencl}, {@code aparapi}.
     *
     * @return the name, lower case
     */
    String name();

    /**
     * Higher wins in {@code Backends.best()}. The cpu backend uses 10; GPU backends use more.
     *
     * @return the priority
     */
    int priority();

    /**
     * Whether this backend can run here, and what was found or why not. Must not throw, must be cheap.
     *
     * @return the probe, never null
     */
    Probe probe();

    /**
     * Starts the backend. Only called after a successful probe; may still fail with a {@code NablaException}.
     *
     * @return the started backend
     */
    ComputeBackend create();
}
