package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Ops;
import dev.nabla.Tensor;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * An optimizer step on a large parameter boxes no vector: SGD, SGD with momentum and Adam on a 1024 × 1024 weight,
 * FLOAT32 and FLOAT64, on the VECTOR path with two threads, every thread's heap bytes counted. Each kernel call
 * broadcasts its scalars (lr, λ, μ) once, before a loop of 2¹⁹ elements per thread; JDK 17's C2 would not inline a
 * helper of ours that made those broadcasts (it had run a few hundred times in the interpreter: "executed <
 * MinInliningThreshold times"), so every call allocated its boxed vectors, 288 bytes a chunk for SGD, for as long
 * as the JVM ran. What is left per call is the parallel job, its lambda and the argument checks, about
 * {@value #BOUND} bytes at most. Windows of calls as in {@link CpuStepAllocationTest}: C1 code boxes until C2 has
 * compiled the loops. Its own class, so its own JVM in the `allocation` execution.
 */
class CpuOptimizerStepAllocationTest {
    private static final int SIZE = 1024;
    private static final int WINDOW = 50;
    private static final long BOUND = 600;
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"FLOAT32, sgd", "FLOAT32, momentum", "FLOAT32, adam", "FLOAT64, sgd", "FLOAT64, momentum",
            "FLOAT64, adam"})
    @Timeout(90)
    void aStepOnALargeParameterBoxesNoVectors(DType dtype, String optimizer) {
        try (Backend be = Backend.wrap(new CpuBackend(CpuPath.VECTOR, 2))) {
            Ops ops = be.ops();
            Tensor w = be.rand(SIZE, SIZE, 1L, dtype).detach();
            Tensor g = be.rand(SIZE, SIZE, 2L, dtype).detach();
            Tensor m = be.zeros(SIZE, SIZE, dtype).detach();
            Tensor v = be.zeros(SIZE, SIZE, dtype).detach();
            Runnable step = switch (optimizer) {
                case "sgd" -> () -> ops.sgdStep(w, g, null, 1e-6, 0, 1e-4);
                case "momentum" -> () -> ops.sgdStep(w, g, v, 1e-6, 0.9, 1e-4);
                default -> () -> ops.adamStep(w, g, m, v, 1e-6, 0.9, 0.999, 1e-8, 1e-4, 1);
            };
            List<Long> windows = ThreadBytes.counter().stepWindows(step, be::synchronize, WINDOW, BOUND, LIMIT_NANOS);
            long perCall = windows.get(windows.size() - 1);
            if (perCall < BOUND) {
                System.out.println(optimizer + " on a " + SIZE + "×" + SIZE + " " + dtype + " weight, cpu VECTOR: "
                        + perCall + " bytes per call in window " + windows.size() + " (windows: " + windows + ")");
                return;
            }
            fail(optimizer + " on a " + SIZE + "×" + SIZE + " " + dtype + " weight on cpu VECTOR allocated at least "
                    + BOUND + " heap bytes per call in every window of " + WINDOW + " calls for "
                    + TimeUnit.NANOSECONDS.toSeconds(LIMIT_NANOS) + " s (vectors boxed); bytes per call by window: "
                    + windows);
        }
    }
}
