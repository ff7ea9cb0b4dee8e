package dev.nabla.aparapi;

import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

/**
 * Registers the {@code aparapi} backend: Aparapi kernels on an OpenCL device. Priority 15: above {@code cpu} (10),
 * below {@code opencl} (whose hand-written kernels are the faster way to the same device).
 *
 * <p>The probe loads Aparapi's native library and lists OpenCL devices through JOCL ({@code OpenClCensus}: Aparapi's
 * own listing prints to standard error, and probes run in programs that never choose aparapi); it does not build
 * kernels (seconds), so a
 * device on which Aparapi cannot translate or build them is reported by {@link #create()} with a
 * {@link dev.nabla.KernelBuildException}. Without a device the probe is unavailable with the reason, because Aparapi
 * would silently run on a Java thread pool; with {@code -Dnabla.aparapi.allowJavaThreadPool=true} it is available and
 * says that it runs on the thread pool, not OpenCL.
 */
public final class AparapiProvider implements BackendProvider {
    @Override
    public String name() {
        return AparapiBackend.NAME;
    }

    /**
     * 15, above cpu (10) and below opencl, on a GPU or accelerator; 4, below cpu, when the device it would use is a
     * CPU (PoCL), where the cpu backend is far faster, so {@code Backends.best()} does not choose it there.
     */
    @Override
    public int priority() {
        try {
            OpenClCensus.Choice choice = OpenClCensus.choose();
            return choice.device() != null && choice.device().isCpu() ? 4 : 15;
        } catch (Throwable t) {   // unavailable: the probe says why; the rank does not matter
            return 15;
        }
    }

    @Override
    public Probe probe() {
        try {
            OpenClCensus.Choice choice = OpenClCensus.choose();
            if (choice.device() != null) {
                String gc = HostMirrorSafety.problem(HostMirrorSafety.collectors());
                if (gc != null) {
                    return Probe.unavailable(gc);
                }
                return Probe.available(AparapiBackend.aparapiVersion() + " on OpenCL device "
                        + choice.device().describe());
            }
            if (Boolean.getBoolean(AparapiBackend.ALLOW_THREAD_POOL_PROPERTY)) {
                return Probe.available("Java thread pool, NOT OpenCL, as " + AparapiBackend.THREAD_POOL_NAME
                        + " (opted in with -D" + AparapiBackend.ALLOW_THREAD_POOL_PROPERTY + "=true; " + choice.problem()
                        + ")");
            }
            return Probe.unavailable(choice.problem() + "; Aparapi would silently run its kernels on a Java thread "
                    + "pool, which this backend refuses (-D" + AparapiBackend.ALLOW_THREAD_POOL_PROPERTY
                    + "=true allows it)");
        } catch (Throwable t) { // a probe never throws, whatever the native layer does
            return Probe.unavailable("Aparapi could not start: " + t);
        }
    }

    @Override
    public ComputeBackend create() {
        return AparapiBackend.create();
    }
}
