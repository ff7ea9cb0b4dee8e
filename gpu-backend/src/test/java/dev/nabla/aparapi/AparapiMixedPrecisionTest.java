package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.MixedPrecisionContract;

/**
 * Mixed-precision training on aparapi: its gemm takes 16-bit inputs (FloatKernel.gemmHalves), so the contract trains
 * (it checks the refusal only where a backend has no such gemm).
 */
class AparapiMixedPrecisionTest extends MixedPrecisionContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
