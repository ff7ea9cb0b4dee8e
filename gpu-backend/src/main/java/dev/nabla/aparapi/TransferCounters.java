package dev.nabla.aparapi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the aparapi backend asked Aparapi to move and create, for {@code ComputeBackend.counters()}:
 * <ul>
 *   <li>{@code hostToDeviceBytes}: explicit {@code put}s of staging windows, plus the initial copy of every array
 *       bound to the kernel (Aparapi creates device buffers with {@code CL_MEM_COPY_HOST_PTR});</li>
 *   <li>{@code deviceToHostBytes}: explicit {@code get}s of staging windows, and of the whole arena when it grows;</li>
 *   <li>{@code deviceBuffersCreated}: arrays bound to a kernel field (arena, staging windows), each one device buffer;</li>
 *   <li>{@code kernelLaunches}: executes, each verified to have run on the device;</li>
 *   <li>{@code arenaGrowths}: times an arena was enlarged (a full round trip through the host).</li>
 * </ul>
 * Bytes are whole windows: a 10-element read through a 256-element window counts 256 elements. On the Java thread
 * pool (opt-in) nothing moves and only launches are counted.
 */
final class TransferCounters {
    final AtomicLong hostToDeviceBytes = new AtomicLong();
    final AtomicLong deviceToHostBytes = new AtomicLong();
    final AtomicLong deviceBuffersCreated = new AtomicLong();
    final AtomicLong kernelLaunches = new AtomicLong();
    final AtomicLong arenaGrowths = new AtomicLong();

    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("hostToDeviceBytes", hostToDeviceBytes.get());
        m.put("deviceToHostBytes", deviceToHostBytes.get());
        m.put("deviceBuffersCreated", deviceBuffersCreated.get());
        m.put("kernelLaunches", kernelLaunches.get());
        m.put("arenaGrowths", arenaGrowths.get());
        return Collections.unmodifiableMap(m);
    }
}
