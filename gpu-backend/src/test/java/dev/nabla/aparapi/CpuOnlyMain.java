package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.Tensor;

import java.util.Arrays;

/**
 * Run by {@link QuietUnlessChosenTest}: a program with nabla-gpu on its class path that only uses {@code cpu}, and
 * asks for the report and {@code best()} (which probe every provider, aparapi included). Prints key=value lines.
 */
public final class CpuOnlyMain {
    private CpuOnlyMain() {
    }

    public static void main(String[] args) {
        Backend cpu = Backends.get("cpu");
        Tensor x = cpu.fromArray(new float[]{1, 2, 3, 4}, 2, 2);
        System.out.println("matmul=" + Arrays.toString(x.matmul(x).toFloatArray()));
        System.out.println("report=" + Backends.report().toString().replace('\n', ' '));
        System.out.println("aparapi.available=" + Backends.probe(AparapiBackend.NAME).available());
        System.out.println("best=" + Backends.best().name());
    }
}
