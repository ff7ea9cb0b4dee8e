package dev.nabla.contract;

import dev.nabla.Backend;

/** Mixed-precision training on the float64 reference (16-bit values stored exactly, float64 arithmetic). */
class ReferenceMixedPrecisionTest extends MixedPrecisionContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
