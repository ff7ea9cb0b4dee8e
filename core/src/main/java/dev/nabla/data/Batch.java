package dev.nabla.data;

import dev.nabla.Tensor;

/**
 * One mini-batch of a {@link DataLoader}: n rows of features, their INT32 labels and, when the loader was given a
 * class count, their one-hot targets. The tensors belong to the loader and are overwritten by the next batch: read or
 * train on them before asking for the next one, and do not close them (copy one to keep it).
 *
 * @param index the batch's position in its epoch, from 0
 * @param features n × features, the loader's dtype
 * @param labels INT32, n × 1
 * @param targets n × classes one-hot rows of the labels in the features' dtype, or null without a class count
 */
public record Batch(int index, Tensor features, Tensor labels, Tensor targets) {
    /**
     * The number of rows in this batch (the last one of an epoch may be smaller).
     *
     * @return n
     */
    public int size() {
        return features.rows();
    }
}
