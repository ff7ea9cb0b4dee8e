package dev.nabla;

import java.util.Map;

/**
 * Counters of one backend since it was created: tensors alive and created, bytes moved between host and device
 * through the tensor API, and the backend's own counters (e.g. OpenCL device buffer creations).
 */
public record BackendStats(long liveTensors, long tensorsCreated, long hostToDeviceBytes, long deviceToHostBytes,
                           Map<String, Long> backendCounters) {

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
