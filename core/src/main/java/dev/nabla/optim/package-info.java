/**
 * Optimizers over named parameters, as {@code torch.optim}: {@link dev.nabla.optim.SGD} (momentum, dampening,
 * Nesterov, L2 weight decay), {@link dev.nabla.optim.Adam} (L2 weight decay in the gradient) and
 * {@link dev.nabla.optim.AdamW} (decoupled weight decay); learning-rate schedules ({@link dev.nabla.optim.StepLR},
 * {@link dev.nabla.optim.CosineAnnealingLR}, {@link dev.nabla.optim.LinearWarmup}) driven by an
 * {@link dev.nabla.optim.LrScheduler}; gradient clipping by global norm ({@link dev.nabla.optim.GradClip}).
 *
 * <p>Parameters are an ordered {@code Map<String, Var>} of leaves made with {@code Var.parameter} (what a module's
 * {@code parameters()} returns): each step updates every {@code value()} in place from its {@code grad()}, skipping
 * the parameters whose gradient is null. Optimizer state lives on the parameters' backend and is saved and restored
 * bit for bit with {@link dev.nabla.optim.Optimizer#stateDict()} / {@link dev.nabla.optim.Optimizer#loadStateDict}
 * (host tensors, written with {@code dev.nabla.io.Safetensors}).
 *
 * <pre>{@code
 * Map<String, Var> params = ...;                          // e.g. module.parameters()
 * try (Optimizer opt = new AdamW(params, 1e-3)) {
 *     LrScheduler sched = new LrScheduler(opt, new LinearWarmup(100, new CosineAnnealingLR(900, 0.0)));
 *     for (Batch b : loader.epoch(e)) {
 *         opt.zeroGrad();
 *         try (Graph g = Graph.record(backend)) {
 *             model.forward(Var.constant(b.features())).crossEntropyWithLogits(b.targets()).backward();
 *         }
 *         GradClip.clipGradNorm(params, 1.0);
 *         opt.step();
 *         sched.step();
 *     }
 * }
 * }</pre>
 */
package dev.nabla.optim;
