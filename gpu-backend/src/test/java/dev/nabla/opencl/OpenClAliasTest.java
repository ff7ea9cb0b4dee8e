package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.AliasContract;

/** The aliasing contract on the opencl backend. */
class OpenClAliasTest extends AliasContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }
}
