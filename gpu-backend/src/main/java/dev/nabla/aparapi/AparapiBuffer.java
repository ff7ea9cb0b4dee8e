package dev.nabla.aparapi;

import dev.nabla.DType;
import dev.nabla.spi.DeviceBuffer;

/**
 * An aparapi tensor buffer: elements [offset, offset + length) of its launcher's device-resident arena. It owns no
 * device memory of its own (Aparapi can only keep buffers resident as fields of one kernel, see {@link FloatKernel}).
 */
final class AparapiBuffer implements DeviceBuffer {
    final Launcher owner;
    final int offset;
    private final int length;

    AparapiBuffer(Launcher owner, int offset, int length) {
        this.owner = owner;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public DType dtype() {
        return owner.dtype();
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
