package dev.nabla;

import dev.nabla.spi.DeviceBuffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The releasable part of a tensor: its buffer and whether it was released. It holds no reference to the Tensor, so
 * it can be the tensor's {@link java.lang.ref.Cleaner} action: a tensor that is garbage-collected without being
 * closed still gives its buffer back. The buffer is released exactly once, by whichever comes first: the tensor's
 * {@code close()} (or its scope's), its backend closing, or the cleaner. Leak detection tells the last two apart
 * from the first.
 */
final class TensorState implements Runnable {
    /** Who released the buffer. */
    enum Release {
        /** Tensor.close(), directly or through a scope: not a leak */
        CLOSED,
        /** the backend closed while the tensor was open */
        BACKEND_CLOSED,
        /** the cleaner, after the tensor became unreachable unclosed */
        COLLECTED
    }

    private final Backend backend;
    private final DeviceBuffer buffer;
    private final AtomicBoolean released = new AtomicBoolean();
    /** Set by Tensor.close() just before it runs the cleanable, so that {@link #run()} knows it was not the GC. */
    private volatile boolean closing;
    /** Where and by which thread the tensor was created; recorded only when leak detection is on, else null. */
    final CreationSite creationSite;
    final String label;
    /** The backend's count of tensors created before this one: orders leak reports by creation. */
    final long sequence;
    /** Elements × element bytes of the tensor (not of what the allocator rounded the buffer up to). */
    final long bytes;

    TensorState(Backend backend, DeviceBuffer buffer, String label, long sequence, CreationSite creationSite,
                long bytes) {
        this.backend = backend;
        this.bytes = bytes;
        this.sequence = sequence;
        this.buffer = buffer;
        this.label = label;
        this.creationSite = creationSite;
    }

    /**
     * For an INT32 buffer: bounds every element is known to lie within, or null when unknown (after a cast, or for an
     * empty tensor). Index checks use it so that gathering by device-resident indices reads nothing back.
     */
    private volatile IntRange intRange;

    DeviceBuffer buffer() {
        return buffer;
    }

    IntRange intRange() {
        return intRange;
    }

    void setIntRange(IntRange range) {
        intRange = range;
    }

    boolean isReleased() {
        return released.get();
    }

    /** Called by Tensor.close() before it cleans: the release that follows is a close, not a collection. */
    void markClosing() {
        closing = true;
    }

    /** The cleaner's action: runs on Tensor.close() (after {@link #markClosing()}) or after garbage collection. */
    @Override
    public void run() {
        release(closing ? Release.CLOSED : Release.COLLECTED);
    }

    /** Releases the buffer if nobody did yet; returns whether this call did. */
    boolean release(Release how) {
        if (released.compareAndSet(false, true)) {
            backend.releaseTensorBuffer(this, how);
            return true;
        }
        return false;
    }
}
