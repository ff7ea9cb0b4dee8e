package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What a network starts from and which optimizer settings are accepted: the weights' spread is the documented
 * Xavier or He σ, layers and seeds give different draws, and the ends of each setting's range are in or out as
 * documented.
 */
class InitAndSettingsTest {
    private Backend be;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    @AfterEach
    void stop() {
        be.close();
    }

    @Test
    void theStandardDeviationsAreXavierAndHe() {
        assertEquals(Math.sqrt(2.0 / 400), Init.HE.std(400, 300, Activation.TANH), 0);
        assertEquals(Math.sqrt(2.0 / 700), Init.XAVIER.std(400, 300, Activation.RELU), 0);
        assertEquals(Math.sqrt(2.0 / 400), Init.AUTO.std(400, 300, Activation.RELU), 0, "AUTO is HE for ReLU");
        assertEquals(Math.sqrt(2.0 / 700), Init.AUTO.std(400, 300, Activation.TANH), 0, "AUTO is XAVIER otherwise");
    }

    /** 120,000 standard normal draws scaled by σ: the sample σ is within 1% (its relative error is ~0.2%). */
    @Test
    void theWeightsAreDrawnWithThatSpread() {
        for (Init init : Init.values()) {
            try (Network net = Network.builder().input(400).init(init).dense(300, Activation.RELU)
                    .dense(2, Activation.SIGMOID).loss(Loss.MSE).dtype(DType.FLOAT64).build(be)) {
                double[] w = net.weights(0);
                double mean = Arrays.stream(w).sum() / w.length;
                double var = Arrays.stream(w).map(v -> (v - mean) * (v - mean)).sum() / (w.length - 1);
                double want = init.std(400, 300, Activation.RELU);
                assertEquals(want, Math.sqrt(var), 0.01 * want, init + ": sample σ of layer 0");
                assertArrayEquals(new double[300], net.biases(0), "biases start at 0");
            }
        }
    }

    @Test
    void layersAndSeedsGiveDifferentDrawsAndASeedTheSameOnes() {
        double[][] seed1 = squareWeights(1);
        double[][] seed2 = squareWeights(2);
        assertFalse(Arrays.equals(seed1[0], seed1[1]), "two layers of the same shape drew the same weights");
        assertFalse(Arrays.equals(seed1[0], seed2[0]), "seeds 1 and 2 drew the same weights");
        assertArrayEquals(seed1[0], squareWeights(1)[0], "the same seed draws the same weights");
    }

    private double[][] squareWeights(long seed) {
        try (Network net = Network.builder().input(8).dense(8, Activation.TANH).dense(8, Activation.TANH)
                .loss(Loss.MSE).seed(seed).build(be)) {
            return new double[][]{net.weights(0), net.weights(1)};
        }
    }

    @Test
    void theEndsOfEachOptimizerSettingAreInOrOutAsDocumented() {
        assertDoesNotThrow(() -> Optimizers.sgd(0.1).momentum(0).weightDecay(0), "momentum and decay 0 are allowed");
        assertDoesNotThrow(() -> Optimizers.sgd(0.1).momentum(Math.nextDown(1.0)));
        assertThrows(InvalidHyperParameterException.class, () -> Optimizers.sgd(0.1).momentum(1.0));
        assertThrows(InvalidHyperParameterException.class, () -> Optimizers.sgd(0.1).weightDecay(-Double.MIN_VALUE));
        assertDoesNotThrow(() -> Optimizers.adam(0.1).betas(0, 0).weightDecay(0), "β = 0 and decay 0 are allowed");
        assertThrows(InvalidHyperParameterException.class, () -> Optimizers.adam(0.1).betas(0.9, 1.0));
        assertThrows(InvalidHyperParameterException.class, () -> Optimizers.adam(0.1).betas(-Double.MIN_VALUE, 0.9));
    }

    @Test
    void floatArraysSetTheSameParametersAsDoubleArrays() {
        try (Network net = Network.builder().input(2).dense(3, Activation.TANH).loss(Loss.MSE).build(be)) {
            net.setWeights(0, new float[]{0.5f, -0.25f, 1.5f, 2f, -3f, 0.125f});
            net.setBiases(0, new float[]{1f, -2f, 0.75f});
            assertArrayEquals(new double[]{0.5, -0.25, 1.5, 2, -3, 0.125}, net.weights(0));
            assertArrayEquals(new double[]{1, -2, 0.75}, net.biases(0));
        }
    }

    /**
     * Weight decay reaches the weights only: one step of Adam with and without decay from the same network leaves
     * the biases bit for bit equal and the weights not. (Adam's update is shared by every backend and the reference,
     * so parity cannot see where the decay goes.)
     */
    @Test
    void adamsWeightDecayReachesTheWeightsOnly() {
        double[][] plain = oneAdamStep(Optimizers.adam(0.05));
        double[][] decayed = oneAdamStep(Optimizers.adam(0.05).weightDecay(0.5));
        assertArrayEquals(plain[1], decayed[1], "biases do not decay");
        assertFalse(Arrays.equals(plain[0], decayed[0]), "weights decay");
    }

    private double[][] oneAdamStep(Adam adam) {
        try (Network net = Network.builder().input(3).dense(2, Activation.SIGMOID).loss(Loss.MSE).seed(5)
                .dtype(DType.FLOAT64).build(be); adam;
             dev.nabla.Scope s = be.scope()) {
            net.setBiases(0, new double[]{0.25, -0.5});
            net.trainStep(be.fromArray(new double[]{1, -2, 0.5, 0.25, 1, -1}, 2, 3, DType.FLOAT64),
                    be.fromArray(new double[]{1, 0, 0, 1}, 2, 2, DType.FLOAT64), adam);
            return new double[][]{net.weights(0), net.biases(0)};
        }
    }

    @Test
    void optimizersDescribeTheirSettings() {
        assertEquals("sgd(lr=0.5, momentum=0.25, weightDecay=0.125)",
                Optimizers.sgd(0.5).momentum(0.25).weightDecay(0.125).toString());
        assertEquals(0.5, Optimizers.sgd(0.5).learningRate());
        assertEquals("adam(lr=0.5, betas=0.25/0.75, eps=0.125, weightDecay=0.0625)",
                Optimizers.adam(0.5).betas(0.25, 0.75).epsilon(0.125).weightDecay(0.0625).toString());
    }
}
