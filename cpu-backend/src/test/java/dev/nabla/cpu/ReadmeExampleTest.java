package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README's example, verbatim but for the asserts: if this breaks, the README is wrong. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRunsAndLearns() {
        Backend cpu = Backends.get("cpu");
        assertTrue(Backends.report().toString().contains("cpu"));

        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        try (Scope scope = cpu.scope()) {
            Tensor x = cpu.fromArray(new float[]{1, 0.875f, 0.25f, 1, 0.5f, 0.45f, 0.75f, 0.25f}, 4, 2);
            Tensor t = cpu.fromArray(new float[]{1, 0.4f, 0.5f, 0.6f}, 4, 1);

            Tensor h = x.matmul(cpu.randn(2, 3, 42L)).sigmoid();
            float[] host = h.toFloatArray();
            assertEquals(12, host.length);

            Network net = Network.builder()
                    .input(2).dense(3, Activation.SIGMOID).dense(1, Activation.SIGMOID)
                    .loss(Loss.MSE).seed(7).build(cpu);
            Optimizer sgd = Optimizers.sgd(2.0).momentum(0.5);
            for (int step = 0; step < 500; step++) {
                double loss = net.trainStep(x, t, sgd);
                if (step == 0) {
                    firstLoss = loss;
                }
                lastLoss = loss;
            }
            Gradients g = net.gradients(x, t);
            assertEquals(2, g.layers());
            net.close();
            sgd.close();
        }
        assertTrue(lastLoss < firstLoss / 4, firstLoss + " → " + lastLoss);
    }
}
