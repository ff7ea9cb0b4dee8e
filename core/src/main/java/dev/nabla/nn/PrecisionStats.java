package dev.nabla.nn;

import dev.nabla.DType;

/**
 * Where a network's mixed-precision training stands ({@link Network#precisionStats()}).
 *
 * @param precision the type the forward and backward GEMMs read: FLOAT32 (no mixed precision), BFLOAT16 or FLOAT16
 * @param lossScale the current dynamic loss scale S (FLOAT16 only; 1 otherwise): the loss gradient is multiplied by
 *                  S before the 16-bit casts of the backward pass and the gradients are divided by S before the update
 * @param steps the optimizer steps attempted through {@code trainStep}, skipped ones included
 * @param skippedSteps the steps skipped because a gradient was ∞ or NaN (FLOAT16 overflow); each halved S
 */
public record PrecisionStats(DType precision, double lossScale, long steps, long skippedSteps) {
}
