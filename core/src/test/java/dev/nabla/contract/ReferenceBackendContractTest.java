package dev.nabla.contract;

import dev.nabla.Backend;

/** The contract run on the reference itself: proves the default compositions (FusedDefaults) against direct formulas. */
class ReferenceBackendContractTest extends BackendContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
