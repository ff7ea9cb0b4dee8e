package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.AliasContract;

/** The aliasing contract on the plain-Java path, on every core. */
class CpuScalarAliasTest extends AliasContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors()));
    }
}
