package dev.nabla.contract;

import dev.nabla.spi.ComputeBackend;

/** Device faults swept over a training scenario on the float64 reference: core's own clean-up, backend-neutral. */
class ReferenceDeviceFaultTest extends DeviceFaultContract {
    @Override
    protected ComputeBackend createCompute() {
        return new ReferenceBackend();
    }
}
