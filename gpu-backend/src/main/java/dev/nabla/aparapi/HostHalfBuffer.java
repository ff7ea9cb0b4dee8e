package dev.nabla.aparapi;

import dev.nabla.DType;
import dev.nabla.spi.DeviceBuffer;

/**
 * A BFLOAT16 or FLOAT16 tensor of the aparapi backend: its 16-bit patterns in a Java short[] on the host, 2 bytes per
 * element. Aparapi keeps device memory only as array fields of one kernel (see {@link FloatKernel}), and no kernel
 * holds a short arena yet, so the aparapi backend keeps the 16-bit storage types where its Java-thread-pool path
 * keeps everything: in host memory. Every op on them (copies, fills, strided copies, gathers, casts) is a host loop,
 * and a cast to or from a device dtype moves that tensor through the host, counted as a transfer; no arithmetic op
 * takes them (core refuses them by name).
 */
final class HostHalfBuffer implements DeviceBuffer {
    final DType dtype;
    final short[] bits;

    HostHalfBuffer(DType dtype, int length) {
        this.dtype = dtype;
        this.bits = new short[length];
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long length() {
        return bits.length;
    }

    @Override
    public String toString() {
        return "host short[" + bits.length + "] " + dtype;
    }
}
