package dev.nabla.opencl;

import dev.nabla.Backends;
import dev.nabla.contract.SoakContract;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * About 3,000 training steps on the opencl backend: live tensors, live and pooled device bytes and device buffer
 * creations stay flat after warm-up.
 */
class OpenClSoakTest extends SoakContract {
    @Override
    protected ComputeBackend createCompute() {
        Probe probe = Backends.probe("opencl");
        assumeTrue(probe.available(), "opencl unavailable: " + probe.reason());
        return new OpenClBackend();
    }
}
