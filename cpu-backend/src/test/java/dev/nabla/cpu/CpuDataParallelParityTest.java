package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.DataParallelParityContract;

/**
 * DataParallel on 1, 2 and 3 cpu backends that share the machine's cores (each with cores / 3 threads, at least one)
 * against one cpu backend on every core: same loss, gradients and 50-step trajectories under the tolerance rule;
 * the replicas' threads and each backend's own threads run at once.
 */
class CpuDataParallelParityTest extends DataParallelParityContract {
    static int threadsPerBackend() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / MAX_REPLICAS);
    }

    @Override
    protected Backend createReplicaBackend(int index) {
        return Backend.wrap(new CpuBackend(CpuPath.detect(), threadsPerBackend()), true);
    }

    @Override
    protected Backend createBaseline() {
        return Backend.wrap(new CpuBackend(CpuPath.detect(), Runtime.getRuntime().availableProcessors()), true);
    }
}
