package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.DataLoaderContract;

/** The device-resident data path on cpu (the Vector API path when the module is present). */
class CpuDataLoaderTest extends DataLoaderContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend());
    }
}
