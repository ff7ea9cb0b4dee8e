package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.BackendContract;

/** The backend contract on the Vector API path, on every core. */
class CpuVectorContractTest extends BackendContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.VECTOR, Runtime.getRuntime().availableProcessors()));
    }
}
