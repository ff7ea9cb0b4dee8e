package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.NetworkContract;

/** Lecture examples, gradient checks and training on the plain-Java path. */
class CpuScalarNetworkTest extends NetworkContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors()));
    }
}
