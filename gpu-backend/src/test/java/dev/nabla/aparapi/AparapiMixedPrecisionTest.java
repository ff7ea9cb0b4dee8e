package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.MixedPrecisionContract;

/** aparapi has no gemm on 16-bit inputs: mixed precision is refused by name at build. */
class AparapiMixedPrecisionTest extends MixedPrecisionContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }
}
