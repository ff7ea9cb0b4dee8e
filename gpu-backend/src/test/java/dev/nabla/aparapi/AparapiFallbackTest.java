package dev.nabla.aparapi;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import dev.nabla.KernelBuildException;
import dev.nabla.contract.NoSkipOnCi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Aparapi's fallback, forced with a kernel it cannot translate, and the typed errors this backend turns it into.
 * (The other way to force it, a JVM without an OpenCL driver, is {@link AparapiWithoutOpenClTest}.)
 */
@ExtendWith(NoSkipOnCi.class)
class AparapiFallbackTest {

    private static OpenCLDevice device() {
        AparapiDevices.Choice c = AparapiDevices.choose();
        assumeTrue(c.device() != null, "no OpenCL device for Aparapi here: " + c.problem());
        return c.device();
    }

    @Test
    void aKernelAparapiCannotTranslateIsAKernelBuildError() {
        ExecutionGuard guard = new ExecutionGuard(device(), "aparapi", new TransferCounters());
        UntranslatableKernel kernel = new UntranslatableKernel();
        KernelBuildException e = assertThrows(KernelBuildException.class, () -> guard.prepare(kernel));
        assertEquals("UntranslatableKernel", e.kernelName());
        assertTrue(e.getMessage().contains("cannot run on OpenCL device"), e.getMessage());
        assertTrue(!e.buildLog().isBlank(), "the build log carries Aparapi's reason");
        kernel.dispose();
    }

    @Test
    void aSilentFallbackToTheJavaThreadPoolIsCaughtAndStopsTheGuard() {
        TransferCounters counters = new TransferCounters();
        ExecutionGuard guard = new ExecutionGuard(device(), "aparapi", counters);
        UntranslatableKernel kernel = new UntranslatableKernel();
        kernel.setExplicit(true);
        // a range without a device is what Aparapi re-targets on failure: it runs the kernel as Java and says nothing
        Range unbound = Range.create(Geometry.WG, Geometry.WG);
        AparapiFallbackException e = assertThrows(AparapiFallbackException.class,
                () -> guard.launch(kernel, unbound, () -> "untranslatable test kernel"));
        for (float v : kernel.out) {
            assertTrue(v >= 1f, "Aparapi did run the kernel as Java, on its thread pool (the hazard): " + v);
        }
        assertTrue(e.getMessage().startsWith("untranslatable test kernel: Aparapi did not run kernel UntranslatableKernel on OpenCL device"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Java"), "names where it ran instead: " + e.getMessage());
        assertTrue(e.getMessage().endsWith("[aparapi]"), e.getMessage());
        assertEquals(0, counters.kernelLaunches.get(), "a fallback is not a launch");
        assertThrows(AparapiFallbackException.class, () -> guard.launch(kernel, guard.range(Geometry.WG, Geometry.WG),
                () -> "a later launch"), "the guard refuses to go on after a fallback");
        kernel.dispose();
    }

    @Test
    void aFailureOnTheBoundDeviceIsCaughtToo() {
        ExecutionGuard guard = new ExecutionGuard(device(), "aparapi", new TransferCounters());
        UntranslatableKernel kernel = new UntranslatableKernel();
        kernel.setExplicit(true);
        Range bound = guard.range(Geometry.WG, Geometry.WG);
        AparapiFallbackException e = assertThrows(AparapiFallbackException.class,
                () -> guard.launch(kernel, bound, () -> "untranslatable test kernel on the device"));
        assertTrue(e.getMessage().contains("did not run kernel UntranslatableKernel"), e.getMessage());
        kernel.dispose();
    }
}
