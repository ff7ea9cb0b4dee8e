package dev.nabla.bench.fakes;

import dev.nabla.contract.ReferenceBackend;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

/**
 * A second available backend for this module's tests (registered in the test class path only): the float64
 * reference under the name {@code twin}, lowest priority. With it the commands run their several-backend paths
 * (a bench row relative to cpu, parity pairs, JMH over two backends) on a machine without a GPU.
 */
public final class TwinProvider implements BackendProvider {
    @Override
    public String name() {
        return "twin";
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public Probe probe() {
        return Probe.available("test twin: the float64 reference backend");
    }

    @Override
    public ComputeBackend create() {
        return new ReferenceBackend();
    }
}
