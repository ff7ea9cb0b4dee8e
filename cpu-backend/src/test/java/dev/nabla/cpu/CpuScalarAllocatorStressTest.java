package dev.nabla.cpu;

import dev.nabla.contract.AllocatorStressContract;
import dev.nabla.spi.ComputeBackend;

/** The allocator stress on the plain-Java path, on every core. */
class CpuScalarAllocatorStressTest extends AllocatorStressContract {
    @Override
    protected ComputeBackend createCompute() {
        return new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors());
    }
}
