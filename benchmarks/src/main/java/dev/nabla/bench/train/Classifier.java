package dev.nabla.bench.train;

import dev.nabla.Tensor;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.nn.Evaluation;

/**
 * A model with its optimizer, as {@link Trainer} drives it: one training step per batch, with the batch's loss left
 * on the device, and an evaluation on the device. {@link NetworkClassifier} is the fused Dense path,
 * {@link ModuleClassifier} a model built from modules and trained through autograd.
 */
public interface Classifier extends AutoCloseable {

    /**
     * Forward, backward and one optimizer update on the batch; adds n·loss (the batch's summed loss, before the
     * update) to the 1 × 1 {@code lossSum} on the device, reading nothing back.
     *
     * @param batch features and one-hot targets on the model's backend
     * @param lossSum a 1 × 1 FLOAT32 accumulator
     */
    void step(Batch batch, Tensor lossSum);

    /**
     * Mean loss and accuracy over one pass of {@code loader} (argmax of the outputs against the labels), computed on
     * the device.
     *
     * @param loader the test batches
     * @return loss, accuracy and row count
     */
    Evaluation evaluate(DataLoader loader);

    /**
     * One line describing the model (layers, loss, dtype, backend).
     *
     * @return the description
     */
    String description();

    /**
     * What mixed-precision training did, for the command's summary: e.g. the loss scale and the steps skipped on a
     * FLOAT16 overflow; empty when the model trains in FLOAT32.
     *
     * @return one line, or ""
     */
    default String precisionReport() {
        return "";
    }

    /** Frees the parameters and the optimizer state. */
    @Override
    void close();
}
