package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.contract.OptimizerChoice;
import dev.nabla.contract.ParityContract;
import dev.nabla.contract.ReferenceBackend;

/**
 * The parity suite on the plain-Java path against the float64 reference: its own kernels (the column sum, the
 * products, softmax) get the same shaped random networks and optimizer runs as the Vector path. 30 networks and
 * one 50-step run per optimizer choice: the plain path and the reference both run plain loops (the first 30 draws
 * hold every {@link dev.nabla.contract.RandomNetworkSpec.Shape} and two large-logit softmaxes).
 */
class CpuScalarParityTest extends ParityContract {
    @Override
    protected int networks() {
        return 30;
    }

    @Override
    protected int trainedNetworks() {
        return OptimizerChoice.values().length;
    }

    @Override
    protected Backend createBackend() {
        return Backend.wrap(new CpuBackend(CpuPath.SCALAR, Runtime.getRuntime().availableProcessors()));
    }

    @Override
    protected Backend createBaseline() {
        return Backend.wrap(new ReferenceBackend());
    }
}
