package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.ModuleNetworkParityContract;

/** Modules vs Network (issue 14, item 4) on the plain-Java path. */
class CpuScalarModuleNetworkParityTest extends ModuleNetworkParityContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors()));
    }
}
