package dev.nabla.contract;

import dev.nabla.Backend;

/** The aliasing contract on the reference itself, whose fused ops are the SPI's default compositions. */
class ReferenceAliasTest extends AliasContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
