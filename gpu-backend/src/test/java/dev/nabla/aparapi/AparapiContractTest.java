package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.BackendContract;

/** The core contract suite on the aparapi backend (OpenCL through Aparapi; PoCL on CI). */
class AparapiContractTest extends BackendContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
