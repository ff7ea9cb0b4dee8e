package dev.nabla.opencl;

import dev.nabla.Backends;
import dev.nabla.contract.ConcurrencyContract;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Eight threads training on one opencl backend (calls serialised, one in-order queue) get the single-threaded bits. */
class OpenClConcurrencyTest extends ConcurrencyContract {
    @Override
    protected ComputeBackend createCompute() {
        Probe probe = Backends.probe("opencl");
        assumeTrue(probe.available(), "opencl unavailable: " + probe.reason());
        return new OpenClBackend();
    }
}
