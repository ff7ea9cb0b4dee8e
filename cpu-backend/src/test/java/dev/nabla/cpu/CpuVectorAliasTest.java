package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.AliasContract;

/** The aliasing contract on the Vector API path, on every core. */
class CpuVectorAliasTest extends AliasContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.VECTOR, Runtime.getRuntime().availableProcessors()));
    }
}
