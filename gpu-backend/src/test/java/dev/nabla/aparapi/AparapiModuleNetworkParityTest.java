package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.ModuleNetworkParityContract;

/** Modules vs Network (issue 14, item 4) on the aparapi backend (PoCL on CI). */
class AparapiModuleNetworkParityTest extends ModuleNetworkParityContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
