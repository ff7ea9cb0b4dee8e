package dev.nabla.opencl;

import dev.nabla.Backends;
import dev.nabla.contract.DeviceFaultContract;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Device faults swept over a training scenario on the opencl backend: each fault is raised at the SPI boundary, in
 * front of the real device pool, so liveDeviceBytes shows whether any device buffer was left behind.
 */
class OpenClDeviceFaultTest extends DeviceFaultContract {
    @Override
    protected ComputeBackend createCompute() {
        Probe probe = Backends.probe("opencl");
        assumeTrue(probe.available(), "opencl unavailable: " + probe.reason());
        return new OpenClBackend();
    }
}
