package dev.nabla.optim;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.contract.OptimizerResumeContract;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** 10 steps, save, load into a fresh model and optimizer, 10 more = 20 straight, bit for bit, on the reference. */
class ResumeTest {
    @TempDir
    Path dir;

    private final Backend be = Backend.wrap(new ReferenceBackend());

    @Test
    void sgdNesterovWithWarmupAndCosine() throws IOException {
        new OptimizerResumeContract(be, DType.FLOAT64, ps -> new SGD(ps, 0.1, 0.9, 0.0, 1e-3, true),
                opt -> new LrScheduler(opt, new LinearWarmup(3, new CosineAnnealingLR(12, 0.0)))).run(dir, 10);
    }

    @Test
    void sgdMomentumWithStepLr() throws IOException {
        new OptimizerResumeContract(be, DType.FLOAT64, ps -> new SGD(ps, 0.1, 0.9, 0.1, 1e-3, false),
                opt -> new LrScheduler(opt, new StepLR(4, 0.5))).run(dir, 10);
    }

    @Test
    void adam() throws IOException {
        new OptimizerResumeContract(be, DType.FLOAT64, ps -> new Adam(ps, 0.01, 0.9, 0.999, 1e-8, 1e-2),
                opt -> new LrScheduler(opt, new StepLR(5, 0.5))).run(dir, 10);
    }

    /** FLOAT64 only: the reference keeps FLOAT32 tensors unrounded in doubles, which a F32 file cannot hold. */
    @Test
    void adamW() throws IOException {
        new OptimizerResumeContract(be, DType.FLOAT64, ps -> new AdamW(ps, 0.01),
                opt -> new LrScheduler(opt, new LinearWarmup(4))).run(dir, 10);
    }
}
