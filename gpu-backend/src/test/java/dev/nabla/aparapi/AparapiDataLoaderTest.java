package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.DataLoaderContract;

/** The device-resident data path on aparapi: FLOAT32 batches are gathered in the arena, with no host transfers. */
class AparapiDataLoaderTest extends DataLoaderContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
