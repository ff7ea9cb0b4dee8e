package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.AliasContract;

/** The aliasing contract on the aparapi backend. */
class AparapiAliasTest extends AliasContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
