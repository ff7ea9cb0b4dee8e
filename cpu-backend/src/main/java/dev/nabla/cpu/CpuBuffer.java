package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.spi.DeviceBuffer;

/** A cpu backend buffer: a Java float[] (FLOAT32) or double[] (FLOAT64); exactly one is non-null. */
final class CpuBuffer implements DeviceBuffer {
    final float[] f;
    final double[] d;

    private CpuBuffer(float[] f, double[] d) {
        this.f = f;
        this.d = d;
    }

    static CpuBuffer allocate(DType dtype, int length) {
        return dtype == DType.FLOAT32 ? new CpuBuffer(new float[length], null) : new CpuBuffer(null, new double[length]);
    }

    @Override
    public DType dtype() {
        return f != null ? DType.FLOAT32 : DType.FLOAT64;
    }

    @Override
    public long length() {
        return f != null ? f.length : d.length;
    }
}
