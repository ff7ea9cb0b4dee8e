package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.spi.DeviceBuffer;

/**
 * A cpu backend buffer: a Java float[] (FLOAT32), double[] (FLOAT64) or int[] (INT32); exactly one is non-null, and
 * {@link #array()} is that one, for the copies that move elements of any type bit for bit.
 */
final class CpuBuffer implements DeviceBuffer {
    final float[] f;
    final double[] d;
    final int[] i;

    private CpuBuffer(float[] f, double[] d, int[] i) {
        this.f = f;
        this.d = d;
        this.i = i;
    }

    static CpuBuffer allocate(DType dtype, int length) {
        return switch (dtype) {
            case FLOAT32 -> new CpuBuffer(new float[length], null, null);
            case FLOAT64 -> new CpuBuffer(null, new double[length], null);
            case INT32 -> new CpuBuffer(null, null, new int[length]);
        };
    }

    /** The backing array, whatever its element type (for System.arraycopy). */
    Object array() {
        return f != null ? f : d != null ? d : i;
    }

    @Override
    public DType dtype() {
        return f != null ? DType.FLOAT32 : d != null ? DType.FLOAT64 : DType.INT32;
    }

    @Override
    public long length() {
        return f != null ? f.length : d != null ? d.length : i.length;
    }
}
