/**
 * Training one network on several backends of one JVM: {@link dev.nabla.parallel.DataParallel} splits each global
 * batch into row shards ({@link dev.nabla.parallel.Shards}), computes the shards' gradients on every backend at once,
 * combines them on the host in float64 in a fixed order, applies one optimizer update and sends the new weights to
 * every replica. The result is single-backend training on the same batches, up to the order of the sums.
 */
package dev.nabla.parallel;
