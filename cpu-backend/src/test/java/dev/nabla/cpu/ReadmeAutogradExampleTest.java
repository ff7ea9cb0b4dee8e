package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.io.Idx;
import dev.nabla.module.Linear;
import dev.nabla.module.ReLU;
import dev.nabla.module.Residual;
import dev.nabla.module.Sequential;
import dev.nabla.optim.AdamW;
import dev.nabla.optim.CosineAnnealingLR;
import dev.nabla.optim.GradClip;
import dev.nabla.optim.LinearWarmup;
import dev.nabla.optim.LrScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README's autograd example, verbatim but for the asserts, the cpu backend and the weights file in a temporary folder:
 * if this breaks, the README is wrong. Needs Fashion-MNIST (a missing dataset fails on CI instead of skipping).
 */
@ExtendWith(NoSkipOnCi.class)
class ReadmeAutogradExampleTest {

    @Test
    void theAutogradExampleTrainsAResidualMlp(@TempDir Path tmp) throws Exception {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed in "
                + dir + " (apt-get install dataset-fashion-mnist)");
        Backend backend = Backends.get("cpu");
        long live = backend.stats().liveTensors();
        double accuracy;
        try (Scope scope = backend.scope();
             Sequential model = new Sequential(
                     new Linear(784, 256, backend, 1), new ReLU(),
                     new Residual(new Sequential(new Linear(256, 256, backend, 2), new ReLU())),
                     new Linear(256, 10, backend, 3));
             AdamW opt = new AdamW(model.parameters(), 1e-3)) {
            assertEquals(java.util.List.of("0.weight", "0.bias", "2.inner.0.weight", "2.inner.0.bias", "3.weight",
                    "3.bias"), java.util.List.copyOf(model.parameters().keySet()));
            Tensor x = Idx.images(dir.resolve("train-images-idx3-ubyte.gz"), backend);
            Tensor y = Idx.labels(dir.resolve("train-labels-idx1-ubyte.gz"), backend);
            Tensor testX = Idx.images(dir.resolve("t10k-images-idx3-ubyte.gz"), backend);
            Tensor testY = Idx.labels(dir.resolve("t10k-labels-idx1-ubyte.gz"), backend);
            LrScheduler schedule = new LrScheduler(opt, new LinearWarmup(100, new CosineAnnealingLR(369, 0)));

            try (DataLoader train = DataLoader.of(x, y, 128).classes(10).shuffle(7)) {
                for (Batch b : train.epoch(0)) {
                    try (Graph g = Graph.record(backend)) {
                        Var logits = model.forward(Var.constant(b.features()));
                        logits.crossEntropyWithLogits(b.targets()).backward();
                    }
                    GradClip.clipGradNorm(model.parameters(), 5.0);
                    opt.step();
                    opt.zeroGrad();
                    schedule.step();
                }
            }
            model.eval();
            try (Graph g = Graph.noGrad(backend)) {
                Tensor predicted = model.forward(Var.constant(testX)).value().argmaxRows();
                accuracy = predicted.eq(testY).cast(DType.FLOAT32).mean().item();
                System.out.printf("test accuracy %.2f%%%n", 100 * accuracy);
            }
            model.save(tmp.resolve("residual.safetensors"));
        }
        assertTrue(accuracy > 0.82, "one epoch of the residual MLP: " + accuracy);
        assertEquals(live, backend.stats().liveTensors(), "nothing left allocated");
    }
}
