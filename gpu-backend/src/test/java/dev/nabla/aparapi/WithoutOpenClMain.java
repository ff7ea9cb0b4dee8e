package dev.nabla.aparapi;

import com.aparapi.Range;
import dev.nabla.Backend;
import dev.nabla.BackendUnavailableException;
import dev.nabla.Backends;
import dev.nabla.Tensor;
import dev.nabla.spi.Probe;

import java.util.Arrays;

/**
 * Run by {@link AparapiWithoutOpenClTest} in a JVM whose ICD loader finds no OpenCL platform. Prints one
 * {@code key=value} line per finding; the test asserts on them.
 */
public final class WithoutOpenClMain {
    private WithoutOpenClMain() {
    }

    public static void main(String[] args) {
        Probe probe = Backends.probe(AparapiBackend.NAME);
        System.out.println("probe.available=" + probe.available());
        System.out.println("probe.detail=" + probe.detail());
        try (Backend b = Backends.create(AparapiBackend.NAME)) {
            System.out.println("create=started " + b.description());
        } catch (BackendUnavailableException e) {
            System.out.println("create=" + e.getClass().getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse(""));
        }

        // what Aparapi itself does here: it runs the kernel on its Java thread pool and reports no error
        UntranslatableKernel raw = new UntranslatableKernel();
        raw.execute(Range.create(Geometry.WG, Geometry.WG));
        boolean ranAsJava = true;
        for (float v : raw.out) {
            ranAsJava &= v >= 1f;
        }
        System.out.println("aparapi.silentJavaRun=" + ranAsJava + " isRunningCL=" + raw.isRunningCL());
        raw.dispose();

        // opted in, the backend runs on the thread pool and says so in its name
        System.setProperty(AparapiBackend.ALLOW_THREAD_POOL_PROPERTY, "true");
        try (Backend jtp = Backend.wrap(AparapiBackend.create())) {
            Tensor x = jtp.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor w = jtp.fromArray(new float[]{1, 0, 0, 1, 1, 1}, 3, 2);
            System.out.println("jtp.name=" + jtp.name());
            System.out.println("jtp.description=" + jtp.description());
            System.out.println("jtp.matmul=" + Arrays.toString(x.matmul(w).toFloatArray()));
            System.out.println("jtp.softmax=" + Arrays.toString(x.softmaxRows().toFloatArray()));
            System.out.println("jtp.sumColumns=" + Arrays.toString(x.sumColumns().toFloatArray()));
        }
    }
}
