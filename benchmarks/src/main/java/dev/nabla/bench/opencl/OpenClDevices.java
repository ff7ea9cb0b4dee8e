package dev.nabla.bench.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the OpenCL platforms and devices the ICD loader finds, through JOCL: the only class of this module that
 * touches JOCL. Without an ICD loader or a platform it says why instead of failing ({@link LinkageError}s of the
 * native library included). It reads return codes and never turns on JOCL's global exception mode, which the
 * opencl backend in the same JVM may rely on being off.
 */
public final class OpenClDevices {

    /** One device: what a user needs to choose it ({@code -Dnabla.opencl.device=INDEX or NAME}). */
    public record Device(int index, String name, String type, String vendor, String version, String driver,
                         int computeUnits, int clockMHz, long globalMemBytes, long maxAllocBytes, boolean fp64) {
    }

    public record Platform(String name, String vendor, String version, List<Device> devices) {
    }

    /** The platforms found, or why none could be listed ({@code problem} is then non-null). */
    public record Listing(List<Platform> platforms, String problem) {
    }

    private OpenClDevices() {
    }

    public static Listing list() {
        try {
            int[] count = new int[1];
            int rc = CL.clGetPlatformIDs(0, null, count);
            if (rc == -1001 || (rc == CL.CL_SUCCESS && count[0] == 0)) { // CL_PLATFORM_NOT_FOUND_KHR
                return new Listing(List.of(), "the ICD loader found no OpenCL platform (no driver registered in "
                        + "/etc/OpenCL/vendors; for OpenCL on the CPU install pocl-opencl-icd)");
            }
            check(rc, "clGetPlatformIDs");
            cl_platform_id[] ids = new cl_platform_id[count[0]];
            check(CL.clGetPlatformIDs(ids.length, ids, null), "clGetPlatformIDs");
            List<Platform> platforms = new ArrayList<>();
            int index = 0;
            for (cl_platform_id p : ids) {
                List<Device> devices = new ArrayList<>();
                int[] n = new int[1];
                int drc = CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, 0, null, n);
                if (drc == CL.CL_SUCCESS && n[0] > 0) {
                    cl_device_id[] ds = new cl_device_id[n[0]];
                    check(CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, ds.length, ds, null), "clGetDeviceIDs");
                    for (cl_device_id d : ds) {
                        devices.add(device(index++, d));
                    }
                } else if (drc != CL.CL_DEVICE_NOT_FOUND) {
                    check(drc, "clGetDeviceIDs");
                }
                platforms.add(new Platform(platformString(p, CL.CL_PLATFORM_NAME),
                        platformString(p, CL.CL_PLATFORM_VENDOR), platformString(p, CL.CL_PLATFORM_VERSION),
                        List.copyOf(devices)));
            }
            return new Listing(List.copyOf(platforms), null);
        } catch (LinkageError e) {
            return new Listing(List.of(), "JOCL's native library cannot be loaded (" + e.getMessage()
                    + "); install an OpenCL ICD loader (ocl-icd-libopencl1)");
        } catch (RuntimeException e) {
            return new Listing(List.of(), "OpenCL query failed: " + e.getMessage());
        }
    }

    private static Device device(int index, cl_device_id d) {
        long type = deviceLong(d, CL.CL_DEVICE_TYPE);
        String kind = (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? "GPU" : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                : (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator" : "other";
        return new Device(index, deviceString(d, CL.CL_DEVICE_NAME), kind, deviceString(d, CL.CL_DEVICE_VENDOR),
                deviceString(d, CL.CL_DEVICE_VERSION), deviceString(d, CL.CL_DRIVER_VERSION),
                deviceInt(d, CL.CL_DEVICE_MAX_COMPUTE_UNITS), deviceInt(d, CL.CL_DEVICE_MAX_CLOCK_FREQUENCY),
                deviceLong(d, CL.CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(d, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                doubleSupport(d));
    }

    /** OpenCL 1.0 devices may not know CL_DEVICE_DOUBLE_FP_CONFIG: then they have no fp64. */
    private static boolean doubleSupport(cl_device_id d) {
        long[] v = new long[1];
        return CL.clGetDeviceInfo(d, CL.CL_DEVICE_DOUBLE_FP_CONFIG, Sizeof.cl_ulong, Pointer.to(v), null)
                == CL.CL_SUCCESS && v[0] != 0;
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        check(CL.clGetPlatformInfo(p, param, 0, null, size), "clGetPlatformInfo");
        byte[] buf = new byte[(int) size[0]];
        check(CL.clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null), "clGetPlatformInfo");
        return text(buf);
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        check(CL.clGetDeviceInfo(d, param, 0, null, size), "clGetDeviceInfo");
        byte[] buf = new byte[(int) size[0]];
        check(CL.clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null), "clGetDeviceInfo");
        return text(buf);
    }

    private static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        check(CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null), "clGetDeviceInfo");
        return v[0];
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        check(CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null), "clGetDeviceInfo");
        return v[0];
    }

    private static String text(byte[] buf) {
        int n = buf.length;
        while (n > 0 && buf[n - 1] == 0) {
            n--;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8).strip();
    }

    private static void check(int rc, String call) {
        if (rc != CL.CL_SUCCESS) {
            throw new IllegalStateException(call + " returned " + CL.stringFor_errorCode(rc));
        }
    }
}
