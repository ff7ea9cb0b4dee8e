package dev.nabla.opencl;

import dev.nabla.InvalidDeviceException;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;
import org.jocl.CL;
import org.jocl.CLException;

import java.util.List;

/**
 * Registers the {@code opencl} backend (priority 100, above cpu). The probe loads JOCL and lists devices without
 * creating a context; a missing native library, ICD, platform or device makes it unavailable with the exact reason.
 */
public final class OpenClProvider implements BackendProvider {
    @Override
    public String name() {
        return OpenClBackend.NAME;
    }

    @Override
    public int priority() {
        return 100;
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
