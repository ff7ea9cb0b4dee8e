package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.IndexingContract;

/** INT32 tensors, casts, strided copies, gathers, scatters, argmax, one-hot, comparisons and where on opencl. */
class OpenClIndexingTest extends IndexingContract {
    @Override
    protected Backend createBackend() {
        return OpenClTests.freshBackend();
    }
}
