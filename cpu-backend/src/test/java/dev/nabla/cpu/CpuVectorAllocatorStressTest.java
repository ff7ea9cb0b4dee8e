package dev.nabla.cpu;

import dev.nabla.contract.AllocatorStressContract;
import dev.nabla.spi.ComputeBackend;

/** The allocator stress on the Vector API path, on every core. */
class CpuVectorAllocatorStressTest extends AllocatorStressContract {
    @Override
    protected ComputeBackend createCompute() {
        return new CpuBackend(CpuPath.VECTOR, Runtime.getRuntime().availableProcessors());
    }
}
