package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.AutogradParityContract;

/** Autograd parity (issue 14) on the plain-Java path against the float64 reference. */
class CpuScalarAutogradParityTest extends AutogradParityContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors()));
    }
}
