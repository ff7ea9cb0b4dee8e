package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.BackendClosedException;
import dev.nabla.BackendMismatchException;
import dev.nabla.DTypeMismatchException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.ReplicaFailedException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.UnsupportedDTypeException;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains one {@link Network} on k backends at once (synchronous data parallelism). Replica 0 is the network itself
 * (the master, on the first backend); replicas 1 … k−1 are {@link Network#copyTo copies} on the other backends,
 * owned by this object. A step on a global batch of N rows:
 * <ol>
 *   <li>splits it into k contiguous row shards of n₀ ≥ … ≥ n_{k−1} ≥ n₀ − 1 rows ({@link Shards#bounds});</li>
 *   <li>computes, on every replica at once (one thread per replica), its shard's mean loss L_i and gradients
 *       ∂L_i/∂θ, read back to the host; a shard on another backend than the batch is copied there first;</li>
 *   <li>combines them on the host in float64, in replica order 0, 1, …, k−1:
 *       {@code L = Σ_i (n_i/N)·L_i} and {@code ∂L/∂θ = Σ_i (n_i/N)·∂L_i/∂θ}, the loss and gradient of the global
 *       batch's mean loss;</li>
 *   <li>applies ONE optimizer update, on replica 0 with the caller's optimizer ({@link Network#applyGradients}), so
 *       its state (momentum, Adam's moments and step count) is exactly that of training replica 0 alone;</li>
 *   <li>sends replica 0's new weights to every other replica (through the host), so that after each step every
 *       replica holds bit for bit the same weights, whatever its backend's rounding.</li>
 * </ol>
 * The result equals single-backend training on the same batches up to the order of the sums (the tolerance rule).
 *
 * <pre>{@code
 * Network net = Network.builder().input(784).dense(256, Activation.RELU).dense(10, Activation.SOFTMAX)
 *         .loss(Loss.CROSS_ENTROPY).seed(7).build(cpu0);
 * try (DataParallel dp = DataParallel.of(net, List.of(cpu0, cpu1)); Optimizer adam = Optimizers.adam(1e-3)) {
 *     double loss = dp.trainStep(x, t, adam);        // x, t on any backend, typically cpu0
 * }                                                  // closes the copy on cpu1; net keeps the trained weights
 * }</pre>
 *
 * <p>Failures: a replica that throws is reported as a {@link ReplicaFailedException} naming the call, the replica,
 * its backend and the stage. A failure while the replicas compute their gradients (where every replica works)
 * changes nothing: the weights of every replica and the optimizer's state are as before the call, and nothing stays
 * allocated. See the exception for failures during the update and the broadcast.
 *
 * <p>Host memory: the host arrays a step needs (every replica's gradients, their float64 sums, the weights sent to the
 * replicas, the float32 staging of the shards copied to other backends) are made on the first step and reused by
 * every later one, so that a step allocates no array on the host that grows with the network or the batch (about
 * (k + 2)·|θ| doubles are kept, |θ| the number of parameters; {@link #close()} drops them).
 *
 * <p>The same backend may appear more than once (several networks on one backend may run at once). Like a
 * {@link Network}, a DataParallel is not safe for use from two threads at once; the replicas' threads are its own.
 */
public final class DataParallel implements AutoCloseable {
    private final Network master;
    private final List<Network> replicas;
    private final List<Backend> backends;
    private final ReplicaPool pool;
    /** Each replica's host arrays for its shard copies (slot 0: x, 1: t), used by that replica's thread only. */
    private final HostStaging[] staging;
    /** The replicas' gradients and their sum, on the host; made by the first step, reused after. */
    private GradientSum sums;
    /** Replica 0's weights and biases on their way to the other replicas; made by the first broadcast. */
    private double[][] sendW;
    private double[][] sendB;
    /** The replicas 1 … k−1 may not hold replica 0's weights (a failed update or broadcast): send them first. */
    private boolean stale;
    private boolean closed;

    private DataParallel(List<Network> replicas, List<Backend> backends) {
        this.master = replicas.get(0);
        this.replicas = List.copyOf(replicas);
        this.backends = List.copyOf(backends);
        String[] names = new String[backends.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = backends.get(i).name();
        }
        this.pool = new ReplicaPool(names);
        this.staging = new HostStaging[names.length];
        for (int i = 0; i < names.length; i++) {
            staging[i] = new HostStaging(2);
        }
    }

    /**
     * Data parallelism for {@code network} over {@code backends}: replica 0 is {@code network} itself, which must live
     * on {@code backends.get(0)}; every other backend gets a copy of its weights.
     *
     * @param network the network to train (stays the caller's; {@link #close()} does not close it)
     * @param backends one backend per replica, the network's first; a backend may appear more than once
     * @return a DataParallel the caller closes
     */
    public static DataParallel of(Network network, List<Backend> backends) {
        String call = "DataParallel.of";
        if (network == null) {
            throw new InvalidArgumentException(call + ": the network is null");
        }
        if (backends == null || backends.isEmpty()) {
            throw new InvalidArgumentException(call + ": the backend list is " + (backends == null ? "null" : "empty")
                    + "; give at least one backend, the network's (" + network.backend().name() + ") first");
        }
        if (network.isClosed()) {
            throw new NablaException(call + ": the network is closed [" + network.backend().name() + "]");
        }
        Replicas.checkBackends(call, backends);
        for (int i = 0; i < backends.size(); i++) {
            Backend b = backends.get(i);
            if (!b.supports(network.dtype())) {
                throw new UnsupportedDTypeException(call + ": backend " + i + " (" + b.name() + ") cannot hold "
                        + network.dtype() + " tensors, the network's dtype; every replica computes in the network's "
                        + "dtype [" + b.name() + "]");
            }
        }
        if (backends.get(0) != network.backend()) {
            throw new BackendMismatchException(call + ": the network lives on " + network.backend().name()
                    + " but backend 0 is " + backends.get(0).name() + " (another instance); replica 0 is the network "
                    + "itself: put its backend first");
        }
        List<Network> replicas = new ArrayList<>(backends.size());
        replicas.add(network);
        try {
            for (int i = 1; i < backends.size(); i++) {
                Backend b = backends.get(i);
                replicas.add(network.backend().asCall(call, () -> b.asCall(call, () -> network.copyTo(b))));
            }
        } catch (RuntimeException | Error e) {              // no copy outlives a failed construction
            for (int i = 1; i < replicas.size(); i++) {
                replicas.get(i).close();
            }
            throw e;
        }
        return new DataParallel(replicas, backends);
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
     * Replica {@code i}: 0 is the network given to {@link #of}, the others are copies this object owns. For reading
     * (weights, predictions); training one of them directly makes the replicas disagree.
     *
     * @param i the replica, 0-based
     * @return its network
     */
    public Network replica(int i) {
        if (i < 0 || i >= replicas.size()) {
            throw new InvalidArgumentException("DataParallel.replica: replica " + i + " does not exist; there are "
                    + replicas.size() + " (0.." + (replicas.size() - 1) + ")" + tags());
        }
        return replicas.get(i);
    }

    /**
     * The backends, replica order.
     *
     * @return an unmodifiable list of k backends
     */
    public List<Backend> backends() {
        return backends;
    }

    /**
     * One data-parallel training step on the global batch (x, t): shard gradients on every replica at once, their
     * float64 combination, one update of replica 0 with {@code optimizer}, its weights sent to every replica.
     *
     * @param x the global batch, N × inputs with N ≥ k, on any backend (typically replica 0's)
     * @param t the targets, N × outputs, on x's backend
     * @param optimizer the optimizer; it belongs to replica 0, the network given to {@link #of}
     * @return the global batch's mean loss before the update, Σ_i (n_i/N)·L_i
     */
    public double trainStep(Tensor x, Tensor t, Optimizer optimizer) {
        String call = "DataParallel.trainStep";
        checkBatch(call, x, t);
        if (optimizer == null) {
            throw new InvalidArgumentException(call + ": the optimizer is null" + tags());
        }
        syncIfStale(call);
        double loss = combinedGradients(call, x, t);
        GradientSum g = sums;
        try {
            master.backend().asCall(call, () -> {
                master.applyGradients(g.sumW, g.sumB, optimizer);
                return null;
            });
        } catch (InvalidArgumentException e) {             // the optimizer refused these parameters: nothing changed
            throw e;
        } catch (RuntimeException e) {
            stale = replicas.size() > 1;
            throw new ReplicaFailedException(call, 0, replicas.size(), master.backend().name(),
                    ReplicaFailedException.Stage.UPDATE, e);
        }
        broadcast(call);
        return loss;
    }

    /**
     * The loss and gradients of the global batch's mean loss, computed as a step computes them (shards on every
     * replica, combined in float64 in replica order), without an update: what parity tests compare with
     * {@link Network#gradients} on one backend.
     *
     * @param x the global batch, N × inputs with N ≥ k, on any backend
     * @param t the targets, N × outputs, on x's backend
     * @return the loss and gradients, on the host
     */
    public Gradients gradients(Tensor x, Tensor t) {
        String call = "DataParallel.gradients";
        checkBatch(call, x, t);
        syncIfStale(call);
        double loss = combinedGradients(call, x, t);      // makes sums on the first call
        return sums.toGradients(loss);
    }

    /** Fills {@link #sums} (its sumW, sumB) with the global batch's gradients; returns its loss. */
    private double combinedGradients(String call, Tensor x, Tensor t) {
        int k = replicas.size();
        if (sums == null) {
            sums = new GradientSum(k, master);
        }
        int[] bounds = Shards.bounds(x.rows(), k);
        Tensor[] xs = new Tensor[k];
        Tensor[] ts = new Tensor[k];
        try {
            // views are made here, on the caller's thread, and read by the replicas' threads (reads may overlap)
            for (int i = 0; i < k; i++) {
                xs[i] = k == 1 ? x : x.sliceRows(bounds[i], bounds[i + 1]).detach();
                ts[i] = k == 1 ? t : t.sliceRows(bounds[i], bounds[i + 1]).detach();
            }
            pool.run(call, ReplicaFailedException.Stage.GRADIENTS, 0, i -> shardGradients(call, i, xs[i], ts[i]));
            return sums.combine(bounds);
        } finally {
            if (k > 1) {
                for (int i = 0; i < k; i++) {
                    closeQuietly(xs[i]);
                    closeQuietly(ts[i]);
                }
            }
        }
    }

    /**
     * Replica i's loss and gradients on its shard, into sums' arrays of replica i; the shard is copied to its backend
     * (through the replica's host staging) when it lives elsewhere.
     */
    private Void shardGradients(String call, int i, Tensor xs, Tensor ts) {
        Backend b = backends.get(i);
        Network net = replicas.get(i);
        GradientSum g = sums;
        return b.asCall(call, () -> {
            if (xs.backend() == b) {
                g.losses[i] = net.gradientsInto(xs, ts, g.dW[i], g.db[i]);
                return null;
            }
            Tensor xc = null;
            Tensor tc = null;
            try {
                xc = xs.backend().asCall(call, () -> staging[i].copy(0, xs, b));
                Tensor xcf = xc;
                tc = ts.backend().asCall(call, () -> staging[i].copy(1, ts, b));
                g.losses[i] = net.gradientsInto(xcf, tc, g.dW[i], g.db[i]);
                return null;
            } finally {
                closeQuietly(xc);
                closeQuietly(tc);
            }
        });
    }

    /** Sends replica 0's weights to replicas 1 … k−1; marks them stale until it has succeeded. */
    private void broadcast(String call) {
        int k = replicas.size();
        if (k == 1) {
            return;
        }
        stale = true;
        int layers = master.layers().size();
        if (sendW == null) {
            sendW = new double[layers][];
            sendB = new double[layers][];
            for (int l = 0; l < layers; l++) {
                Dense d = master.layers().get(l);
                sendW[l] = new double[Math.multiplyExact(d.inputs(), d.outputs())];
                sendB[l] = new double[d.outputs()];
            }
        }
        double[][] w = sendW;
        double[][] b = sendB;
        double scale = master.precisionStats().lossScale();    // FLOAT16: the replicas scale by the master's S
        try {
            master.backend().asCall(call, () -> {
                for (int l = 0; l < layers; l++) {
                    master.weightsInto(l, w[l]);
                    master.biasesInto(l, b[l]);
                }
                return null;
            });
        } catch (RuntimeException e) {
            throw new ReplicaFailedException(call, 0, k, master.backend().name(), ReplicaFailedException.Stage.BROADCAST,
                    e);
        }
        pool.run(call, ReplicaFailedException.Stage.BROADCAST, 1, i -> backends.get(i).asCall(call, () -> {
            Network net = replicas.get(i);
            for (int l = 0; l < layers; l++) {
                net.setWeights(l, w[l]);
                net.setBiases(l, b[l]);
            }
            net.setLossScale(scale);
            return null;
        }));
        stale = false;
    }

    /**
     * Sends replica 0's weights to every other replica, e.g. after the caller trained replica 0 alone on a batch of
     * fewer than k rows (the last of an epoch): the replicas then agree again.
     */
    public void syncReplicas() {
        String call = "DataParallel.syncReplicas";
        if (closed) {
            throw new NablaException(call + ": this DataParallel is closed" + tags());
        }
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).isClosed()) {
                throw new NablaException(call + ": " + (i == 0 ? "the network" : "replica " + i) + " is closed ["
                        + backends.get(i).name() + "]");
            }
        }
        broadcast(call);
    }

    private void syncIfStale(String call) {
        if (stale) {
            broadcast(call);
        }
    }

    /**
     * Closes the copies on backends 1 … k−1 and the replicas' threads; the network given to {@link #of} stays open
     * (it holds the trained weights). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sums = null;                                        // the host arrays go to the collector
        sendW = null;
        sendB = null;
        for (HostStaging h : staging) {
            h.clear();
        }
        try {
            for (int i = 1; i < replicas.size(); i++) {
                replicas.get(i).close();
            }
        } finally {
            pool.close();
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "DataParallel[" + replicas.size() + " replicas of " + master + tags() + "]";
    }

    // ---- checks ----------------------------------------------------------------------------------------------------------

    /** Every check a step needs, on the caller's thread, before any replica starts: a bad batch is the caller's error. */
    private void checkBatch(String call, Tensor x, Tensor t) {
        if (closed) {
            throw new NablaException(call + ": this DataParallel is closed" + tags());
        }
        for (int i = 0; i < replicas.size(); i++) {
            Network net = replicas.get(i);
            if (net.isClosed()) {
                throw new NablaException(call + ": " + (i == 0 ? "the network" : "replica " + i) + " is closed ["
                        + backends.get(i).name() + "]");
            }
            if (backends.get(i).isClosed()) {
                throw new BackendClosedException(call + ": backend " + i + " (" + backends.get(i).name() + ") is closed");
            }
        }
        checkTensor(call, "input", x);
        checkTensor(call, "targets", t);
        if (t.backend() != x.backend()) {
            throw new BackendMismatchException(call + ": the input lives on " + x.backend().name()
                    + " but the targets on " + t.backend().name() + "; keep a batch on one backend");
        }
        if (x.cols() != master.inputSize()) {
            throw new ShapeMismatchException(call + ": input " + x.shape() + " does not fit the network's "
                    + master.inputSize() + " inputs (need N×" + master.inputSize() + ")" + tags());
        }
        if (t.rows() != x.rows() || t.cols() != master.outputSize()) {
            throw new ShapeMismatchException(call + ": targets " + t.shape() + " do not match the output "
                    + x.rows() + "×" + master.outputSize() + " of input " + x.shape() + tags());
        }
        if (x.rows() < replicas.size()) {
            throw new ShapeMismatchException(call + ": a batch of " + x.rows() + " row" + (x.rows() == 1 ? "" : "s")
                    + " cannot be split over " + replicas.size() + " replicas (every shard needs at least one row; "
                    + "use a batch of at least " + replicas.size() + " rows or fewer replicas)" + tags());
        }
    }

    private void checkTensor(String call, String what, Tensor x) {
        if (x == null) {
            throw new InvalidArgumentException(call + ": the " + what + " is null" + tags());
        }
        if (x.isClosed()) {
            throw new TensorClosedException(call + ": the " + what + " " + x.shape() + " is closed [" + x.backend().name()
                    + "]");
        }
        if (x.backend().isClosed()) {
            throw new BackendClosedException(call + ": the " + what + "'s backend " + x.backend().name() + " is closed");
        }
        if (x.dtype() != master.dtype()) {
            throw new DTypeMismatchException(call + ": the " + what + " " + x.shape() + " is " + x.dtype()
                    + " but the network is " + master.dtype() + " [" + x.backend().name() + "]");
        }
    }

    /** {@code " [cpu, cpu, opencl]"}: the replicas' backends. */
    private String tags() {
        return Replicas.tags(backends);
    }

    private static void closeQuietly(Tensor t) {
        Replicas.closeQuietly(t);
    }
}
