package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.BackendContract;

/** The backend contract on the plain-Java path, on every core. */
class CpuScalarContractTest extends BackendContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors()));
    }
}
