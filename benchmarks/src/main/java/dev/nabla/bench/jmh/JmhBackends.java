package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.BackendUnavailableException;
import dev.nabla.Backends;
import dev.nabla.spi.Probe;

/**
 * How the JMH benchmarks get their backend: by the name in their {@code backend} parameter. {@code nabla jmh} sets
 * that parameter to every available backend and reports the others; a benchmark asked for an unavailable backend
 * fails its set-up with the probe's reason, so nothing is dropped silently.
 */
public final class JmhBackends {
    // The JVM flags of the forked benchmark JVMs, the ones ./nabla passes: every @Fork appends
    // {ADD_MODULES, VECTOR_MODULE, NATIVE_ACCESS} (annotation values must be constants, so not an array).
    public static final String ADD_MODULES = "--add-modules";
    public static final String VECTOR_MODULE = "jdk.incubator.vector";
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private JmhBackends() {
    }

    /** The shared backend named {@code name}; throws with the probe's reason when it cannot run here. */
    public static Backend start(String name) {
        Probe probe = Backends.probe(name);
        if (!probe.available()) {
            throw new BackendUnavailableException("backend " + name + " is unavailable: " + probe.reason());
        }
        return Backends.get(name);
    }
}
