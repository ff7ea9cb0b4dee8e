package dev.nabla.cpu;

import dev.nabla.contract.SoakContract;
import dev.nabla.spi.ComputeBackend;

/** About 3,000 training steps on the cpu backend: the live tensor count stays flat after warm-up. */
class CpuSoakTest extends SoakContract {
    @Override
    protected ComputeBackend createCompute() {
        return new CpuBackend();
    }
}
