package dev.nabla.cpu;

import dev.nabla.contract.DeviceFaultContract;
import dev.nabla.spi.ComputeBackend;

/** Device faults swept over a training scenario on the cpu backend (simulated: Java arrays do not fail this way). */
class CpuDeviceFaultTest extends DeviceFaultContract {
    @Override
    protected ComputeBackend createCompute() {
        return new CpuBackend();
    }
}
