package dev.nabla.contract;

import dev.nabla.Backend;

/** The network contract on the reference backend. */
class ReferenceNetworkContractTest extends NetworkContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
