package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.ParityContract;
import dev.nabla.contract.ReferenceBackend;

/**
 * The parity suite with the cpu backend (float32, Vector API) against the float64 reference. 100 networks rather
 * than 200: the reference's plain loops dominate the time; the GPU suites, against cpu, run the full 200.
 */
class CpuParityTest extends ParityContract {
    @Override
    protected int networks() {
        return 100;
    }

    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend());
    }

    @Override
    protected Backend createBaseline() {
        return Backend.wrap(new ReferenceBackend());
    }
}
