package dev.nabla.contract;

import dev.nabla.spi.ComputeBackend;

/** The thread-safety contract on the float64 reference: core's own state (scopes, registry, networks) under threads. */
class ReferenceConcurrencyTest extends ConcurrencyContract {
    @Override
    protected ComputeBackend createCompute() {
        return new ReferenceBackend();
    }
}
