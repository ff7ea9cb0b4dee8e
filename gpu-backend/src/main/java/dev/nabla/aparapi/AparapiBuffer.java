package dev.nabla.aparapi;

import dev.nabla.DType;
import dev.nabla.spi.DeviceBuffer;

/**
 * An aparapi tensor buffer: elements [offset, offset + length) of one of its launcher's device-resident arenas, the
 * launcher's own dtype's, (when {@link #ints}) its INT32 arena or (when {@link #halves}) its 16-bit arena, which holds
 * BFLOAT16 and FLOAT16 tensors as bit patterns. It owns no device memory of its own (Aparapi can only keep buffers
 * resident as fields of one kernel, see {@link FloatKernel}).
 */
final class AparapiBuffer implements DeviceBuffer {
    final Launcher owner;
    /** Whether this is an INT32 tensor, in the owner's INT32 arena. */
    final boolean ints;
    /** Whether this is a BFLOAT16 or FLOAT16 tensor, in the owner's 16-bit arena. */
    final boolean halves;
    final int offset;
    private final int length;
    /** BFLOAT16 or FLOAT16 for a 16-bit tensor, else null. */
    private final DType half;

    AparapiBuffer(Launcher owner, boolean ints, int offset, int length) {
        this(owner, ints, null, offset, length);
    }

    /** A BFLOAT16 or FLOAT16 tensor in the owner's 16-bit arena. */
    AparapiBuffer(Launcher owner, DType half, int offset, int length) {
        this(owner, false, half, offset, length);
    }

    private AparapiBuffer(Launcher owner, boolean ints, DType half, int offset, int length) {
        this.owner = owner;
        this.ints = ints;
        this.halves = half != null;
        this.half = half;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public DType dtype() {
        return halves ? half : ints ? DType.INT32 : owner.dtype();
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
