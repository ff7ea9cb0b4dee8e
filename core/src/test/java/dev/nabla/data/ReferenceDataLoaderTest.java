package dev.nabla.data;

import dev.nabla.Backend;
import dev.nabla.contract.ReferenceBackend;

/** The data path on the reference backend. */
class ReferenceDataLoaderTest extends DataLoaderContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
