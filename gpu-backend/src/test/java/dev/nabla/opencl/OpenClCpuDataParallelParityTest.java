package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.contract.DataParallelParityContract;
import dev.nabla.cpu.CpuBackend;
import dev.nabla.cpu.CpuPath;

/**
 * DataParallel across kinds of backend: replica 0 on opencl (where the batch lives, as a DataLoader on a GPU would
 * keep it), replicas 1 and 2 on cpu backends, against one cpu backend. k = 1 is opencl alone (bit for bit with its
 * own trainStep), k = 2 and 3 mix the two: every shard of a cpu replica travels opencl → host → cpu, the weights
 * come back the other way, and every replica still holds bit for bit the same weights after each step.
 */
class OpenClCpuDataParallelParityTest extends DataParallelParityContract {
    @Override
    protected Backend createReplicaBackend(int index) {
        if (index == 0) {
            return OpenClTests.freshBackend();
        }
        return Backend.wrap(new CpuBackend(CpuPath.detect(), Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
    }

    @Override
    protected Backend createBaseline() {
        return Backend.wrap(new CpuBackend());
    }
}
