package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.spi.Probe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Fresh aparapi backends for the tests: skipped with the probe's reason without a device (a failure on CI). */
final class AparapiTestBackends {
    private AparapiTestBackends() {
    }

    /** A new backend on the chosen OpenCL device; aborts the test (loudly) when the probe says there is none. */
    static Backend fresh() {
        Probe probe = Backends.probe(AparapiBackend.NAME);
        assumeTrue(probe.ok(), "aparapi is unavailable here: " + probe.reason());
        return Backends.create(AparapiBackend.NAME);
    }
}
