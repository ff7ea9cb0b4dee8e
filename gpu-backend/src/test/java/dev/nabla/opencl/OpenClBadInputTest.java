package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.BadInputContract;
import dev.nabla.cpu.CpuBackend;

/**
 * The bad-input matrix and the edge inputs on the opencl backend; the mixed-backend cases mix in cpu tensors. Also
 * checks that no failed call leaves device memory allocated (liveDeviceBytes).
 */
class OpenClBadInputTest extends BadInputContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }

    @Override
    protected Backend createOtherBackend() {
        return Backend.wrap(new CpuBackend());
    }
}
