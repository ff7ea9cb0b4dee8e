package dev.nabla.bench.fakes;

import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

/**
 * A backend that is found but cannot run (registered in the test class path only), ranked above cpu like a GPU
 * backend: the commands must report it with its reason, never drop it silently or choose it.
 */
public final class NoGpuProvider implements BackendProvider {
    public static final String REASON = "test provider: no GPU in this test";

    @Override
    public String name() {
        return "nogpu";
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Probe probe() {
        return Probe.unavailable(REASON);
    }

    @Override
    public ComputeBackend create() {
        throw new AssertionError("create() of an unavailable provider must not be called");
    }
}
