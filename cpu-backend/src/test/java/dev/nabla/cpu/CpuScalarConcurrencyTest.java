package dev.nabla.cpu;

import dev.nabla.contract.ConcurrencyContract;
import dev.nabla.spi.ComputeBackend;

/** Eight threads training on one cpu backend, plain-Java path, get the single-threaded bits. */
class CpuScalarConcurrencyTest extends ConcurrencyContract {
    @Override
    protected ComputeBackend createCompute() {
        return new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors());
    }
}
