package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

/** Providers registered for core's own tests only (the services file is kept out of the test-jar). */
final class FakeProviders {
    /**
     * The stack of every {@link Missing#priority()} call. Only ranking (names, best, report) may ask a provider its
     * priority: the opencl provider loads the OpenCL drivers to answer, which asking for cpu by name must not do.
     */
    static final java.util.List<StackTraceElement[]> MISSING_PRIORITY_CALLS =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private FakeProviders() {
    }

    /** Always available; runs the reference. */
    public static final class Working implements BackendProvider {
        @Override public String name() { return "fake-ok"; }
        @Override public int priority() { return 5; }
        @Override public Probe probe() { return Probe.available("reference loops, always here"); }
        @Override public ComputeBackend create() { return new ReferenceBackend(); }
    }

    /** Available too, at a lower priority than {@link Working}. */
    public static final class Slow implements BackendProvider {
        @Override public String name() { return "fake-slow"; }
        @Override public int priority() { return 2; }
        @Override public Probe probe() { return Probe.available("reference loops, slowly"); }
        @Override public ComputeBackend create() { return new ReferenceBackend(); }
    }

    /** Higher priority, but its device is missing. */
    public static final class Missing implements BackendProvider {
        @Override public String name() { return "fake-missing"; }
        @Override public int priority() {
            MISSING_PRIORITY_CALLS.add(new Throwable().getStackTrace());
            return 1000;
        }
        @Override public Probe probe() { return Probe.unavailable("no device: libFake.so.1 not found"); }
        @Override public ComputeBackend create() { throw new AssertionError("create() after a failed probe"); }
    }

    /** Its probe throws what a broken native library throws. */
    public static final class Throwing implements BackendProvider {
        @Override public String name() { return "fake-throws"; }
        @Override public int priority() { return 500; }
        @Override public Probe probe() { throw new UnsatisfiedLinkError("libFake.so: cannot open shared object file"); }
        @Override public ComputeBackend create() { throw new AssertionError("create() after a failed probe"); }
    }
}
