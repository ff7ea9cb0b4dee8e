package dev.nabla.cpu;

import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

/** Registers the {@code cpu} backend: always available, priority 10 (GPU backends rank above it). */
public final class CpuProvider implements BackendProvider {
    @Override
    public String name() {
        return CpuBackend.NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Probe probe() {
        int cores = Runtime.getRuntime().availableProcessors();
        CpuPath path = CpuPath.detect();
        return Probe.available((path == CpuPath.VECTOR ? "Vector API" : "plain Java (" + CpuPath.reason() + ")")
                + ", " + cores + " thread" + (cores == 1 ? "" : "s"));
    }

    @Override
    public ComputeBackend create() {
        return new CpuBackend();
    }
}
