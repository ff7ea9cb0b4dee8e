package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.NetworkContract;

/** The network contract suite (worked examples, gradient checks, optimizers, training) on the aparapi backend. */
class AparapiNetworkTest extends NetworkContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
