package dev.nabla.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as discovery found it: handles, identity and the limits Nabla needs. {@code index} numbers the
 * devices of every platform in discovery order; it is what {@code -Dnabla.opencl.device=INDEX} selects.
 */
public record ClDevice(int index, cl_platform_id platform, cl_device_id device, String platformName,
                       String platformVersion, String name, String vendor, String version, String type,
                       boolean fp64, long globalMemBytes, long maxAllocBytes, long maxWorkGroupSize,
                       long localMemBytes, int computeUnits) {

    public boolean isGpu() {
        return type.contains("GPU");
    }

    /** One line: index, name, type, platform, memory, fp64. */
    public String describe() {
        return String.format("#%d %s (%s, %s, %s; %d CUs, %d MiB, max alloc %d MiB, local %d KiB, %s)", index, name,
                type, platformName, version, computeUnits, globalMemBytes >> 20, maxAllocBytes >> 20,
                localMemBytes >> 10, fp64 ? "fp64" : "no fp64");
    }
}
