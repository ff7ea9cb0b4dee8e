package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.io.HostTensor;
import dev.nabla.io.Safetensors;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.NetworkBuilder;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.nn.PrecisionStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's "Your own loop" example, verbatim but for the asserts and the checkpoint's path (a temporary folder here):
 * if this breaks, the README is wrong. It also checks what the README claims: the averaged micro-batches give the
 * whole batch's gradients, and the resumed network takes the original's next step bit for bit.
 */
class ReadmeOwnLoopExampleTest {

    @Test
    void gradientAccumulationWithLossScalingResumesBitForBit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("checkpoint.safetensors");
        PrecisionStats[] stats = new PrecisionStats[1];
        Map<?, ?>[] scalerSeen = new Map<?, ?>[1];
        double[][][] after = new double[2][][];
        Backend[] held = new Backend[1];
        try (Backend backend = Backends.create("cpu");
             Scope scope = backend.scope()) {
            held[0] = backend;
            float[] oneHot = new float[256 * 10];
            for (int i = 0; i < 256; i++) {
                oneHot[i * 10 + i % 10] = 1;
            }
            Tensor x = backend.rand(256, 784, 1L);
            Tensor t = backend.fromArray(oneHot, 256, 10);
            NetworkBuilder spec = Network.builder().input(784).dense(256, Activation.RELU).dense(10, Activation.SOFTMAX)
                    .loss(Loss.CROSS_ENTROPY).precision(DType.FLOAT16).seed(42);
            double[][] dW = {new double[784 * 256], new double[256 * 10]}, db = {new double[256], new double[10]};
            double[][] sumW = {new double[784 * 256], new double[256 * 10]}, sumB = {new double[256], new double[10]};
            try (Network net = spec.build(backend);
                 Optimizer sgd = Optimizers.sgd(0.05).momentum(0.9)) {
                for (int step = 0; step < 4; step++) {              // each step: two micro-batches of 128, averaged
                    for (int l = 0; l < 2; l++) {
                        java.util.Arrays.fill(sumW[l], 0);
                        java.util.Arrays.fill(sumB[l], 0);
                    }
                    for (int from = 0; from < 256; from += 128) {
                        net.gradientsInto(x.sliceRows(from, from + 128), t.sliceRows(from, from + 128), dW, db);
                        for (int l = 0; l < 2; l++) {
                            for (int i = 0; i < dW[l].length; i++) sumW[l][i] += dW[l][i] / 2;
                            for (int i = 0; i < db[l].length; i++) sumB[l][i] += db[l][i] / 2;
                        }
                    }
                    if (step == 0) {
                        assertMatchesWholeBatch(net, x, t, sumW, sumB);
                    }
                    net.applyGradients(sumW, sumB, sgd);            // skipped, and S halved, if a value is not finite
                }
                System.out.println(net.precisionStats());           // FLOAT16, the loss scale S, 4 steps, 0 skipped
                stats[0] = net.precisionStats();

                Safetensors.save(net, file);                        // the FLOAT32 master weights
                Map<String, HostTensor> momentum = net.optimizerState(sgd);
                Map<String, Double> scaler = net.lossScalerState(); // {scale=S, growth_tracker=4.0}
                scalerSeen[0] = scaler;
                try (Network resumed = spec.build(backend);
                     Optimizer sgd2 = Optimizers.sgd(0.05).momentum(0.9)) {
                    Safetensors.load(resumed, file);
                    resumed.loadOptimizerState(sgd2, momentum);
                    resumed.loadLossScalerState(scaler);
                    net.trainStep(x, t, sgd);                       // the same next step, bit for bit
                    resumed.trainStep(x, t, sgd2);
                    after[0] = parameters(net);
                    after[1] = parameters(resumed);
                    assertEquals(net.lossScalerState(), resumed.lossScalerState());
                }
            }
        }
        assertTrue(held[0].isClosed());
        assertEquals(DType.FLOAT16, stats[0].precision());
        assertEquals(4, stats[0].steps());
        assertEquals(0, stats[0].skippedSteps(), "these gradients are far from FLOAT16's range: " + stats[0]);
        assertEquals(Map.of("scale", stats[0].lossScale(), "growth_tracker", 4.0), scalerSeen[0]);
        for (int p = 0; p < after[0].length; p++) {
            assertArrayEquals(after[0][p], after[1][p], "parameter " + p + " after the resumed step");
        }
    }

    /** Half of each micro-batch's gradient, summed, is the whole batch's gradient (the loss is a mean over rows). */
    private static void assertMatchesWholeBatch(Network net, Tensor x, Tensor t, double[][] sumW, double[][] sumB) {
        double[][] wholeW = {new double[784 * 256], new double[256 * 10]};
        double[][] wholeB = {new double[256], new double[10]};
        net.gradientsInto(x, t, wholeW, wholeB);
        for (int l = 0; l < 2; l++) {
            assertClose(wholeW[l], sumW[l], "dW" + l);
            assertClose(wholeB[l], sumB[l], "db" + l);
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, what + " is all zeros");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-3 * scale, what + "[" + i + "]");
        }
    }

    private static double[][] parameters(Network net) {
        double[][] p = {new double[784 * 256], new double[256], new double[256 * 10], new double[10]};
        net.weightsInto(0, p[0]);
        net.biasesInto(0, p[1]);
        net.weightsInto(1, p[2]);
        net.biasesInto(1, p[3]);
        return p;
    }
}
