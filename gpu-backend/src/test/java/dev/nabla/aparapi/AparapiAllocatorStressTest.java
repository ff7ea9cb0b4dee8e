package dev.nabla.aparapi;

import dev.nabla.Backends;
import dev.nabla.contract.AllocatorStressContract;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The allocator stress on the aparapi backend: its tensors are ranges of one arena per dtype ({@link Arena}), which
 * handed out overlapping ranges after about 34 operations before issue 12; the huge tensor makes the arena grow
 * under live tensors.
 */
class AparapiAllocatorStressTest extends AllocatorStressContract {
    @Override
    protected ComputeBackend createCompute() {
        Probe probe = Backends.probe(AparapiBackend.NAME);
        assumeTrue(probe.ok(), "aparapi is unavailable here: " + probe.reason());
        return AparapiBackend.create();
    }
}
