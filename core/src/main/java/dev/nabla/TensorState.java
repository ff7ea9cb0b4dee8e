package dev.nabla;

import dev.nabla.spi.DeviceBuffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The releasable part of a tensor: its buffer and whether it was released. It holds no reference to the Tensor, so
 * it can be the tensor's {@link java.lang.ref.Cleaner} action: a tensor that is garbage-collected without being
 * closed still gives its buffer back. {@link #run()} releases exactly once, whoever calls it first.
 */
final class TensorState implements Runnable {
    private final Backend backend;
    private final DeviceBuffer buffer;
    private final AtomicBoolean released = new AtomicBoolean();
    /** Where the tensor was created; recorded only when leak detection is on, else null. */
    final Throwable creationSite;
    final String label;

    TensorState(Backend backend, DeviceBuffer buffer, String label, Throwable creationSite) {
        this.backend = backend;
        this.buffer = buffer;
        this.label = label;
        this.creationSite = creationSite;
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    boolean isReleased() {
        return released.get();
    }

    @Override
    public void run() {
        if (released.compareAndSet(false, true)) {
            backend.releaseTensorBuffer(this);
        }
    }
}
