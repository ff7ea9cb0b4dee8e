package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.BackendClosedException;
import dev.nabla.BackendMismatchException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.ReplicaFailedException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.module.Module;
import dev.nabla.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link DataParallel} for a model built from modules and trained through autograd. Replica 0 is the model itself (on
 * the first backend); replicas 1 … k−1 are {@link Module#copyTo copies} on the other backends, owned by this object.
 * A step on a global batch of N rows:
 * <ol>
 *   <li>splits it into k contiguous row shards of n_i rows ({@link Shards#bounds});</li>
 *   <li>on every replica at once (one thread each): {@code zeroGrad()}, then in a {@link Graph} of its own
 *       L_i = loss(replica.forward(x_i), t_i) and {@code L_i.backward()}; the gradients are read back to the host;</li>
 *   <li>combines them in float64 in replica order: ∂L/∂θ = Σ_i (n_i/N)·∂L_i/∂θ, which is the gradient of the global
 *       batch's mean loss <em>when the loss is a mean over the batch's rows</em> (every loss of {@link Var} is);</li>
 *   <li>writes that sum into replica 0's gradients and runs ONE {@code optimizer.step()} (an optimizer over replica
 *       0's parameters, so its state is exactly that of training replica 0 alone);</li>
 *   <li>sends replica 0's parameters to every other replica, so all hold bit for bit the same values.</li>
 * </ol>
 * The result equals training replica 0 alone on the same batches up to the order of the sums. Dropout draws its
 * masks per replica, so a model with dropout in training mode is not comparable that way.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new Linear(784, 256, cpu0, 1), new ReLU(), new Linear(256, 10, cpu0, 2));
 * try (ModuleDataParallel dp = ModuleDataParallel.of(model, List.of(cpu0, cpu1));
 *      Adam adam = new Adam(model.parameters(), 1e-3)) {
 *     double loss = dp.trainStep(x, t, (out, targets) -> out.crossEntropyWithLogits(targets), adam);
 * }
 * }</pre>
 *
 * <p>Failures are {@link ReplicaFailedException}s naming the call, the replica, its backend and the stage. A failure
 * while the replicas compute (stage GRADIENTS) changes no parameter and no optimizer state (replica 0's gradients are
 * then those of its own shard). After a failed update or broadcast the replicas are re-synchronised before the next
 * step. Not safe for use from two threads at once.
 *
 * <p>Host memory: the host arrays a step needs (every replica's gradients, their float64 sums, the parameters sent to
 * the replicas, the float32 staging of each transfer) are made on the first step and reused by every later one
 * (again only when a size changes); {@link #close()} drops them. The autograd graph of a step still allocates its own
 * tensors.
 */
public final class ModuleDataParallel implements AutoCloseable {
    /** The loss of a replica's shard: a 1 × 1 mean over the shard's rows, e.g. {@code out.mse(targets)}. */
    @FunctionalInterface
    public interface LossFunction {
        /**
         * The loss of one shard.
         *
         * @param output the model's output on the shard
         * @param targets the shard's targets, on the replica's backend
         * @return a 1 × 1 Var, the mean over the shard's rows
         */
        Var apply(Var output, Tensor targets);
    }

    private final List<Module> replicas;
    private final List<Backend> backends;
    private final List<String> names;
    private final ReplicaPool pool;
    /** Each replica's host staging: slot p for parameter p (its gradient and value), then the shard's x and t. */
    private final HostStaging[] staging;
    /** grads[i][p]: replica i's gradient of parameter p, float64, when present[i][p]; reused from step to step. */
    private final double[][][] grads;
    private final boolean[][] present;
    /** sum[p] = Σ_i (n_i/N)·grads[i][p] over the replicas that have one (any[p]). */
    private final double[][] sum;
    private final boolean[] any;
    /** Replica 0's parameter values on their way to the other replicas. */
    private final double[][] values;
    private boolean stale;
    private boolean closed;

    private ModuleDataParallel(List<Module> replicas, List<Backend> backends) {
        this.replicas = List.copyOf(replicas);
        this.backends = List.copyOf(backends);
        this.names = List.copyOf(replicas.get(0).parameters().keySet());
        String[] bn = new String[backends.size()];
        for (int i = 0; i < bn.length; i++) {
            bn[i] = backends.get(i).name();
        }
        this.pool = new ReplicaPool(bn);
        int k = bn.length;
        int n = names.size();
        this.staging = new HostStaging[k];
        for (int i = 0; i < k; i++) {
            staging[i] = new HostStaging(n + 2);
        }
        this.grads = new double[k][n][];
        this.present = new boolean[k][n];
        this.sum = new double[n][];
        this.any = new boolean[n];
        this.values = new double[n][];
    }

    /**
     * Data parallelism for {@code model} over {@code backends}: replica 0 is {@code model} itself, whose parameters
     * must live on {@code backends.get(0)}; every other backend gets a copy.
     *
     * @param model the model to train (stays the caller's; {@link #close()} does not close it)
     * @param backends one backend per replica, the model's first; a backend may appear more than once
     * @return a ModuleDataParallel the caller closes
     */
    public static ModuleDataParallel of(Module model, List<Backend> backends) {
        String call = "ModuleDataParallel.of";
        if (model == null) {
            throw new InvalidArgumentException(call + ": the model is null");
        }
        if (backends == null || backends.isEmpty()) {
            throw new InvalidArgumentException(call + ": the backend list is " + (backends == null ? "null" : "empty")
                    + "; give at least one backend, the model's first");
        }
        if (model.isClosed()) {
            throw new NablaException(call + ": the model is closed");
        }
        Map<String, Var> params = model.parameters();
        if (params.isEmpty()) {
            throw new InvalidArgumentException(call + ": " + model.getClass().getSimpleName() + " has no parameters "
                    + "to train");
        }
        Backend home = params.values().iterator().next().value().backend();
        Replicas.checkBackends(call, backends);
        if (backends.get(0) != home) {
            throw new BackendMismatchException(call + ": the model's parameters live on " + home.name()
                    + " but backend 0 is " + backends.get(0).name() + " (another instance); replica 0 is the model "
                    + "itself: put its backend first");
        }
        List<Module> replicas = new ArrayList<>(backends.size());
        replicas.add(model);
        try {
            for (int i = 1; i < backends.size(); i++) {
                Backend b = backends.get(i);
                replicas.add(home.asCall(call, () -> b.asCall(call, () -> model.copyTo(b))));
            }
        } catch (RuntimeException | Error e) {
            for (int i = 1; i < replicas.size(); i++) {
                replicas.get(i).close();
            }
            throw e;
        }
        return new ModuleDataParallel(replicas, backends);
    }

    /**
     * The number of replicas k.
     *
     * @return k ≥ 1
     */
    public int replicas() {
        return replicas.size();
    }

    /**
     * Replica {@code i}: 0 is the model given to {@link #of}, the others are copies this object owns.
     *
     * @param i the replica, 0-based
     * @return its model
     */
    public Module replica(int i) {
        if (i < 0 || i >= replicas.size()) {
            throw new InvalidArgumentException("ModuleDataParallel.replica: replica " + i + " does not exist; there "
                    + "are " + replicas.size() + tags());
        }
        return replicas.get(i);
    }

    /**
     * One data-parallel step on the global batch (x, t); see the class comment.
     *
     * @param x the global batch, N × inputs with N ≥ k, on replica 0's backend or any other
     * @param t the targets, N rows, on x's backend
     * @param loss the loss of a shard, a mean over its rows
     * @param optimizer an optimizer over replica 0's parameters
     * @return the global batch's mean loss before the update, Σ_i (n_i/N)·L_i
     */
    public double trainStep(Tensor x, Tensor t, LossFunction loss, Optimizer optimizer) {
        String call = "ModuleDataParallel.trainStep";
        checkBatch(call, x, t);
        if (loss == null || optimizer == null) {
            throw new InvalidArgumentException(call + ": the " + (loss == null ? "loss function" : "optimizer")
                    + " is null" + tags());
        }
        if (stale) {
            broadcast(call);
        }
        int k = replicas.size();
        int[] bounds = Shards.bounds(x.rows(), k);
        double[] losses = shards(call, x, t, bounds, loss);
        double rows = bounds[k];
        double total = 0;
        java.util.Arrays.fill(any, false);
        for (int i = 0; i < k; i++) {                       // replica order: the same sum whoever finished first
            double w = (bounds[i + 1] - bounds[i]) / rows;
            total += w * losses[i];
            for (int p = 0; p < sum.length; p++) {
                if (!present[i][p]) {
                    continue;
                }
                double[] g = grads[i][p];
                if (!any[p]) {                              // from zero, as a new array would start
                    sum[p] = sized(sum[p], g.length);
                    java.util.Arrays.fill(sum[p], 0.0);
                    any[p] = true;
                }
                double[] s = sum[p];
                for (int e = 0; e < g.length; e++) {
                    s[e] += w * g[e];
                }
            }
        }
        Module master = replicas.get(0);
        Backend home = backends.get(0);
        try {
            home.asCall(call, () -> {
                Map<String, Var> params = master.parameters();
                for (int p = 0; p < sum.length; p++) {
                    Var v = params.get(names.get(p));
                    if (!any[p] || v.grad() == null) {
                        continue;
                    }
                    staging[0].write(p, sum[p], v.grad());
                }
                optimizer.step();
                return null;
            });
        } catch (InvalidArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            stale = k > 1;
            throw new ReplicaFailedException(call, 0, k, home.name(), ReplicaFailedException.Stage.UPDATE, e);
        }
        broadcast(call);
        return total;
    }

    /**
     * Every replica's shard loss, in replica order; replica i's gradients land in grads[i] (present[i][p] says which
     * parameters got one).
     */
    private double[] shards(String call, Tensor x, Tensor t, int[] bounds, LossFunction loss) {
        int k = replicas.size();
        Tensor[] xs = new Tensor[k];
        Tensor[] ts = new Tensor[k];
        try {
            for (int i = 0; i < k; i++) {
                xs[i] = k == 1 ? x : x.sliceRows(bounds[i], bounds[i + 1]).detach();
                ts[i] = k == 1 ? t : t.sliceRows(bounds[i], bounds[i + 1]).detach();
            }
            List<Double> losses = pool.run(call, ReplicaFailedException.Stage.GRADIENTS, 0,
                    i -> shard(call, i, xs[i], ts[i], loss));
            double[] out = new double[k];
            for (int i = 0; i < k; i++) {
                out[i] = losses.get(i);
            }
            return out;
        } finally {
            if (k > 1) {
                for (int i = 0; i < k; i++) {
                    closeQuietly(xs[i]);
                    closeQuietly(ts[i]);
                }
            }
        }
    }

    /** Replica i on its shard (copied to its backend when it lives elsewhere), on the replica's thread. */
    private double shard(String call, int i, Tensor xs, Tensor ts, LossFunction loss) {
        Backend b = backends.get(i);
        Module m = replicas.get(i);
        return b.asCall(call, () -> {
            Tensor xc = null;
            Tensor tc = null;
            try {
                if (xs.backend() != b) {
                    int slot = names.size();
                    xc = xs.backend().asCall(call, () -> staging[i].copy(slot, xs, b));
                    tc = ts.backend().asCall(call, () -> staging[i].copy(slot + 1, ts, b));
                }
                Tensor xin = xc != null ? xc : xs;
                Tensor tin = tc != null ? tc : ts;
                m.zeroGrad();
                double value;
                try (Graph g = Graph.record(b)) {
                    Var l = loss.apply(m.forward(Var.constant(xin)), tin);
                    if (l == null || l.value().rows() != 1 || l.value().cols() != 1) {
                        throw new ShapeMismatchException(call + ": the loss function must return a 1 × 1 mean over "
                                + "the shard's rows, got " + (l == null ? "null" : l.value().shape()) + " [" + b.name()
                                + "]");
                    }
                    value = l.value().item();
                    l.backward();
                }
                Map<String, Var> params = m.parameters();
                for (int p = 0; p < names.size(); p++) {
                    Tensor g = params.get(names.get(p)).grad();
                    present[i][p] = g != null;
                    if (g != null) {
                        grads[i][p] = sized(grads[i][p], g.size());
                        staging[i].read(p, g, grads[i][p]);
                    }
                }
                return value;
            } finally {
                closeQuietly(xc);
                closeQuietly(tc);
            }
        });
    }

    /** Sends replica 0's parameters to replicas 1 … k−1; they are stale until it has succeeded. */
    private void broadcast(String call) {
        int k = replicas.size();
        if (k == 1) {
            return;
        }
        stale = true;
        Map<String, Var> master = replicas.get(0).parameters();
        try {
            backends.get(0).asCall(call, () -> {
                for (int p = 0; p < values.length; p++) {
                    Tensor v = master.get(names.get(p)).value();
                    values[p] = sized(values[p], v.size());
                    staging[0].read(p, v, values[p]);
                }
                return null;
            });
        } catch (RuntimeException e) {
            throw new ReplicaFailedException(call, 0, k, backends.get(0).name(),
                    ReplicaFailedException.Stage.BROADCAST, e);
        }
        pool.run(call, ReplicaFailedException.Stage.BROADCAST, 1, i -> backends.get(i).asCall(call, () -> {
            Map<String, Var> params = replicas.get(i).parameters();
            for (int p = 0; p < values.length; p++) {
                staging[i].write(p, values[p], params.get(names.get(p)).value());
            }
            return null;
        }));
        stale = false;
    }

    /** Sends replica 0's parameters to every other replica (after the caller trained replica 0 alone). */
    public void syncReplicas() {
        checkOpen("ModuleDataParallel.syncReplicas");
        broadcast("ModuleDataParallel.syncReplicas");
    }

    /** Closes the copies on backends 1 … k−1 and the replicas' threads; the model given to {@link #of} stays open. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < staging.length; i++) {        // the host arrays go to the collector
            staging[i].clear();
            java.util.Arrays.fill(grads[i], null);
        }
        java.util.Arrays.fill(sum, null);
        java.util.Arrays.fill(values, null);
        try {
            for (int i = 1; i < replicas.size(); i++) {
                replicas.get(i).close();
            }
        } finally {
            pool.close();
        }
    }

    private void checkOpen(String call) {
        if (closed) {
            throw new NablaException(call + ": this ModuleDataParallel is closed" + tags());
        }
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).isClosed()) {
                throw new NablaException(call + ": " + (i == 0 ? "the model" : "replica " + i) + " is closed ["
                        + backends.get(i).name() + "]");
            }
            if (backends.get(i).isClosed()) {
                throw new BackendClosedException(call + ": backend " + i + " (" + backends.get(i).name()
                        + ") is closed");
            }
        }
    }

    /** Every check a step needs, on the caller's thread, before any replica starts. */
    private void checkBatch(String call, Tensor x, Tensor t) {
        checkOpen(call);
        for (Object[] a : new Object[][] {{"input", x}, {"targets", t}}) {
            Tensor v = (Tensor) a[1];
            if (v == null) {
                throw new InvalidArgumentException(call + ": the " + a[0] + " is null" + tags());
            }
            if (v.isClosed()) {
                throw new TensorClosedException(call + ": the " + a[0] + " " + v.shape() + " is closed ["
                        + v.backend().name() + "]");
            }
        }
        if (t.backend() != x.backend()) {
            throw new BackendMismatchException(call + ": the input lives on " + x.backend().name()
                    + " but the targets on " + t.backend().name() + "; keep a batch on one backend");
        }
        if (t.rows() != x.rows()) {
            throw new ShapeMismatchException(call + ": input " + x.shape() + " and targets " + t.shape()
                    + " have different rows" + tags());
        }
        if (x.rows() < replicas.size()) {
            throw new ShapeMismatchException(call + ": a batch of " + x.rows() + " row" + (x.rows() == 1 ? "" : "s")
                    + " cannot be split over " + replicas.size() + " replicas (every shard needs at least one row)"
                    + tags());
        }
    }

    /** {@code a} when it holds exactly n elements, else a new array of n. */
    private static double[] sized(double[] a, long n) {
        return a != null && a.length == n ? a : new double[Math.toIntExact(n)];
    }

    /** {@code " [cpu, cpu, opencl]"}: the replicas' backends. */
    private String tags() {
        return Replicas.tags(backends);
    }

    private static void closeQuietly(Tensor t) {
        Replicas.closeQuietly(t);
    }
}
