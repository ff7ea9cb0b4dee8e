package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.AutogradParityContract;

/** Autograd parity (issue 14) on opencl against the float64 reference. */
class OpenClAutogradParityTest extends AutogradParityContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }
}
