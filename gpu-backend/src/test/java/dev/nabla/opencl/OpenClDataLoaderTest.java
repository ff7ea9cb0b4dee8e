package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.DataLoaderContract;

/**
 * The device-resident data path on opencl: a training epoch fed by the DataLoader moves 0 bytes between host and
 * device, by Nabla's count and by the OpenCL backend's own transfer counters; predict, evaluate and load.
 */
class OpenClDataLoaderTest extends DataLoaderContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }
}
