package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
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
import dev.nabla.parallel.DataParallel;
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
 * README's "Several devices" example, verbatim but for the asserts: if this breaks, the README is wrong. It needs
 * the dataset (scripts/setup.sh installs it; on CI a missing dataset fails the test instead of skipping it).
 */
@ExtendWith(NoSkipOnCi.class)
class ReadmeDataParallelExampleTest {

    @Test
    void twoBackendsTrainOneNetworkOnFashionMnist() throws Exception {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed in "
                + dir + " (apt-get install dataset-fashion-mnist)");
        Evaluation[] result = new Evaluation[1];
        Backend[] both = new Backend[2];
        try (Backend first = Backends.create("cpu");                   // on a GPU machine, e.g. opencl here
             Backend second = Backends.create("cpu");                  // and the cpu backend as a second device
             Scope scope = first.scope()) {
            both[0] = first;
            both[1] = second;
            Tensor x = Idx.images(dir.resolve("train-images-idx3-ubyte.gz"), first);   // the data lives on replica 0
            Tensor y = Idx.labels(dir.resolve("train-labels-idx1-ubyte.gz"), first);
            Tensor testX = Idx.images(dir.resolve("t10k-images-idx3-ubyte.gz"), first);
            Tensor testY = Idx.labels(dir.resolve("t10k-labels-idx1-ubyte.gz"), first);
            try (Network net = Network.builder()
                         .input(784).dense(256, Activation.RELU).dense(10, Activation.SOFTMAX)
                         .loss(Loss.CROSS_ENTROPY).seed(42).build(first);
                 DataParallel dp = DataParallel.of(net, List.of(first, second));  // replica 1: a copy of net on second
                 Optimizer adam = Optimizers.adam(1e-3);
                 DataLoader train = DataLoader.of(x, y, 128).classes(10).shuffle(42);
                 DataLoader test = DataLoader.of(testX, testY, 1000)) {
                for (Batch b : train.epoch(0)) {
                    dp.trainStep(b.features(), b.targets(), adam);   // 64 rows on each backend, one update; returns the loss
                }
                System.out.println(net.evaluate(test));              // net (replica 0) holds the trained weights
                result[0] = net.evaluate(test);
                assertArrayEquals(net.weights(0), dp.replica(1).weights(0), "both replicas hold the same weights");
                assertTrue(second.stats().liveTensors() > 0, "replica 1 lives on the second backend");
            }
            assertEquals(0, second.stats().liveTensors(), "closing the DataParallel freed replica 1");
        }
        assertTrue(both[0].isClosed() && both[1].isClosed());
        assertEquals(10000, result[0].count());
        assertTrue(result[0].accuracy() > 0.8, "one epoch of Adam over two backends reaches about 83%: " + result[0]);
    }
}
