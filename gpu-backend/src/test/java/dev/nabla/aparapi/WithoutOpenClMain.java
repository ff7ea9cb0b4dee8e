package dev.nabla.aparapi;

import com.aparapi.Range;
import dev.nabla.Backend;
import dev.nabla.BackendUnavailableException;
import dev.nabla.Backends;
import dev.nabla.Tensor;
import dev.nabla.spi.Probe;

import java.util.Arrays;

/**
 * Run by {@link AparapiWithoutOpenClTest} in a JVM whose ICD loader finds no OpenCL platform (with or without
 * {@code -Dnabla.aparapi.allowJavaThreadPool=true}). Prints one {@code key=value} line per finding.
 */
public final class WithoutOpenClMain {
    private WithoutOpenClMain() {
    }

    public static void main(String[] args) {
        Probe probe = Backends.probe(AparapiBackend.NAME);
        System.out.println("probe.available=" + probe.available());
        System.out.println("probe.detail=" + probe.detail());
        System.out.println("report=" + Backends.report().toString().replace('\n', ' '));
        try (Backend b = Backends.create(AparapiBackend.NAME)) {
            System.out.println("create=started");
            System.out.println("compute.name=" + b.compute().name());
            System.out.println("description=" + b.description());
            Tensor x = b.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor w = b.fromArray(new float[]{1, 0, 0, 1, 1, 1}, 3, 2);
            System.out.println("matmul=" + Arrays.toString(x.matmul(w).toFloatArray()));
            System.out.println("softmax=" + Arrays.toString(x.softmaxRows().toFloatArray()));
            System.out.println("sumColumns=" + Arrays.toString(x.sumColumns().toFloatArray()));
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
    }
}
