package dev.nabla.opencl;

import dev.nabla.DType;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_context;
import org.jocl.cl_mem;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Device buffers by size bucket. A request is rounded up to the next bucket (256 B, then powers of two and their
 * midpoints 1.5·2ᵏ, so at most a third is wasted) and served from that bucket's free list when it can; released
 * buffers go back to their list. So once a training step has run, the next one creates no device buffers.
 * When the device runs out of memory the free lists are emptied and the allocation is tried once more.
 * Not thread-safe: the backend serialises calls.
 */
final class BufferPool {
    static final long MIN_BUCKET = 256;

    private final cl_context context;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    private final List<cl_mem> all = new ArrayList<>();   // every buffer created and not yet released, creation order
    private long created;
    private long reused;
    private long releasedToDevice;
    private long pooledBytes;
    private long liveBytes;

    BufferPool(cl_context context) {
        this.context = context;
    }

    /** The bucket a request of {@code bytes} is served from. */
    static long bucket(long bytes) {
        if (bytes <= MIN_BUCKET) {
            return MIN_BUCKET;
        }
        long pow = Long.highestOneBit(bytes);
        if (pow == bytes) {
            return bytes;
        }
        long mid = pow + (pow >> 1);
        return bytes <= mid ? mid : pow << 1;
    }

    ClBuffer acquire(DType dtype, long length) {
        long capacity = bucket(length * dtype.bytes());
        ArrayDeque<cl_mem> list = free.get(capacity);
        cl_mem mem = list == null ? null : list.pollLast();
        if (mem != null) {
            reused++;
            pooledBytes -= capacity;
        } else {
            mem = create(capacity);
        }
        liveBytes += capacity;
        return new ClBuffer(mem, capacity, dtype, length);
    }

    void release(ClBuffer buffer) {
        if (buffer.released) {
            return;
        }
        buffer.released = true;
        liveBytes -= buffer.capacityBytes;
        pooledBytes += buffer.capacityBytes;
        free.computeIfAbsent(buffer.capacityBytes, k -> new ArrayDeque<>()).addLast(buffer.mem);
    }

    private cl_mem create(long capacity) {
        boolean injected = FaultInjection.takeAllocationFault();
        try {
            return createOnce(capacity, injected);
        } catch (CLException e) {
            if (!ClErrors.isOutOfMemory(e) || pooledBytes == 0) {
                throw ClErrors.translate("allocating " + capacity + " bytes", e);
            }
            drain();
            try {
                return createOnce(capacity, injected);
            } catch (CLException again) {
                throw ClErrors.translate("allocating " + capacity + " bytes (after emptying the pool)", again);
            }
        }
    }

    private cl_mem createOnce(long capacity, boolean injectFailure) {
        if (injectFailure) {
            throw new CLException("injected: clCreateBuffer(" + capacity + " bytes)", CL.CL_MEM_OBJECT_ALLOCATION_FAILURE);
        }
        cl_mem mem = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, capacity, null, null);
        created++;
        all.add(mem);
        return mem;
    }

    /** Gives every pooled (free) buffer back to the device. */
    void drain() {
        for (ArrayDeque<cl_mem> list : free.values()) {
            for (cl_mem mem : list) {
                CL.clReleaseMemObject(mem);
                all.remove(mem);
                releasedToDevice++;
            }
            list.clear();
        }
        pooledBytes = 0;
    }

    long created() {
        return created;
    }

    long reused() {
        return reused;
    }

    long releasedToDevice() {
        return releasedToDevice;
    }

    long pooledBytes() {
        return pooledBytes;
    }

    long liveBytes() {
        return liveBytes;
    }

    /** Releases every device buffer, newest first. */
    void close() {
        for (int i = all.size() - 1; i >= 0; i--) {
            CL.clReleaseMemObject(all.get(i));
            releasedToDevice++;
        }
        all.clear();
        free.clear();
    }
}
