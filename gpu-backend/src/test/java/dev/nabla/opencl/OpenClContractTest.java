package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.BackendContract;

/** Every primitive and fused op of the opencl backend against the float64 reference. */
class OpenClContractTest extends BackendContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }
}
