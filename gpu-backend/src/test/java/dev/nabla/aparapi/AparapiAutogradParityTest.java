package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.AutogradParityContract;

/** Autograd parity (issue 14) on the aparapi backend (PoCL on CI) against the float64 reference. */
class AparapiAutogradParityTest extends AutogradParityContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
