package dev.nabla.contract;

import dev.nabla.Backend;

/** The data path on the reference backend. */
class ReferenceDataLoaderTest extends DataLoaderContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
