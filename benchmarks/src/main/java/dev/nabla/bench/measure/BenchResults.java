package dev.nabla.bench.measure;

import java.util.List;

/**
 * What {@code nabla bench} measured: per backend, GEMM at several sizes and a training step; plus where it ran and
 * which backends could not run, with why.
 */
public record BenchResults(String machine, String environment, String date, boolean quick,
                           List<BackendInfo> backends, List<String> unavailable,
                           List<GemmResult> gemm, List<StepResult> steps) {

    /** A backend that was measured, and what runs underneath it. */
    public record BackendInfo(String name, String description) {
    }

    /** C = A·B with A, B, C n × n float32: 2n³ floating-point operations per run. */
    public record GemmResult(String backend, int n, Timing.Sample sample) {
        public double gflops() {
            return 2.0 * n * n * (double) n / sample.medianSeconds() / 1e9;
        }
    }

    /** One {@code Network.trainStep} (forward, backward, SGD update, loss read back) of {@code network}. */
    public record StepResult(String backend, String network, int batch, Timing.Sample sample) {
        public double examplesPerSecond() {
            return batch / sample.medianSeconds();
        }
    }

    /** The GEMM result of {@code backend} at size n, or null. */
    public GemmResult gemm(String backend, int n) {
        return gemm.stream().filter(g -> g.backend().equals(backend) && g.n() == n).findFirst().orElse(null);
    }

    /** The training-step result of {@code backend}, or null. */
    public StepResult step(String backend) {
        return steps.stream().filter(s -> s.backend().equals(backend)).findFirst().orElse(null);
    }

    /** The GEMM sizes, in the order measured. */
    public List<Integer> sizes() {
        return gemm.stream().map(GemmResult::n).distinct().toList();
    }
}
