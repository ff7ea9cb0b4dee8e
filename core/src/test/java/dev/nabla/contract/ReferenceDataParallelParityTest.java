package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;

/**
 * DataParallel on 1, 2 and 3 float64 reference backends against one: only the order of the sums differs, so any
 * error in the sharding, the weighting n_i/N, the optimizer's state or the broadcast shows far above the tolerance.
 */
class ReferenceDataParallelParityTest extends DataParallelParityContract {
    @Override
    protected Backend createReplicaBackend(int index) {
        return Backend.wrap(new ReferenceBackend(), true);
    }

    /** The reference keeps FLOAT32 values in float64: only FLOAT64 reads back what it holds. */
    @Override
    protected DType bitExactDType() {
        return DType.FLOAT64;
    }

    @Override
    protected Backend createBaseline() {
        return Backend.wrap(new ReferenceBackend(), true);
    }
}
