package dev.nabla.cpu;

import dev.nabla.contract.DeviceFaultContract;
import dev.nabla.spi.ComputeBackend;

/** Device faults swept over a training scenario on the cpu backend's plain-Java path. */
class CpuScalarDeviceFaultTest extends DeviceFaultContract {
    @Override
    protected ComputeBackend createCompute() {
        return new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors());
    }
}
