package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.ModuleNetworkParityContract;

/** Modules vs Network (issue 14, item 4) on opencl. */
class OpenClModuleNetworkParityTest extends ModuleNetworkParityContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }
}
