package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.IndexingContract;

/** The core indexing contract (INT32 tensors, views, gathers, masks) on the aparapi backend (PoCL on CI). */
class AparapiIndexingTest extends IndexingContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
