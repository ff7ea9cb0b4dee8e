package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.BadInputContract;
import dev.nabla.cpu.CpuBackend;

/**
 * The bad-input matrix and the edge inputs ({@code EdgeCases}, with the non-finite and overflow cases) on the aparapi
 * backend; the mixed-backend cases mix in cpu tensors.
 */
class AparapiBadInputTest extends BadInputContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }

    @Override
    protected Backend createOtherBackend() {
        return Backend.wrap(new CpuBackend());
    }
}
