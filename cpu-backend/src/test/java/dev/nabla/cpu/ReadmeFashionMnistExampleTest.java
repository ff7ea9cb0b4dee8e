package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.io.Idx;
import dev.nabla.io.Safetensors;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Evaluation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README's Fashion-MNIST example, verbatim but for the asserts, the cpu backend (Backends.best() would pick opencl
 * on PoCL here) and the weights file in a temporary folder: if this breaks, the README is wrong. It needs the dataset
 * (scripts/setup.sh installs it; on CI a missing dataset fails the test instead of skipping it).
 */
@ExtendWith(NoSkipOnCi.class)
class ReadmeFashionMnistExampleTest {

    @Test
    void theFashionMnistExampleTrainsEvaluatesPredictsAndReloads(@TempDir Path tmp) throws Exception {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed in "
                + dir + " (apt-get install dataset-fashion-mnist)");
        Backend backend = Backends.get("cpu");
        long live = backend.stats().liveTensors();
        double[] accuracy = new double[2];
        try (Scope scope = backend.scope()) {
            Tensor trainX = Idx.images(dir.resolve("train-images-idx3-ubyte.gz"), backend);
            Tensor trainY = Idx.labels(dir.resolve("train-labels-idx1-ubyte.gz"), backend);
            Tensor testX = Idx.images(dir.resolve("t10k-images-idx3-ubyte.gz"), backend);
            Tensor testY = Idx.labels(dir.resolve("t10k-labels-idx1-ubyte.gz"), backend);

            Network net = Network.builder()
                    .input(784).dense(256, Activation.RELU).dense(10, Activation.SOFTMAX)
                    .loss(Loss.CROSS_ENTROPY).seed(42).build(backend);
            Optimizer adam = Optimizers.adam(1e-3);
            Tensor lossSum = backend.zeros(1, 1);
            try (DataLoader train = DataLoader.of(trainX, trainY, 128).classes(10).shuffle(42);
                 DataLoader test = DataLoader.of(testX, testY, 1000)) {
                for (int epoch = 0; epoch < 2; epoch++) {
                    lossSum.fill(0);
                    for (Batch b : train.epoch(epoch)) {
                        net.trainStep(b.features(), b.targets(), adam, lossSum);
                    }
                    Evaluation ev = net.evaluate(test);
                    System.out.printf("epoch %d: train loss %.4f, test loss %.4f, test accuracy %.2f%%%n",
                            epoch + 1, lossSum.item() / train.size(), ev.loss(), 100 * ev.accuracy());
                    accuracy[epoch] = ev.accuracy();
                    assertEquals(10000, ev.count());
                }
            }
            Tensor firstEight = testX.sliceRows(0, 8);
            String predicted = net.predict(firstEight).transpose().toString();
            System.out.println(predicted);
            System.out.println(testY.sliceRows(0, 8).transpose());
            assertTrue(predicted.startsWith("Tensor(1×8 INT32, cpu)\n[["), predicted);

            Path file = tmp.resolve("fashion.safetensors");
            Safetensors.save(net, file);
            try (Network again = Network.load(file, backend);
                 DataLoader test = DataLoader.of(testX, testY, 1000)) {
                Evaluation reloaded = again.evaluate(test);
                System.out.println(again + ": " + reloaded);
                assertEquals(accuracy[1], reloaded.accuracy(), 0.0, "the reloaded network predicts the same");
                assertArrayEquals(net.predict(testX).toIntArray(), again.predict(testX).toIntArray());
            }
            net.close();
            adam.close();
        }
        assertTrue(accuracy[1] > 0.83, "two epochs of Adam reach about 86%: " + accuracy[1]);
        assertEquals(live, backend.stats().liveTensors(), "the scope freed everything");
    }
}
