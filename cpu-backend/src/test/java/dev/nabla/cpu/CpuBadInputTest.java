package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.BadInputContract;

/**
 * The bad-input matrix and the edge inputs on the cpu backend, on the path this JVM detects (Vector API in the main
 * test execution; the plain path where the incubator module is absent).
 */
class CpuBadInputTest extends BadInputContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend());
    }
}
