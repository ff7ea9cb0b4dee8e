package dev.nabla.opencl;

import dev.nabla.DType;
import dev.nabla.spi.DeviceBuffer;
import org.jocl.cl_mem;

/**
 * A tensor's device memory: a pooled {@code cl_mem} of {@code capacityBytes} (a size bucket, ≥ what the tensor
 * needs) holding {@code length} elements of {@code dtype}.
 */
final class ClBuffer implements DeviceBuffer {
    final cl_mem mem;
    final long capacityBytes;
    private final DType dtype;
    private final long length;
    boolean released;

    ClBuffer(cl_mem mem, long capacityBytes, DType dtype, long length) {
        this.mem = mem;
        this.capacityBytes = capacityBytes;
        this.dtype = dtype;
        this.length = length;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long length() {
        return length;
    }

    long bytes() {
        return length * dtype.bytes();
    }
}
