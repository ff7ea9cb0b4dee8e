package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.io.Idx;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Evaluation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.nn.PrecisionStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README's "Mixed precision" example, verbatim but for the asserts: if this breaks, the README is wrong. It needs the
 * dataset (scripts/setup.sh installs it; on CI a missing dataset fails the test instead of skipping it).
 */
@ExtendWith(NoSkipOnCi.class)
class ReadmeMixedPrecisionExampleTest {

    @Test
    void aBfloat16NetworkTrainsOnBfloat16FashionMnist() throws Exception {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed in "
                + dir + " (apt-get install dataset-fashion-mnist)");
        Evaluation[] result = new Evaluation[1];
        List<?>[] storage = new List<?>[1];
        PrecisionStats[] stats = new PrecisionStats[1];
        Backend[] held = new Backend[1];
        try (Backend backend = Backends.create("cpu");                // opencl and aparapi too
             Scope scope = backend.scope()) {
            held[0] = backend;
            Tensor x = Idx.images(dir.resolve("train-images-idx3-ubyte.gz"), backend).cast(DType.BFLOAT16); // 94 MB, not 188
            Tensor y = Idx.labels(dir.resolve("train-labels-idx1-ubyte.gz"), backend);
            Tensor testX = Idx.images(dir.resolve("t10k-images-idx3-ubyte.gz"), backend).cast(DType.BFLOAT16);
            Tensor testY = Idx.labels(dir.resolve("t10k-labels-idx1-ubyte.gz"), backend);
            assertEquals(DType.BFLOAT16, x.dtype());
            try (Network net = Network.builder()
                         .input(784).dense(256, Activation.RELU).dense(10, Activation.SOFTMAX)
                         .loss(Loss.CROSS_ENTROPY).precision(DType.BFLOAT16).seed(42).build(backend);
                 Optimizer adam = Optimizers.adam(1e-3);
                 DataLoader train = DataLoader.of(x, y, 128).classes(10).shuffle(42);
                 DataLoader test = DataLoader.of(testX, testY, 1000)) {
                for (Batch b : train.epoch(0)) {
                    net.trainStep(b.features(), b.targets(), adam);    // BFLOAT16 batches, FLOAT32 weights
                }
                System.out.println(net.evaluate(test));
                System.out.println(net.activationStorage());            // [BFLOAT16, FLOAT32]: hidden layer, output layer
                System.out.println(net.precisionStats());               // steps taken; with FLOAT16 also the loss scale and skips
                result[0] = net.evaluate(test);
                storage[0] = net.activationStorage();
                stats[0] = net.precisionStats();
                assertEquals(DType.FLOAT32, net.dtype(), "the master weights stay FLOAT32");
            }
        }
        assertTrue(held[0].isClosed());
        assertEquals(List.of(DType.BFLOAT16, DType.FLOAT32), storage[0]);
        assertEquals(DType.BFLOAT16, stats[0].precision());
        assertEquals(469, stats[0].steps(), "one step per batch of 128 over 60000 rows");
        assertEquals(0, stats[0].skippedSteps(), "BFLOAT16 is not scaled and skips nothing");
        assertEquals(10000, result[0].count());
        assertTrue(result[0].accuracy() > 0.8, "one epoch of Adam in BFLOAT16 reaches about 83%: " + result[0]);
    }
}
