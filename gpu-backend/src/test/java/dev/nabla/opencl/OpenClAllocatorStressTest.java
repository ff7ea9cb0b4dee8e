package dev.nabla.opencl;

import dev.nabla.Backends;
import dev.nabla.contract.AllocatorStressContract;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The allocator stress on the opencl backend (its buffer pool; PoCL on CI). */
class OpenClAllocatorStressTest extends AllocatorStressContract {
    @Override
    protected ComputeBackend createCompute() {
        Probe probe = Backends.probe("opencl");
        assumeTrue(probe.available(), "opencl unavailable: " + probe.reason());
        return new OpenClBackend();
    }
}
