package dev.nabla.aparapi;

import dev.nabla.DType;
import dev.nabla.spi.DeviceBuffer;

/**
 * An aparapi tensor buffer: elements [offset, offset + length) of one of its launcher's device-resident arenas, the
 * launcher's own dtype's or (when {@link #ints}) its INT32 arena. It owns no device memory of its own (Aparapi can
 * only keep buffers resident as fields of one kernel, see {@link FloatKernel}).
 */
final class AparapiBuffer implements DeviceBuffer {
    final Launcher owner;
    /** Whether this is an INT32 tensor, in the owner's INT32 arena. */
    final boolean ints;
    final int offset;
    private final int length;

    AparapiBuffer(Launcher owner, boolean ints, int offset, int length) {
        this.owner = owner;
        this.ints = ints;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public DType dtype() {
        return ints ? DType.INT32 : owner.dtype();
    }

    @Override
    public long length() {
        return length;
    }

    int size() {
        return length;
    }

    @Override
    public String toString() {
        return "arena[" + offset + ", " + (offset + (long) length) + ") " + dtype();
    }
}
