package dev.nabla.opencl;

import dev.nabla.InvalidArgumentException;

/**
 * The GEMM kernel's build-time tunables (see gemm.cl): a work-group computes a tm×tn tile of C, walking K in steps
 * of tk; each work-item holds wptm×wptn results in registers; interior tiles load vw-wide vectors.
 */
public record GemmConfig(int tm, int tn, int tk, int wptm, int wptn, int vw) {

    /** 128×128 tiles, 8×8 per work-item, 256 work-items: a starting point for GPUs. */
    public static final GemmConfig GPU_DEFAULT = new GemmConfig(128, 128, 16, 8, 8, 4);
    /** 64×64 tiles, 4×4 per work-item: for CPU OpenCL (PoCL), where big tiles only waste work at the edges. */
    public static final GemmConfig CPU_DEFAULT = new GemmConfig(64, 64, 16, 4, 4, 4);

    public static GemmConfig defaultFor(ClDevice device) {
        return device.isGpu() ? GPU_DEFAULT : CPU_DEFAULT;
    }

    public int threads() {
        return (tm / wptm) * (tn / wptn);
    }

    /** Local memory of the two tiles, padded as in gemm.cl. */
    public long localBytes(int elementBytes) {
        return (long) tk * ((tm + 1) + (tn + 1)) * elementBytes;
    }

    /** Throws unless the kernel's divisibility rules hold and the tile fits the device. */
    public GemmConfig validate(long maxWorkGroupSize, long localMemBytes, int elementBytes) {
        boolean ok = tm > 0 && tn > 0 && tk > 0 && wptm > 0 && wptn > 0 && (vw == 1 || vw == 2 || vw == 4)
                && tm % wptm == 0 && tn % wptn == 0 && tk % vw == 0 && tm % vw == 0 && tn % vw == 0
                && (tm * tk) % (threads() * vw) == 0 && (tk * tn) % (threads() * vw) == 0;
        if (!ok) {
            throw new InvalidArgumentException("gemm config " + this + " breaks the kernel's divisibility rules");
        }
        if (threads() > maxWorkGroupSize) {
            throw new InvalidArgumentException("gemm config " + this + " needs " + threads()
                    + " work-items per group; the device allows " + maxWorkGroupSize);
        }
        if (localBytes(elementBytes) > localMemBytes) {
            throw new InvalidArgumentException("gemm config " + this + " needs " + localBytes(elementBytes)
                    + " bytes of local memory; the device has " + localMemBytes);
        }
        return this;
    }

    /** The -D options that set these tunables. */
    public String defines() {
        return "-DTM=" + tm + " -DTN=" + tn + " -DTK=" + tk + " -DWPTM=" + wptm + " -DWPTN=" + wptn + " -DVW=" + vw;
    }
}
