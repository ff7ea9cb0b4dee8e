package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.IndexingContract;

/** The indexing contract (issue 13) on the plain-Java path, on every core. */
class CpuScalarIndexingTest extends IndexingContract {
    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors()));
    }
}
