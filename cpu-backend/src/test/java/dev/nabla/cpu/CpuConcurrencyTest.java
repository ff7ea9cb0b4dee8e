package dev.nabla.cpu;

import dev.nabla.contract.ConcurrencyContract;
import dev.nabla.spi.ComputeBackend;

/**
 * Eight threads training on one cpu backend get the single-threaded bits: the backend's worker pool is shared by all
 * calling threads, and every result is computed in an order fixed by the problem size alone.
 */
class CpuConcurrencyTest extends ConcurrencyContract {
    @Override
    protected ComputeBackend createCompute() {
        return new CpuBackend();
    }
}
