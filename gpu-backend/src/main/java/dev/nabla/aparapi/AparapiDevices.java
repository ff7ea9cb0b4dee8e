package dev.nabla.aparapi;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OpenCL devices Aparapi sees, and the one the aparapi backend uses: {@code -Dnabla.aparapi.device=} or
 * {@code NABLA_APARAPI_DEVICE} (an index into {@link #list()} or a substring of a device's name, platform or vendor),
 * else the first GPU, else the first accelerator, else the first CPU device.
 */
final class AparapiDevices {
    /** System property that chooses the device. */
    static final String DEVICE_PROPERTY = "nabla.aparapi.device";
    /** Environment variable that chooses the device (the property wins). */
    static final String DEVICE_ENV = "NABLA_APARAPI_DEVICE";

    private AparapiDevices() {
    }

    /** A chosen device, or why there is none (exactly one of the two is non-null). */
    record Choice(OpenCLDevice device, String problem) {
    }

    /** Every OpenCL device of every platform, GPUs first, then accelerators, then CPUs (platform order within). */
    static List<OpenCLDevice> list() {
        List<OpenCLDevice> all = new ArrayList<>();
        for (Device.TYPE type : new Device.TYPE[]{Device.TYPE.GPU, Device.TYPE.ACC, Device.TYPE.CPU}) {
            for (OpenCLPlatform p : platforms()) {
                for (OpenCLDevice d : p.getOpenCLDevices()) {
                    if (d.getType() == type) {
                        all.add(d);
                    }
                }
            }
        }
        return all;
    }

    private static List<OpenCLPlatform> platforms() {
        return new OpenCLPlatform().getOpenCLPlatforms();
    }

    /**
     * The device selected by property or environment (or the default order), or the reason there is none. Aparapi's
     * native platform listing prints a warning to standard error on platforms it has not tested (PoCL, OpenCL 3.0):
     * only {@link AparapiBackend#create()} comes here; probes use {@link OpenClCensus#choose()}.
     */
    static Choice choose() {
        AparapiLogging.install();
        if (!OpenCLLoader.isOpenCLAvailable()) {
            return new Choice(null, "Aparapi's native library could not be loaded (see the log of "
                    + "dev.nabla.aparapi.Aparapi); no OpenCL through Aparapi here");
        }
        List<OpenCLPlatform> platforms = platforms();
        if (platforms.isEmpty()) {
            String vendors = System.getenv("OCL_ICD_VENDORS");
            return new Choice(null, "no OpenCL platform found: the ICD loader lists none (install a driver, e.g. "
                    + "pocl-opencl-icd" + (vendors == null ? "" : "; OCL_ICD_VENDORS=" + vendors) + ")");
        }
        List<OpenCLDevice> devices = list();
        if (devices.isEmpty()) {
            return new Choice(null, "OpenCL platforms " + names(platforms) + " have no GPU, accelerator or CPU device");
        }
        Selector wanted = selector();
        if (wanted == null) {
            return new Choice(devices.get(0), null);
        }
        OpenCLDevice d = match(devices, wanted.text());
        return d != null ? new Choice(d, null)
                : new Choice(null, wanted.source() + "=" + wanted.text() + " matches no device; found "
                        + describeAll(devices));
    }

    /** The device asked for, and where it was asked ({@code -Dnabla.aparapi.device} or the environment). */
    record Selector(String text, String source) {
    }

    /** {@value #DEVICE_PROPERTY}, else {@value #DEVICE_ENV}, else null. */
    static Selector selector() {
        String wanted = System.getProperty(DEVICE_PROPERTY);
        if (wanted != null && !wanted.isBlank()) {
            return new Selector(wanted.trim(), "-D" + DEVICE_PROPERTY);
        }
        wanted = System.getenv(DEVICE_ENV);
        return wanted == null || wanted.isBlank() ? null : new Selector(wanted.trim(), DEVICE_ENV);
    }

    /** By index into the list, else the first whose name, platform name or vendor contains the text (any case). */
    static OpenCLDevice match(List<OpenCLDevice> devices, String wanted) {
        return match(devices, AparapiDevices::label, wanted);
    }

    /** {@link #match(List, String)} over anything with a label (also {@link OpenClCensus.Device}). */
    static <D> D match(List<D> devices, java.util.function.Function<D, String> label, String wanted) {
        try {
            int index = Integer.parseInt(wanted);
            return index >= 0 && index < devices.size() ? devices.get(index) : null;
        } catch (NumberFormatException notAnIndex) {
            String w = wanted.toLowerCase(Locale.ROOT);
            for (D d : devices) {
                if (label.apply(d).toLowerCase(Locale.ROOT).contains(w)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** "name (platform, vendor, TYPE)". */
    static String label(OpenCLDevice d) {
        OpenCLPlatform p = d.getOpenCLPlatform();
        return d.getName() + " (" + p.getName() + ", " + p.getVendor() + ", " + d.getType() + ")";
    }

    /** The label with the limits that shape the kernels. */
    static String describe(OpenCLDevice d) {
        return label(d) + ", " + d.getMaxComputeUnits() + " compute units, work-groups ≤ " + d.getMaxWorkGroupSize()
                + ", " + d.getLocalMemSize() / 1024 + " KiB local, " + (d.getMaxMemAllocSize() >> 20) + " MiB per buffer";
    }

    static String describeAll(List<OpenCLDevice> devices) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            out.add(i + ": " + label(devices.get(i)));
        }
        return out.toString();
    }

    private static String names(List<OpenCLPlatform> platforms) {
        List<String> out = new ArrayList<>();
        for (OpenCLPlatform p : platforms) {
            out.add(p.getName());
        }
        return out.toString();
    }
}
