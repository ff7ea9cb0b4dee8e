package dev.nabla.opencl;

import dev.nabla.InvalidDeviceException;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lists OpenCL platforms and devices and chooses one. Cheap: no context is created. Callers catch
 * {@code LinkageError} (no JOCL native library or no libOpenCL) and {@link CLException} (no ICD, no platform).
 */
public final class ClDiscovery {
    /** System property choosing the device: an index from {@link #devices()} or a substring of its name. */
    public static final String DEVICE_PROPERTY = "nabla.opencl.device";
    /** Environment variable choosing the device (the property wins). */
    public static final String DEVICE_ENV = "NABLA_OPENCL_DEVICE";

    private ClDiscovery() {
    }

    /** Every device of every platform, in discovery order. Throws CLException/LinkageError when OpenCL is absent. */
    public static List<ClDevice> devices() {
        CL.setExceptionsEnabled(true);
        int[] count = new int[1];
        CL.clGetPlatformIDs(0, null, count);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        CL.clGetPlatformIDs(platforms.length, platforms, null);
        List<ClDevice> found = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL.CL_PLATFORM_NAME);
            String platformVersion = platformString(platform, CL.CL_PLATFORM_VERSION);
            int[] n = new int[1];
            try {
                CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, n);
            } catch (CLException e) {
                if (e.getStatus() == CL.CL_DEVICE_NOT_FOUND) {
                    continue;
                }
                throw e;
            }
            cl_device_id[] ids = new cl_device_id[n[0]];
            CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null);
            for (cl_device_id id : ids) {
                found.add(describe(found.size(), platform, platformName, platformVersion, id));
            }
        }
        return found;
    }

    private static ClDevice describe(int index, cl_platform_id platform, String platformName, String platformVersion,
                                     cl_device_id id) {
        long type = deviceLong(id, CL.CL_DEVICE_TYPE);
        String typeName = (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
                : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                : (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "ACCELERATOR" : "OTHER";
        String extensions = deviceString(id, CL.CL_DEVICE_EXTENSIONS);
        boolean fp64 = extensions.contains("cl_khr_fp64") || deviceLong(id, CL.CL_DEVICE_DOUBLE_FP_CONFIG) != 0;
        return new ClDevice(index, platform, id, platformName, platformVersion, deviceString(id, CL.CL_DEVICE_NAME),
                deviceString(id, CL.CL_DEVICE_VENDOR), deviceString(id, CL.CL_DEVICE_VERSION), typeName, fp64,
                deviceLong(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceSize(id, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE), deviceLong(id, CL.CL_DEVICE_LOCAL_MEM_SIZE),
                deviceInt(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS));
    }

    /** The device selector from the property or the environment, or null. */
    public static String requestedSelector() {
        String s = System.getProperty(DEVICE_PROPERTY);
        if (s == null || s.isBlank()) {
            s = System.getenv(DEVICE_ENV);
        }
        return s == null || s.isBlank() ? null : s.trim();
    }

    /**
     * The device a selector names (an index, or a case-insensitive substring of the name, vendor or platform); with
     * no selector, the first GPU, else the first device.
     */
    public static ClDevice select(List<ClDevice> devices, String selector) {
        if (devices.isEmpty()) {
            throw new InvalidDeviceException("no OpenCL device found (platforms are installed but report no devices)");
        }
        if (selector == null) {
            return devices.stream().filter(ClDevice::isGpu).findFirst().orElse(devices.get(0));
        }
        if (selector.matches("\\d+")) {
            int i = Integer.parseInt(selector);
            if (i < devices.size()) {
                return devices.get(i);
            }
        } else {
            String needle = selector.toLowerCase(Locale.ROOT);
            for (ClDevice d : devices) {
                String hay = (d.name() + " " + d.vendor() + " " + d.platformName()).toLowerCase(Locale.ROOT);
                if (hay.contains(needle)) {
                    return d;
                }
            }
        }
        StringBuilder sb = new StringBuilder("no OpenCL device matches '" + selector + "' (set by -D" + DEVICE_PROPERTY
                + " or " + DEVICE_ENV + "); found:");
        for (ClDevice d : devices) {
            sb.append("\n  ").append(d.describe());
        }
        throw new InvalidDeviceException(sb.toString());
    }

    // ---- info queries ----------------------------------------------------------------------------------------------

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_long, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_int, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }
}
