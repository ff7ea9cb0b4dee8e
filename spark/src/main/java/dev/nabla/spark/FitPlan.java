package dev.nabla.spark;

import java.io.Serializable;

/**
 * Everything an executor needs to know about a fit, shipped in each task's closure.
 *
 * @param fitId unique per call of {@code fit}: the key of this fit's blocks in {@link BlockCache}
 * @param spec the network
 * @param targets how labels become targets
 * @param featuresCol the features column's name (for errors)
 * @param labelCol the label column's name (for errors)
 * @param backend the {@code backend} param
 * @param seed the initial weights' seed (replicas start equal; each iteration overwrites them anyway)
 * @param optimizer the optimizer's name (the local optimizers of the averaging mode)
 * @param stepSize the learning rate
 */
record FitPlan(String fitId, NetworkSpec spec, Targets targets, String featuresCol, String labelCol, String backend,
               long seed, String optimizer, double stepSize) implements Serializable {
}
