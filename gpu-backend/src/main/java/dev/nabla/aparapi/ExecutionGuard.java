package dev.nabla.aparapi;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelDeviceProfile;
import com.aparapi.internal.kernel.KernelManager;
import com.aparapi.internal.kernel.KernelProfile;
import dev.nabla.DeviceException;
import dev.nabla.KernelBuildException;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs Aparapi kernels on ONE device and proves, after every launch, that they ran there.
 *
 * <p>Aparapi never fails a launch it cannot run on OpenCL: it marks the device failed for the kernel class and runs
 * the kernel on its Java thread pool instead, and {@code Kernel.isRunningCL()} answers from the kernel class's
 * preferred device, not from what ran. So this guard
 * <ol>
 *   <li>binds each kernel class to this device alone ({@code KernelManager.setPreferredDevices}, which also forgets
 *       earlier failures) and compiles it there with {@code Kernel.compile(device)}, the one Aparapi call that throws
 *       ({@link KernelBuildException}) instead of falling back;</li>
 *   <li>launches with ranges bound to the device and explicit local sizes, so that Aparapi cannot re-derive a range
 *       for its thread pool;</li>
 *   <li>after each launch, reads Aparapi's own record of what ran: the kernel class's {@link KernelProfile} must
 *       name this device as the last one it started on, and the class's preferences must not list this device as
 *       failed. Anything else, or an exception out of Aparapi, is an {@link AparapiFallbackException} quoting what
 *       Aparapi logged, and the guard refuses every later launch (the device copy of the data is no longer
 *       trustworthy).</li>
 * </ol>
 * The expected device is the Java thread pool only when the user opted into it. Then the guard runs the kernels'
 * Java bytecode itself, on {@link JavaWorkGroups} (one live thread per work-item of a group), not through Aparapi's
 * thread pool, whose barriers can wait forever.
 *
 * <p>Aparapi keeps device preferences, failures and profiles per Kernel CLASS, and its {@code put}/{@code get} act
 * only while the class's preferred device is an OpenCL one. Two open backends whose kernels of one class want
 * different devices would therefore undo each other; the guard refuses the second ({@link #prepare}) until the first
 * is closed ({@link #release}). Backends on the same device share the class without trouble.
 */
final class ExecutionGuard implements AutoCloseable {
    /** Kernel class → the device its open backends use, and how many kernels of it are open. */
    private static final Map<Class<?>, Binding> BINDINGS = new HashMap<>();

    private record Binding(Device device, int kernels) {
    }

    private final Device device;
    private final String backendName;
    private final TransferCounters counters;
    /** The work-item threads of the Java thread pool backend; null on OpenCL. */
    private final JavaWorkGroups javaItems;
    private volatile AparapiFallbackException broken;

    ExecutionGuard(Device device, String backendName, TransferCounters counters) {
        this.device = device;
        this.backendName = backendName;
        this.counters = counters;
        this.javaItems = device instanceof OpenCLDevice ? null : new JavaWorkGroups(backendName);
    }

    /** Ends the Java work-item threads (none on OpenCL). */
    @Override
    public void close() {
        if (javaItems != null) {
            javaItems.close();
        }
    }

    boolean onOpenCL() {
        return device instanceof OpenCLDevice;
    }

    /**
     * Binds the kernel's class to this device only, then (on OpenCL) compiles it there or throws. Pair with
     * {@link #release} when the kernel is disposed.
     */
    void prepare(Kernel kernel) {
        Class<?> cls = kernel.getClass();
        synchronized (BINDINGS) {
            Binding b = BINDINGS.get(cls);
            if (b != null && !b.device().equals(device)) {
                throw new DeviceException("aparapi: cannot start " + cls.getSimpleName() + " on " + label() + " while "
                        + "an open aparapi backend runs it on " + b.device().getShortDescription() + ": Aparapi keeps "
                        + "one device per Kernel class; close that backend first [" + backendName + "]");
            }
            BINDINGS.put(cls, new Binding(device, b == null ? 1 : b.kernels() + 1));
            KernelManager.instance().setPreferredDevices(kernel, new LinkedHashSet<>(List.of(device)));
        }
        if (!onOpenCL()) {
            return;
        }
        String name = cls.getSimpleName();
        AparapiLogging.beginCapture();
        try {
            kernel.compile(device);
        } catch (CompileFailedException | RuntimeException e) {
            release(kernel);
            List<String> said = AparapiLogging.endCapture();
            StringBuilder log = new StringBuilder(String.valueOf(e));
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                log.append("\ncaused by: ").append(c);
            }
            for (String line : said) {
                log.append("\nAparapi: ").append(line);
            }
            throw new KernelBuildException(name, log.toString(), "aparapi: kernel " + name
                    + " cannot run on OpenCL device " + label() + ": Aparapi could not translate or build it ["
                    + backendName + "]");
        }
        AparapiLogging.endCapture();
    }

    /** Undoes one {@link #prepare} of this kernel's class. */
    void release(Kernel kernel) {
        synchronized (BINDINGS) {
            Binding b = BINDINGS.get(kernel.getClass());
            if (b != null) {
                if (b.kernels() <= 1) {
                    BINDINGS.remove(kernel.getClass());
                } else {
                    BINDINGS.put(kernel.getClass(), new Binding(b.device(), b.kernels() - 1));
                }
            }
        }
    }

    /** A 1-D range on this device: {@code global} work-items (a multiple of {@code local}) in groups of {@code local}. */
    Range range(int global, int local) {
        return Range.create(device, global, local);
    }

    /** A 2-D range on this device with explicit work-group sizes. */
    Range range2D(int global0, int global1, int local0, int local1) {
        return Range.create2D(device, global0, global1, local0, local1);
    }

    /** Executes the kernel over {@code range} and verifies that it ran on this device; {@code what} names op and shapes. */
    void launch(Kernel kernel, Range range, Supplier<String> what) {
        AparapiFallbackException earlier = broken;
        if (earlier != null) {
            throw new AparapiFallbackException(what.get() + ": the aparapi backend stopped after an earlier failure ["
                    + backendName + "]: " + earlier.getMessage(), earlier);
        }
        AparapiLogging.beginCapture();
        Throwable thrown = null;
        try {
            if (javaItems != null) {
                javaItems.execute(kernel, range);
            } else {
                kernel.execute(range);
            }
        } catch (RuntimeException | AssertionError e) { // AssertionError: Aparapi's answer to a failed bound device
            thrown = e;
        }
        List<String> said = AparapiLogging.endCapture();
        String ranOn = javaItems != null ? null : ranOn(kernel);
        if (thrown == null && ranOn == null) {
            counters.kernelLaunches.incrementAndGet();
            return;
        }
        StringBuilder msg = new StringBuilder(what.get()).append(": Aparapi did not run kernel ")
                .append(kernel.getClass().getSimpleName()).append(" on ").append(label());
        if (ranOn != null) {
            msg.append("; it ").append(ranOn);
        }
        if (thrown != null) {
            msg.append("; it threw ").append(thrown);
        }
        for (String line : said) {
            msg.append("; Aparapi said: ").append(line);
        }
        msg.append(" [").append(backendName).append(']');
        AparapiFallbackException e = new AparapiFallbackException(msg.toString(), thrown);
        broken = e;
        throw e;
    }

    /** Null when Aparapi's records say the last launch of this kernel class ran on this device; else what they say. */
    String ranOn(Kernel kernel) {
        KernelManager manager = KernelManager.instance();
        KernelProfile profile = manager.getProfile(kernel.getClass());
        KernelDeviceProfile expected = profile.getDeviceProfile(device);
        KernelDeviceProfile last = profile.getLastDeviceProfile();
        List<Device> failed = manager.getPreferences(kernel).getFailedDevices();
        if (expected != null && last == expected && !failed.contains(device)) {
            return null;
        }
        String where = "no device";
        for (Device d : profile.getDevices()) {
            if (profile.getDeviceProfile(d) == last) {
                where = d.getShortDescription();
            }
        }
        return "last started it on " + where + (failed.isEmpty() ? "" : " and marked " + shortNames(failed) + " failed");
    }

    private static String shortNames(List<Device> devices) {
        StringBuilder sb = new StringBuilder();
        for (Device d : devices) {
            sb.append(sb.length() == 0 ? "" : ", ").append(d.getShortDescription());
        }
        return sb.toString();
    }

    /** The device this guard runs on, as users see it. */
    String label() {
        return device instanceof OpenCLDevice cl ? "OpenCL device " + AparapiDevices.label(cl)
                : device.getShortDescription();
    }
}
