package dev.nabla.opencl;

/** Where the backend gets its GEMM tunables: the defaults for the device's type (a tuned cache comes later). */
final class GemmTuning {
    private GemmTuning() {
    }

    static GemmConfig configFor(ClDevice device) {
        return GemmConfig.defaultFor(device);
    }
}
