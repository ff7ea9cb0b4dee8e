package dev.nabla.opencl;

import dev.nabla.InvalidArgumentException;

/**
 * The GEMM kernel's build-time tunables (see gemm.cl): a work-group computes a tm×tn tile of C, walking K in steps
 * of tk; each work-item holds wptm×wptn results in registers; interior tiles load vw-wide vectors; with prefetch,
 * the next tile's global loads are issued before the current tile is multiplied; with doubleBuffer the local tiles
 * alternate between two buffers (one barrier per step instead of two).
 */
public record GemmConfig(int tm, int tn, int tk, int wptm, int wptn, int vw, boolean prefetch, boolean doubleBuffer) {

    /** 128×128×8 tiles, 8×8 per work-item, 256 work-items, prefetching, double-buffered: the tuner's pick on an H100. */
    public static final GemmConfig GPU_DEFAULT = new GemmConfig(128, 128, 8, 8, 8, 4, true, true);
    /** 64×64 tiles, 4×4 per work-item: for CPU OpenCL (PoCL), for small products on GPUs, and for FLOAT64. */
    public static final GemmConfig SMALL = new GemmConfig(64, 64, 16, 4, 4, 4, true, false);
    /** The CPU (PoCL) default. */
    public static final GemmConfig CPU_DEFAULT = SMALL;

    /**
     * The bounded set the tuner tries: tiles of 64 or 128, depth 8 to 32, 4×4 to 8×8 results per work-item, vector
     * width 1 to 4, with and without prefetching, and the double-buffered variants of the 128×128 tiles. A device
     * keeps those it can run ({@link #fits}).
     */
    public static java.util.List<GemmConfig> searchSpace() {
        int[][] shapes = {
                {128, 128, 16, 8, 8, 4}, {128, 128, 8, 8, 8, 4}, {128, 128, 32, 8, 8, 4}, {128, 128, 16, 8, 8, 2},
                {128, 128, 8, 8, 8, 2}, {128, 128, 16, 8, 8, 1}, {128, 64, 16, 8, 4, 4}, {64, 128, 16, 4, 8, 4},
                {128, 64, 16, 4, 4, 4}, {64, 64, 16, 4, 4, 4}, {64, 64, 32, 4, 4, 4}, {64, 64, 8, 4, 4, 4}};
        java.util.List<GemmConfig> out = new java.util.ArrayList<>();
        for (int[] c : shapes) {
            for (boolean prefetch : new boolean[]{true, false}) {
                out.add(new GemmConfig(c[0], c[1], c[2], c[3], c[4], c[5], prefetch, false));
                if (c[0] == 128 && c[1] == 128) {
                    out.add(new GemmConfig(c[0], c[1], c[2], c[3], c[4], c[5], prefetch, true));
                }
            }
        }
        return out;
    }

    /** Whether {@link #validate} would accept this configuration on a device with these limits. */
    public boolean fits(long maxWorkGroupSize, long localMemBytes, int elementBytes) {
        try {
            validate(maxWorkGroupSize, localMemBytes, elementBytes);
            return true;
        } catch (InvalidArgumentException e) {
            return false;
        }
    }

    public static GemmConfig defaultFor(ClDevice device) {
        return device.isGpu() ? GPU_DEFAULT : CPU_DEFAULT;
    }

    public int threads() {
        return (tm / wptm) * (tn / wptn);
    }

    /** Local memory of the two tiles (twice with doubleBuffer), padded as in gemm.cl. */
    public long localBytes(int elementBytes) {
        return (long) tk * ((tm + 1) + (tn + 1)) * elementBytes * (doubleBuffer ? 2 : 1);
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
        return "-DTM=" + tm + " -DTN=" + tn + " -DTK=" + tk + " -DWPTM=" + wptm + " -DWPTN=" + wptn + " -DVW=" + vw
                + " -DPREFETCH=" + (prefetch ? 1 : 0) + " -DDB=" + (doubleBuffer ? 1 : 0);
    }
}
