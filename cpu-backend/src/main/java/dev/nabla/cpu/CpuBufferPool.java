package dev.nabla.cpu;

import dev.nabla.DType;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.SoftReference;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Released cpu buffers kept for reuse, by exact dtype and length: a training loop that allocates the same
 * intermediates and gradients every step (autograd does) gets its arrays back instead of a fresh, zeroed,
 * garbage-collected array each time. The opencl backend's {@code BufferPool} does the same for device memory.
 *
 * <p>Only buffers of at least {@link #MIN_BYTES} are kept: below that, the kept entry (a soft reference and a queue
 * node, about 70 bytes) would cost as much as the array. Small buffers are pooled too, because a step's small
 * intermediates (a softmax's row statistics and loss terms at batch 256: 1 KiB and 10 KiB) were most of what a
 * 784-256-10 training step allocated on the Java heap (21 of 31 KB; 10 KB with them pooled). At most {@code capacityBytes} are kept in all; a release beyond that leaves the buffer to the garbage
 * collector. Kept buffers are held by soft references, so the collector may still take them back before the heap
 * runs out; {@link #clear()} drops them all (done before an allocation is retried after OutOfMemoryError).
 * A reused buffer's contents are whatever was last written: the SPI's {@code allocate} promises nothing more.
 * Thread-safe.
 */
final class CpuBufferPool {
    /** Buffers smaller than this are not kept (see the class comment). */
    static final long MIN_BYTES = 256;

    private final long capacityBytes;
    private volatile boolean closed;
    private final Map<Long, Deque<Kept>> free = new ConcurrentHashMap<>();
    private final ReferenceQueue<CpuBuffer> collected = new ReferenceQueue<>();
    private final AtomicLong pooledBytes = new AtomicLong();
    private final AtomicLong reused = new AtomicLong();

    /** A kept buffer, softly: its size stays known after the collector cleared it. */
    private static final class Kept extends SoftReference<CpuBuffer> {
        final long key;
        final long bytes;

        Kept(CpuBuffer buffer, long key, long bytes, ReferenceQueue<CpuBuffer> queue) {
            super(buffer, queue);
            this.key = key;
            this.bytes = bytes;
        }
    }

    /**
     * A pool that keeps at most {@code capacityBytes}.
     *
     * @param capacityBytes the most bytes kept; 0 keeps nothing
     */
    CpuBufferPool(long capacityBytes) {
        this.capacityBytes = Math.max(0, capacityBytes);
    }

    private static long key(DType dtype, int length) {
        return ((long) length << 8) | dtype.ordinal();
    }

    /** A kept buffer of exactly {@code dtype} and {@code length}, or null when there is none. */
    CpuBuffer take(DType dtype, int length) {
        long bytes = (long) length * dtype.bytes();
        if (bytes < MIN_BYTES || capacityBytes == 0) {
            return null;
        }
        drainCollected();
        Deque<Kept> list = free.get(key(dtype, length));
        if (list == null) {
            return null;
        }
        for (Kept k = list.pollLast(); k != null; k = list.pollLast()) {
            pooledBytes.addAndGet(-k.bytes);
            CpuBuffer b = k.get();
            k.clear();                      // off the queue's books: its bytes are already subtracted
            if (b != null) {
                reused.incrementAndGet();
                return b;
            }
        }
        return null;
    }

    /** Keeps {@code buffer} for reuse when it is large enough and there is room; otherwise leaves it to the GC. */
    void give(CpuBuffer buffer) {
        long bytes = buffer.length() * buffer.dtype().bytes();
        if (bytes < MIN_BYTES || capacityBytes == 0 || closed) {
            return;
        }
        drainCollected();
        if (pooledBytes.addAndGet(bytes) > capacityBytes) {
            pooledBytes.addAndGet(-bytes);
            return;
        }
        long key = key(buffer.dtype(), (int) buffer.length());
        free.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).addLast(new Kept(buffer, key, bytes,
                collected));
    }

    /** Drops every kept buffer and keeps none from now on (the backend closed). */
    void close() {
        closed = true;
        clear();
    }

    /** Drops every kept buffer. */
    void clear() {
        for (Deque<Kept> list : free.values()) {
            for (Kept k = list.pollLast(); k != null; k = list.pollLast()) {
                pooledBytes.addAndGet(-k.bytes);
                k.clear();
            }
        }
        drainCollected();
    }

    /** Forgets the buffers the collector took back, so that their bytes no longer count against the capacity. */
    private void drainCollected() {
        for (Reference<? extends CpuBuffer> r = collected.poll(); r != null; r = collected.poll()) {
            Kept k = (Kept) r;
            Deque<Kept> list = free.get(k.key);
            if (list != null && list.remove(k)) {
                pooledBytes.addAndGet(-k.bytes);
            }
        }
    }

    /** Bytes kept now (buffers the collector took back may still count until the next take or give). */
    long pooledBytes() {
        return pooledBytes.get();
    }

    /** Allocations served from the pool so far. */
    long reused() {
        return reused.get();
    }
}
