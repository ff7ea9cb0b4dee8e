package dev.nabla.contract;

import dev.nabla.Backend;

/**
 * The contract run on the reference itself. It checks the reference's primitives against their definitions and its
 * plumbing (shapes, aliasing, zero sizes), but not its fused ops: on the reference, "backend", "reference" and
 * "composition" are all the SPI's default compositions (FusedDefaults), compared with themselves. Those are proved
 * against the math written out as plain loops in {@link ReferenceFusedFormulasTest}.
 */
class ReferenceBackendContractTest extends BackendContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
