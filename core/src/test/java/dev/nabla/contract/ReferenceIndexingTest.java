package dev.nabla.contract;

import dev.nabla.Backend;

/** The indexing contract on the reference backend itself: proves the contract's own expectations. */
class ReferenceIndexingTest extends IndexingContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
