package dev.nabla.contract;

import dev.nabla.spi.ComputeBackend;

/** The allocator stress on the float64 reference. */
class ReferenceAllocatorStressTest extends AllocatorStressContract {
    @Override
    protected ComputeBackend createCompute() {
        return new ReferenceBackend();
    }
}
