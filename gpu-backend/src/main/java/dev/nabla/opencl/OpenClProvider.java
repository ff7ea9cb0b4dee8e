package dev.nabla.opencl;

import dev.nabla.InvalidDeviceException;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;
import org.jocl.CL;
import org.jocl.CLException;

import java.util.List;

/**
 * Registers the {@code opencl} backend (priority 100, above cpu, on a GPU; 5 on a CPU device). The probe loads JOCL and lists devices without
 * creating a context; a missing native library, ICD, platform or device makes it unavailable with the exact reason.
 */
public final class OpenClProvider implements BackendProvider {
    @Override
    public String name() {
        return OpenClBackend.NAME;
    }

    /** Priority on a GPU or accelerator. */
    static final int PRIORITY_GPU = 100;
    /** Priority when the device it would use is a CPU driver such as PoCL: correct, but slower than cpu (10). */
    static final int PRIORITY_CPU_DEVICE = 5;

    /**
     * 100, above cpu, on a GPU or accelerator; 5, below cpu, when the device it would use is a CPU (PoCL and other
     * CPU drivers run the kernels correctly but far slower than the cpu backend), so {@code Backends.best()} does not
     * choose it there. It can still be asked for by name.
     */
    @Override
    public int priority() {
        try {
            ClDevice chosen = ClDiscovery.select(ClDiscovery.devices(), ClDiscovery.requestedSelector());
            return chosen.type().contains("CPU") ? PRIORITY_CPU_DEVICE : PRIORITY_GPU;
        } catch (LinkageError | RuntimeException e) {   // unavailable: the probe says why; the rank does not matter
            return PRIORITY_GPU;
        }
    }

    @Override
    public Probe probe() {
        try {
            List<ClDevice> devices = ClDiscovery.devices();
            if (devices.isEmpty()) {
                return Probe.unavailable("OpenCL platforms are installed but report no devices");
            }
            ClDevice chosen = ClDiscovery.select(devices, ClDiscovery.requestedSelector());
            return Probe.available(chosen.describe() + (devices.size() > 1 ? " — " + devices.size()
                    + " devices, choose with -D" + ClDiscovery.DEVICE_PROPERTY : ""));
        } catch (InvalidDeviceException e) {
            return Probe.unavailable(e.getMessage());
        } catch (LinkageError e) {
            return Probe.unavailable("cannot load OpenCL through JOCL (" + e + "); install an OpenCL ICD loader "
                    + "(libOpenCL.so.1, e.g. ocl-icd-libopencl1) and a driver");
        } catch (CLException e) {
            return Probe.unavailable("no OpenCL platform: " + CL.stringFor_errorCode(e.getStatus())
                    + " (no ICD registered in /etc/OpenCL/vendors? install a GPU driver's ICD, or pocl-opencl-icd)");
        }
    }

    @Override
    public ComputeBackend create() {
        try {
            return new OpenClBackend();
        } catch (CLException e) {
            throw ClErrors.translate("starting the opencl backend", e);
        }
    }
}
