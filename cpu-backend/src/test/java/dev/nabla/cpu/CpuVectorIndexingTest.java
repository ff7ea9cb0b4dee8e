package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.IndexingContract;

/** The indexing contract (issue 13) on the Vector API path, on every core. */
class CpuVectorIndexingTest extends IndexingContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.VECTOR, Runtime.getRuntime().availableProcessors()));
    }
}
