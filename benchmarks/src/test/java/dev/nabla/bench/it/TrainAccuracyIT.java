package dev.nabla.bench.it;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.bench.data.DataSource;
import dev.nabla.bench.data.FashionMnist;
import dev.nabla.bench.train.TrainConfig;
import dev.nabla.bench.train.Trainer;
import dev.nabla.bench.train.TrainingListener;
import dev.nabla.contract.NoSkipOnCi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README's promise: {@code nabla train} with its defaults (784-256-10 ReLU/softmax, SGD lr 0.05 momentum 0.9,
 * batch 64, 5 epochs, seed 7) passes 85% test accuracy on the full Fashion-MNIST. Needs the data set
 * (scripts/setup.sh installs Debian's dataset-fashion-mnist); on CI it must run.
 */
@ExtendWith(NoSkipOnCi.class)
class TrainAccuracyIT {

    @Test
    void theDefaultNetworkPasses85PercentOnFashionMnist() {
        assumeTrue(FashionMnist.FILES.stream().allMatch(DataSource.directory(FashionMnist.DEFAULT_DIR)::has),
                "Fashion-MNIST is not installed in " + FashionMnist.DEFAULT_DIR + " (apt-get install dataset-fashion-mnist)");
        FashionMnist.Split data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        Backend cpu = Backends.get("cpu");
        TrainConfig config = new TrainConfig(256, 5, 64, TrainConfig.OptimizerKind.SGD, 0.05, 7);
        StringBuilder log = new StringBuilder();
        Trainer.Result r = Trainer.train(cpu, data.train(), data.test(), config, new TrainingListener() {
            @Override
            public void batchDone(int epoch, int epochs, int seen, int total, double meanLoss, double rate) {
            }

            @Override
            public void epochDone(EpochResult e) {
                log.append(String.format("epoch %d: loss %.4f, test accuracy %.4f, %.2f s%n", e.epoch(), e.meanLoss(),
                        e.testAccuracy(), e.trainSeconds()));
            }
        });
        System.out.print(log);
        assertTrue(r.testAccuracy() >= 0.85, "test accuracy " + r.testAccuracy() + "\n" + log);
    }
}
