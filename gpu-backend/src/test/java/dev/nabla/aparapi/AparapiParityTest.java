package dev.nabla.aparapi;

import dev.nabla.Backend;
import dev.nabla.contract.ParityContract;
import dev.nabla.cpu.CpuBackend;

/** 200 random networks and 15 runs of 50 steps (every optimizer option): aparapi against cpu, one tolerance rule. */
class AparapiParityTest extends ParityContract {
    @Override
    protected Backend createBackend() {
        return AparapiTestBackends.fresh();
    }

    @Override
    protected Backend createBaseline() {
        return Backend.wrap(new CpuBackend());
    }
}
