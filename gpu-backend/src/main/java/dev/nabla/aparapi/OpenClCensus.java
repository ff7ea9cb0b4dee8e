package dev.nabla.aparapi;

import com.aparapi.internal.opencl.OpenCLLoader;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL devices Aparapi would see, read through JOCL, for the provider's {@code priority()} and {@code probe()}.
 *
 * <p>Aparapi's own platform listing ({@link AparapiDevices#list()}) runs native code that prints
 * {@code WARNING: Aparapi is running on an untested OpenCL platform version: ...} straight to the process's standard
 * error (a C {@code fprintf}, beyond java.util.logging, so nothing in Java can route it). Discovery, {@code
 * Backends.report()} and {@code Backends.best()} probe every provider, also in programs that only use {@code cpu};
 * they come here, which prints nothing. Aparapi lists its platforms only once a program starts the aparapi backend.
 *
 * <p>Same ICD loader, same order as {@link AparapiDevices#list()} (GPUs, then accelerators, then CPUs, platform order
 * within), same labels, and the same selection ({@link AparapiDevices#DEVICE_PROPERTY}), so the probe describes the
 * device {@link AparapiBackend#create()} will use.
 */
final class OpenClCensus {
    private static final String[] TYPES = {"GPU", "ACC", "CPU"};

    private OpenClCensus() {
    }

    /** One device: what {@link AparapiDevices#describe} shows of an Aparapi {@code OpenCLDevice}. */
    record Device(String name, String platformName, String platformVendor, String type, int computeUnits,
                  long maxWorkGroupSize, long localMemBytes, long maxAllocBytes) {

        /** "name (platform, vendor, TYPE)", as {@link AparapiDevices#label}. */
        String label() {
            return name + " (" + platformName + ", " + platformVendor + ", " + type + ")";
        }

        /** The label with the limits that shape the kernels, as {@link AparapiDevices#describe}. */
        String describe() {
            return label() + ", " + computeUnits + " compute units, work-groups ≤ " + maxWorkGroupSize + ", "
                    + localMemBytes / 1024 + " KiB local, " + (maxAllocBytes >> 20) + " MiB per buffer";
        }

        boolean isCpu() {
            return type.equals("CPU");
        }
    }

    /** A chosen device, or why there is none (exactly one of the two is non-null). */
    record Choice(Device device, String problem) {
    }

    /**
     * The device {@link AparapiDevices#choose()} would pick, or its reason for none; throws {@link LinkageError} or
     * {@link CLException} when JOCL cannot reach OpenCL at all (callers catch them).
     */
    static Choice choose() {
        AparapiLogging.install();
        if (!OpenCLLoader.isOpenCLAvailable()) {   // loads Aparapi's native library, which prints nothing by itself
            return new Choice(null, "Aparapi's native library could not be loaded (see the log of "
                    + "dev.nabla.aparapi.Aparapi); no OpenCL through Aparapi here");
        }
        CL.setExceptionsEnabled(true);
        int[] count = new int[1];
        try {
            CL.clGetPlatformIDs(0, null, count);
        } catch (CLException none) {   // CL_PLATFORM_NOT_FOUND_KHR: an ICD loader without drivers
            count[0] = 0;
        }
        if (count[0] == 0) {
            String vendors = System.getenv("OCL_ICD_VENDORS");
            return new Choice(null, "no OpenCL platform found: the ICD loader lists none (install a driver, e.g. "
                    + "pocl-opencl-icd" + (vendors == null ? "" : "; OCL_ICD_VENDORS=" + vendors) + ")");
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        CL.clGetPlatformIDs(platforms.length, platforms, null);
        List<Device> devices = new ArrayList<>();
        List<String> platformNames = new ArrayList<>();
        for (String type : TYPES) {
            for (cl_platform_id p : platforms) {
                for (cl_device_id d : devicesOf(p)) {
                    if (type.equals(typeOf(d))) {
                        devices.add(describe(p, d, type));
                    }
                }
            }
        }
        if (devices.isEmpty()) {
            for (cl_platform_id p : platforms) {
                platformNames.add(platformString(p, CL.CL_PLATFORM_NAME));
            }
            return new Choice(null, "OpenCL platforms " + platformNames + " have no GPU, accelerator or CPU device");
        }
        AparapiDevices.Selector wanted = AparapiDevices.selector();
        if (wanted == null) {
            return new Choice(devices.get(0), null);
        }
        Device d = AparapiDevices.match(devices, Device::label, wanted.text());
        if (d != null) {
            return new Choice(d, null);
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            labels.add(i + ": " + devices.get(i).label());
        }
        return new Choice(null, wanted.source() + "=" + wanted.text() + " matches no device; found " + labels);
    }

    private static List<cl_device_id> devicesOf(cl_platform_id p) {
        int[] n = new int[1];
        try {
            CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, 0, null, n);
        } catch (CLException e) {
            if (e.getStatus() == CL.CL_DEVICE_NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
        cl_device_id[] ids = new cl_device_id[n[0]];
        CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null);
        return List.of(ids);
    }

    /** Aparapi's names for the device types ({@code Device.TYPE}): GPU, ACC, CPU; null for any other. */
    private static String typeOf(cl_device_id d) {
        long type = deviceLong(d, CL.CL_DEVICE_TYPE, Sizeof.cl_long);
        return (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
                : (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "ACC"
                : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? "CPU" : null;
    }

    private static Device describe(cl_platform_id p, cl_device_id d, String type) {
        return new Device(deviceString(d, CL.CL_DEVICE_NAME), platformString(p, CL.CL_PLATFORM_NAME),
                platformString(p, CL.CL_PLATFORM_VENDOR), type,
                (int) deviceLong(d, CL.CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_int),
                deviceLong(d, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t),
                deviceLong(d, CL.CL_DEVICE_LOCAL_MEM_SIZE, Sizeof.cl_long),
                deviceLong(d, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE, Sizeof.cl_long));
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    /** An unsigned integer of {@code bytes} bytes (cl_uint, size_t or cl_ulong), little-endian as the host. */
    private static long deviceLong(cl_device_id d, int param, int bytes) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, bytes, Pointer.to(v), null);
        return bytes == Sizeof.cl_int ? v[0] & 0xFFFF_FFFFL : v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }
}
