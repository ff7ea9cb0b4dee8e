package dev.nabla.bench.train;

/** Told how training goes: after every batch, and when an epoch (and its test evaluation) is done. */
public interface TrainingListener {

    /** After a batch: {@code seen} of {@code total} examples of this epoch, the epoch's mean loss so far. */
    void batchDone(int epoch, int epochs, int seen, int total, double meanLoss, double examplesPerSecond);

    /** After an epoch and its evaluation on the test set. */
    void epochDone(EpochResult result);

    /** One epoch: its mean training loss, the test accuracy after it, and its training time (evaluation excluded). */
    record EpochResult(int epoch, int epochs, int examples, double meanLoss, int testCorrect, int testCount,
                       double trainSeconds) {
        public double testAccuracy() {
            return testCount == 0 ? Double.NaN : (double) testCorrect / testCount;
        }

        public double examplesPerSecond() {
            return examples / trainSeconds;
        }
    }
}
