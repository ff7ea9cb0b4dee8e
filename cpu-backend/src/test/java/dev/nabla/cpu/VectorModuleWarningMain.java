package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.Tensor;

import java.util.Arrays;

/**
 * Run by {@link VectorModuleWarningTest}: starts the cpu backend three times (shared, owned, direct) and computes.
 * Prints its path and a product on standard output; what it logs goes to standard error.
 */
public final class VectorModuleWarningMain {
    private VectorModuleWarningMain() {
    }

    public static void main(String[] args) {
        Backend shared = Backends.get("cpu");
        Tensor x = shared.fromArray(new float[]{1, 2, 3, 4}, 2, 2);
        System.out.println("matmul=" + Arrays.toString(x.matmul(x).toFloatArray()));
        try (Backend owned = Backends.create("cpu")) {
            System.out.println("owned=" + owned.description());
        }
        CpuBackend direct = new CpuBackend();
        System.out.println("path=" + direct.path());
        direct.close();
        System.out.println("report=" + Backends.report().toString().replace('\n', ' '));
    }
}
