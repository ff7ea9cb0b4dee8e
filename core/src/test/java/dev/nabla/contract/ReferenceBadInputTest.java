package dev.nabla.contract;

import dev.nabla.Backend;

/** The bad-input matrix and the edge inputs on the float64 reference (the other backend is a second reference). */
class ReferenceBadInputTest extends BadInputContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new ReferenceBackend());
    }
}
