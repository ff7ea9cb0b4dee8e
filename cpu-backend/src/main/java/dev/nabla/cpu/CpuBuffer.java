package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.spi.DeviceBuffer;

/**
 * A cpu backend buffer: a Java float[] (FLOAT32), double[] (FLOAT64), int[] (INT32) or short[] (BFLOAT16 and FLOAT16,
 * each short one element's 16-bit pattern); exactly one is non-null, and {@link #array()} is that one, for the copies
 * that move elements of any type bit for bit.
 */
final class CpuBuffer implements DeviceBuffer {
    final float[] f;
    final double[] d;
    final int[] i;
    final short[] h;
    private final DType dtype;

    private CpuBuffer(DType dtype, float[] f, double[] d, int[] i, short[] h) {
        this.dtype = dtype;
        this.f = f;
        this.d = d;
        this.i = i;
        this.h = h;
    }

    static CpuBuffer allocate(DType dtype, int length) {
        return switch (dtype) {
            case FLOAT32 -> new CpuBuffer(dtype, new float[length], null, null, null);
            case FLOAT64 -> new CpuBuffer(dtype, null, new double[length], null, null);
            case INT32 -> new CpuBuffer(dtype, null, null, new int[length], null);
            case BFLOAT16, FLOAT16 -> new CpuBuffer(dtype, null, null, null, new short[length]);
        };
    }

    /** The backing array, whatever its element type (for System.arraycopy). */
    Object array() {
        return f != null ? f : d != null ? d : i != null ? i : h;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long length() {
        return f != null ? f.length : d != null ? d.length : i != null ? i.length : h.length;
    }
}
