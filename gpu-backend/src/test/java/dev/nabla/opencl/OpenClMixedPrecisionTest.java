package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.MixedPrecisionContract;

/** Mixed-precision training on opencl (halfgemm.cl; PoCL on CI). */
class OpenClMixedPrecisionTest extends MixedPrecisionContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }
}
