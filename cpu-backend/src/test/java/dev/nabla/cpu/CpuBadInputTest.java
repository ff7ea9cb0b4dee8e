package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.BadInputContract;

/**
 * The bad-input matrix and the edge inputs on the cpu backend, on the path this JVM detects: the Vector API in the
 * test JVM ({@link CpuScalarBadInputTest} runs the plain path).
 */
class CpuBadInputTest extends BadInputContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend());
    }
}
