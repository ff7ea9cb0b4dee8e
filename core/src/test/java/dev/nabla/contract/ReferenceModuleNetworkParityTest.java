package dev.nabla.contract;

import dev.nabla.Backend;

/** Modules vs Network (issue 14, item 4) on the float64 reference backend, FLOAT32 and FLOAT64. */
class ReferenceModuleNetworkParityTest extends ModuleNetworkParityContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
