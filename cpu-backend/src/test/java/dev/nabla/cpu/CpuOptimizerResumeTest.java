package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.contract.OptimizerResumeContract;
import dev.nabla.optim.Adam;
import dev.nabla.optim.AdamW;
import dev.nabla.optim.CosineAnnealingLR;
import dev.nabla.optim.LinearWarmup;
import dev.nabla.optim.LrScheduler;

import dev.nabla.optim.SGD;
import dev.nabla.optim.StepLR;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Optimizer state on cpu: 10 steps, save (model, optimizer and scheduler in one safetensors file), load into a fresh
 * model and optimizer, 10 more steps = 20 steps straight, bit for bit, in FLOAT32 and FLOAT64, for SGD (momentum
 * through the fused step; Nesterov composed), Adam and AdamW.
 */
class CpuOptimizerResumeTest {
    private static Backend be;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        be = Backend.wrap(new CpuBackend());
    }

    @AfterAll
    static void close() {
        be.close();
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void sgdMomentum(DType dtype) throws IOException {
        new OptimizerResumeContract(be, dtype, ps -> new SGD(ps, 0.1, 0.9, 0.0, 1e-3, false),
                opt -> new LrScheduler(opt, new StepLR(4, 0.5))).run(dir, 10);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void sgdNesterov(DType dtype) throws IOException {
        new OptimizerResumeContract(be, dtype, ps -> new SGD(ps, 0.1, 0.9, 0.0, 1e-3, true),
                opt -> new LrScheduler(opt, new LinearWarmup(3, new CosineAnnealingLR(12, 0.0)))).run(dir, 10);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void adam(DType dtype) throws IOException {
        new OptimizerResumeContract(be, dtype, ps -> new Adam(ps, 0.01, 0.9, 0.999, 1e-8, 1e-2),
                opt -> new LrScheduler(opt, new StepLR(5, 0.5))).run(dir, 10);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void adamW(DType dtype) throws IOException {
        new OptimizerResumeContract(be, dtype, ps -> new AdamW(ps, 0.01),
                opt -> new LrScheduler(opt, new LinearWarmup(4, new CosineAnnealingLR(16, 1e-4)))).run(dir, 10);
    }
}
