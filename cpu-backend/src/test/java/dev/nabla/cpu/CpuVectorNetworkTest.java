package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.NetworkContract;

/** Lecture examples, gradient checks and training on the Vector API path. */
class CpuVectorNetworkTest extends NetworkContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.VECTOR, Runtime.getRuntime().availableProcessors()));
    }
}
