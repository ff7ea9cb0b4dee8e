package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.NetworkContract;

/** Lecture examples, gradient checks and training on the opencl backend. */
class OpenClNetworkTest extends NetworkContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }
}
