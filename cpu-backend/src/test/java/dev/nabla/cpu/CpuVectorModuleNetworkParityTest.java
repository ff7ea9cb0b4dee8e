package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.ModuleNetworkParityContract;

/** Modules vs Network (issue 14, item 4) on the Vector API path. */
class CpuVectorModuleNetworkParityTest extends ModuleNetworkParityContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.VECTOR, Runtime.getRuntime().availableProcessors()));
    }
}
