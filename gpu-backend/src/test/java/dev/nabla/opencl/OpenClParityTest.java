package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.ParityContract;
import dev.nabla.cpu.CpuBackend;

/** 200 random networks and 50-step runs of every optimizer option: opencl against cpu. */
class OpenClParityTest extends ParityContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }

    @Override
    protected Backend createBaseline() {
        return Backend.wrap(new CpuBackend());
    }
}
