package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.AutogradParityContract;

/** Autograd parity (issue 14) on the Vector API path against the float64 reference. */
class CpuVectorAutogradParityTest extends AutogradParityContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.VECTOR, Runtime.getRuntime().availableProcessors()));
    }
}
