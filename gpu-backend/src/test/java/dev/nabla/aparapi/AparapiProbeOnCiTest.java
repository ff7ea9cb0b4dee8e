package dev.nabla.aparapi;

import dev.nabla.Backends;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.spi.Probe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** CI installs PoCL: there the aparapi probe must find an OpenCL device, or every other aparapi test would be moot. */
@ExtendWith(NoSkipOnCi.class)
class AparapiProbeOnCiTest {
    @Test
    void theProbeFindsAnOpenClDeviceOnCi() {
        Probe probe = Backends.probe(AparapiBackend.NAME);
        if (!NoSkipOnCi.onCi()) {
            assumeTrue(probe.ok(), "not on CI and aparapi is unavailable here: " + probe.reason());
        }
        assertTrue(probe.ok(), "CI=true: the aparapi probe must be available, but: " + probe.reason());
        assertTrue(probe.detail().contains("on OpenCL device"), "on OpenCL, not the thread pool: " + probe.detail());
    }
}
