package dev.nabla;

import java.util.Map;

/**
 * Counters of one backend since it was created: tensors alive and created, bytes moved between host and device
 * through the tensor API, the bytes of the tensors' device buffers, and the backend's own counters (e.g. OpenCL
 * device buffer creations).
 *
 * <p>The tensor byte counters count element bytes (elements × {@link DType#bytes()}: 2 for BFLOAT16 and FLOAT16, 4
 * for FLOAT32 and INT32, 8 for FLOAT64) of every tensor created through the {@link Backend}, not what a backend's
 * allocator rounds them up to or keeps pooled. Views allocate nothing.
 *
 * @param liveTensors tensors created and not yet released
 * @param tensorsCreated tensors created since the backend was
 * @param hostToDeviceBytes bytes uploaded through the tensor API
 * @param deviceToHostBytes bytes read back through the tensor API
 * @param backendCounters the backend's own counters by name
 * @param tensorBytesAllocated element bytes of every tensor created since the backend was (never decreases)
 * @param liveTensorBytes element bytes of the tensors alive now
 * @param peakLiveTensorBytes the largest {@code liveTensorBytes} has been
 */
public record BackendStats(long liveTensors, long tensorsCreated, long hostToDeviceBytes, long deviceToHostBytes,
                           Map<String, Long> backendCounters, long tensorBytesAllocated, long liveTensorBytes,
                           long peakLiveTensorBytes) {

    /**
     * A backend counter by name, 0 when the backend does not keep it.
     *
     * @param name the counter's name
     * @return its value, or 0
     */
    public long counter(String name) {
        return backendCounters.getOrDefault(name, 0L);
    }
}
