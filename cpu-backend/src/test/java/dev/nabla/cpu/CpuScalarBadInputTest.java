package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.BadInputContract;

/** The bad-input matrix and the edge inputs on the cpu backend's plain-Java path. */
class CpuScalarBadInputTest extends BadInputContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors()));
    }
}
