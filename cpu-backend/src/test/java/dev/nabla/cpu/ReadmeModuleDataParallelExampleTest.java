package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.io.Idx;
import dev.nabla.module.Linear;
import dev.nabla.module.ReLU;
import dev.nabla.module.Sequential;
import dev.nabla.optim.AdamW;
import dev.nabla.parallel.ModuleDataParallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README's ModuleDataParallel example (under "Several devices"), verbatim but for the asserts: if this breaks, the
 * README is wrong. It needs the dataset (on CI a missing dataset fails the test instead of skipping it).
 */
@ExtendWith(NoSkipOnCi.class)
class ReadmeModuleDataParallelExampleTest {

    @Test
    void twoBackendsTrainOneModuleModelOnFashionMnist() throws Exception {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed in "
                + dir + " (apt-get install dataset-fashion-mnist)");
        double[] last = new double[1];
        try (Backend first = Backends.create("cpu"); Backend second = Backends.create("cpu"); Scope scope = first.scope()) {
            Tensor x = Idx.images(dir.resolve("train-images-idx3-ubyte.gz"), first);
            Tensor y = Idx.labels(dir.resolve("train-labels-idx1-ubyte.gz"), first);
            try (Sequential model = new Sequential(new Linear(784, 256, first, 1), new ReLU(), new Linear(256, 10, first, 2));
                 ModuleDataParallel dp = ModuleDataParallel.of(model, List.of(first, second));
                 AdamW opt = new AdamW(model.parameters(), 1e-3);
                 DataLoader train = DataLoader.of(x, y, 128).classes(10).shuffle(7)) {
                double loss = 0;
                for (Batch b : train.epoch(0)) {
                    loss = dp.trainStep(b.features(), b.targets(), (out, t) -> out.crossEntropyWithLogits(t), opt);
                }
                System.out.printf("last batch's loss %.3f%n", loss);
                last[0] = loss;
                var p0 = model.parameters();
                var p1 = dp.replica(1).parameters();
                for (String name : p0.keySet()) {
                    assertArrayEquals(p0.get(name).value().toFloatArray(), p1.get(name).value().toFloatArray(),
                            "both replicas hold the same " + name);
                }
            }
            assertEquals(0, second.stats().liveTensors(), "closing the ModuleDataParallel freed replica 1");
        }
        assertTrue(last[0] > 0 && last[0] < 0.8, "one epoch of AdamW over two backends: the last batch's loss is "
                + last[0]);
    }
}
