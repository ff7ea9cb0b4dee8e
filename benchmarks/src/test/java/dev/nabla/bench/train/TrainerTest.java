package dev.nabla.bench.train;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.bench.data.FashionMnist;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    @Test
    void defaultLearningRatesDependOnTheModelForSgdOnly() {
        assertEquals(0.05, TrainConfig.OptimizerKind.SGD.defaultLearningRate(TrainModel.DENSE));
        assertEquals(0.02, TrainConfig.OptimizerKind.SGD.defaultLearningRate(TrainModel.RESIDUAL));
        assertEquals(1e-3, TrainConfig.OptimizerKind.ADAM.defaultLearningRate(TrainModel.DENSE));
        assertEquals(1e-3, TrainConfig.OptimizerKind.ADAM.defaultLearningRate(TrainModel.RESIDUAL));
    }

    @Test
    void trainingOnTheBundledSubsetLearnsAndReportsEveryEpoch() {
        FashionMnist.Split data = FashionMnist.load(FashionMnist.bundled(), true);
        Backend cpu = Backends.get("cpu");
        List<TrainingListener.EpochResult> epochs = new ArrayList<>();
        int[] batches = new int[1];
        TrainingListener listener = new TrainingListener() {
            @Override
            public void batchDone(int epoch, int of, int seen, int total, double meanLoss, double exPerS) {
                batches[0]++;
                assertTrue(seen <= total && Double.isFinite(meanLoss) && exPerS > 0);
            }

            @Override
            public void epochDone(EpochResult r) {
                epochs.add(r);
            }
        };
        // batch 100 over 500 images: 5 steps per epoch
        TrainConfig config = new TrainConfig(64, 4, 100, TrainConfig.OptimizerKind.SGD, 0.05, 7);
        long liveBefore = cpu.stats().liveTensors();
        Trainer.Result r = Trainer.train(cpu, data.train(), data.test(), config, listener);
        assertEquals(20, batches[0]);
        assertEquals(4, epochs.size());
        assertTrue(epochs.get(3).meanLoss() < epochs.get(0).meanLoss() * 0.7,
                "the loss falls: " + epochs.get(0).meanLoss() + " → " + epochs.get(3).meanLoss());
        // 500 training images are far too few for the 85% of the full set, but far better than 10% guessing
        assertTrue(r.testAccuracy() > 0.5, "test accuracy " + r.testAccuracy());
        assertEquals(200, r.testCount());
        assertEquals(epochs.get(3).testCorrect(), r.testCorrect());
        assertEquals(liveBefore, cpu.stats().liveTensors(), "every batch tensor, the network and the optimizer state "
                + "were closed");
    }

    /** --model residual: modules + autograd + dev.nabla.optim, through the same loader and device-side evaluation. */
    @Test
    void theResidualModuleModelLearnsOnTheBundledSubsetAndFreesEverything() {
        FashionMnist.Split data = FashionMnist.load(FashionMnist.bundled(), true);
        Backend cpu = Backends.get("cpu");
        List<TrainingListener.EpochResult> epochs = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void batchDone(int epoch, int of, int seen, int total, double meanLoss, double exPerS) {
                assertTrue(seen <= total && Double.isFinite(meanLoss) && exPerS > 0);
            }

            @Override
            public void epochDone(EpochResult r) {
                epochs.add(r);
            }
        };
        TrainConfig config = new TrainConfig(64, 4, 100, TrainConfig.OptimizerKind.SGD, 0.05, 7);
        long liveBefore = cpu.stats().liveTensors();
        Trainer.Result r = Trainer.train(cpu, data.train(), data.test(), config, TrainModel.RESIDUAL, listener);
        assertTrue(r.network().startsWith("modules[784 → 64 RELU → residual(64 → 64 RELU) → 10 logits"), r.network());
        assertEquals(4, epochs.size());
        assertTrue(epochs.get(3).meanLoss() < epochs.get(0).meanLoss() * 0.7,
                "the loss falls: " + epochs.get(0).meanLoss() + " → " + epochs.get(3).meanLoss());
        assertTrue(r.testAccuracy() > 0.5, "test accuracy " + r.testAccuracy());
        assertEquals(200, r.testCount());
        assertEquals(epochs.get(3).testCorrect(), r.testCorrect());
        assertEquals(liveBefore, cpu.stats().liveTensors(), "every batch tensor, graph intermediate, gradient, module "
                + "parameter and optimizer buffer was closed: " + cpu.liveTensorDescriptions());
    }

    @Test
    void theProgressLineShowsEpochLossAccuracyAndRate() {
        StringWriter s = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(s), false);
        bar.batchDone(1, 5, 640, 60000, 0.7, 20000);
        assertEquals("", s.toString(), "off a terminal only finished epochs are printed");
        bar.epochDone(new TrainingListener.EpochResult(2, 5, 60000, 0.41234, 8512, 10000, 3.0));
        assertEquals("epoch 2/5 [##############################] 60000/60000  loss 0.4123  test acc   85.12%"
                + "     20,000 ex/s    3.00 s" + System.lineSeparator(), s.toString());
        assertEquals("epoch 1/5 [###############---------------] 30000/60000  loss 0.5000  test acc   --.--%"
                        + "      1,000 ex/s",
                ProgressBar.line(1, 5, 30000, 60000, 0.5, "  --.--%", 1000, ""));
    }
}
