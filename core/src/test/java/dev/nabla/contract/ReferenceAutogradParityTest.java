package dev.nabla.contract;

import dev.nabla.Backend;

/** The autograd parity contract on a second reference instance: proves the contract's own expectations. */
class ReferenceAutogradParityTest extends AutogradParityContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
