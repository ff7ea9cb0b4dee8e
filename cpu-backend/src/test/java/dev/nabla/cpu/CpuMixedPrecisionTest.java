package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.MixedPrecisionContract;

/** Mixed-precision training on cpu (the path the JVM has: Vector API when the module is present). */
class CpuMixedPrecisionTest extends MixedPrecisionContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend());
    }
}
