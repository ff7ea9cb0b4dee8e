package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.spi.Probe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Test helpers: a fresh opencl backend, or a loud skip with the probe's reason (a failure on CI). */
final class OpenClTests {
    private OpenClTests() {
    }

    static Backend freshBackend() {
        Probe probe = Backends.probe("opencl");
        assumeTrue(probe.available(), "opencl unavailable: " + probe.reason());
        return Backend.wrap(new OpenClBackend());
    }
}
