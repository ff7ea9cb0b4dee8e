package dev.nabla.nn;

/**
 * What {@link Network#evaluate} measured over a whole dataset.
 *
 * @param loss the mean loss per row (the network's loss function, as {@link Network#loss})
 * @param accuracy the fraction of rows whose predicted class (argmax of the output) equals the label
 * @param count the number of rows
 */
public record Evaluation(double loss, double accuracy, long count) {
}
