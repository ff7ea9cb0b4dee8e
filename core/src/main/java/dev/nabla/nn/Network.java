package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.BackendClosedException;
import dev.nabla.BackendMismatchException;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.Ops;
import dev.nabla.Scope;
import dev.nabla.Shape;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.io.HostTensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fully connected network on one backend, trained by backpropagation written once against {@link Ops}
 * (backprop.md): forward {@code Z(l) = A(l−1)·W(l) + 1·b(l), A(l) = g(Z(l))}; backward
 * {@code dW(l) = A(l−1)ᵀ·δ(l)}, {@code db(l) = 1ᵀ·δ(l)}, {@code δ(l−1) = (δ(l)·W(l)ᵀ) ⊙ g'(A(l−1))}.
 *
 * <pre>{@code
 * Network net = Network.builder()
 *         .input(784).dense(256, Activation.RELU).dense(10, Activation.SOFTMAX)
 *         .loss(Loss.CROSS_ENTROPY).seed(7).build(backend);
 * double loss = net.trainStep(x, t, Optimizers.sgd(0.1));
 * }</pre>
 *
 * Layers are numbered from 0. The tensors a step writes are allocated once per batch size and reused. Not safe for
 * use from two threads at once; independent networks on one backend are.
 */
public final class Network implements AutoCloseable {
    private final Backend backend;
    private final DType dtype;
    private final List<Dense> layers;
    private final Loss loss;
    /** The two most recently used workspaces, newest first (a last, smaller batch must not evict the main one). */
    private final Workspace[] workspaces = new Workspace[2];
    private boolean closed;
    /**
     * Float32 host copies of each layer's W and b shapes ([2·l] for W(l), [2·l + 1] for b(l)), made on the first
     * host transfer of a FLOAT32 parameter or gradient and reused after: reading or writing parameters every step
     * (DataParallel) then allocates nothing on the host. Null entries until used; dropped by close().
     */
    private float[][] hostStaging;
    /** The 16-bit copies and loss scale of mixed-precision training; null at precision FLOAT32. */
    private final MixedPrecision mixed;

    Network(Backend backend, DType dtype, List<Dense> layers, Loss loss) {
        this(backend, dtype, layers, loss, DType.FLOAT32);
    }

    /** {@code precision}: FLOAT32, or BFLOAT16/FLOAT16 for mixed precision (dtype FLOAT32, checked by the builder). */
    Network(Backend backend, DType dtype, List<Dense> layers, Loss loss, DType precision) {
        this.backend = backend;
        this.dtype = dtype;
        this.layers = List.copyOf(layers);
        this.loss = loss;
        this.mixed = precision.isHalf() ? new MixedPrecision(backend, precision, this.layers) : null;
    }

    /**
     * A builder: {@code Network.builder().input(2).dense(3, Activation.SIGMOID).loss(Loss.MSE).build(backend)}.
     *
     * @return a new builder
     */
    public static NetworkBuilder builder() {
        return new NetworkBuilder();
    }

    /**
     * The backend holding the parameters; inputs must live there too.
     *
     * @return the backend
     */
    public Backend backend() {
        return backend;
    }

    /**
     * The dtype of the parameters and of the inputs it accepts.
     *
     * @return FLOAT32 or FLOAT64
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The type its forward and backward GEMMs read: FLOAT32 (the parameters' own dtype; no mixed precision), or
     * BFLOAT16/FLOAT16 for mixed-precision training (FLOAT32 master weights, see {@link NetworkBuilder#precision}).
     *
     * @return FLOAT32, BFLOAT16 or FLOAT16
     */
    public DType precision() {
        return mixed == null ? DType.FLOAT32 : mixed.half();
    }

    /**
     * The state of mixed-precision training: the loss scale, the steps taken and those skipped on an overflow.
     *
     * @return the current statistics (precision FLOAT32: scale 1, no skipped steps)
     */
    public PrecisionStats precisionStats() {
        return mixed == null ? new PrecisionStats(DType.FLOAT32, 1, 0, 0) : mixed.stats();
    }

    /**
     * Sets the loss scale S of a FLOAT16 network ({@link NetworkBuilder#precision}), as {@link PrecisionStats#lossScale}
     * reports it, and restarts the count of clean steps after which S doubles. For data-parallel training: replicas
     * compute their gradients with the master's S ({@code DataParallel} and nabla-spark set it every step), and the
     * master's {@link #applyGradients} decides from the combined gradients whether to skip the step and halve S.
     * S must be a power of two (scaling δ by it is then exact), finite and &gt; 0. Networks of another precision
     * have S = 1 and refuse any other value.
     *
     * @param scale the new loss scale, a power of two
     */
    public void setLossScale(double scale) {
        backend.asCall("setLossScale", () -> {
            checkOpen("setLossScale");
            requirePowerOfTwo("setLossScale", scale);
            if (precision() != DType.FLOAT16) {
                if (scale != 1) {
                    throw new InvalidArgumentException("setLossScale: a " + precision() + " network is not loss-scaled"
                            + " (S = 1); only FLOAT16 networks take a loss scale, got " + scale + tag());
                }
                return null;
            }
            mixed.setScale(scale);
            return null;
        });
    }

    /**
     * The dynamic loss scaler's state, named as in PyTorch's {@code GradScaler.state_dict()}: {@code scale} (S) and
     * {@code growth_tracker} (clean steps since S last changed; S doubles when it reaches 2000). With the weights and
     * {@link #optimizerState}, it is what resuming FLOAT16 training bit for bit needs ({@link #loadLossScalerState}).
     * Networks of another precision report S = 1 and 0.
     *
     * @return a new map with the keys scale and growth_tracker, in that order
     */
    public Map<String, Double> lossScalerState() {
        return backend.asCall("lossScalerState", () -> {
            checkOpen("lossScalerState");
            Map<String, Double> state = new java.util.LinkedHashMap<>();
            boolean scaled = mixed != null && mixed.half() == DType.FLOAT16;
            state.put("scale", scaled ? mixed.stats().lossScale() : 1.0);
            state.put("growth_tracker", scaled ? (double) mixed.cleanSteps() : 0.0);
            return state;
        });
    }

    /**
     * Restores a state from {@link #lossScalerState}: scale must be a finite power of two &gt; 0 and growth_tracker a
     * whole number in [0, 2000). A network of another precision takes only scale 1 and growth_tracker 0.
     *
     * @param state the keys scale and growth_tracker
     */
    public void loadLossScalerState(Map<String, Double> state) {
        backend.asCall("loadLossScalerState", () -> {
            checkOpen("loadLossScalerState");
            if (state == null || !state.keySet().equals(java.util.Set.of("scale", "growth_tracker"))) {
                throw new InvalidArgumentException("loadLossScalerState: the state must hold exactly scale and "
                        + "growth_tracker, got " + (state == null ? "null" : state.keySet()) + tag());
            }
            if (state.get("scale") == null || state.get("growth_tracker") == null) {
                throw new InvalidArgumentException("loadLossScalerState: a value is null: " + state + tag());
            }
            double scale = state.get("scale");
            double tracker = state.get("growth_tracker");
            requirePowerOfTwo("loadLossScalerState", scale);
            if (!(tracker >= 0 && tracker < MixedPrecision.GROWTH_INTERVAL && tracker == Math.rint(tracker))) {
                throw new InvalidArgumentException("loadLossScalerState: growth_tracker must be a whole number in [0, "
                        + MixedPrecision.GROWTH_INTERVAL + "), got " + tracker + tag());
            }
            if (precision() != DType.FLOAT16) {
                if (scale != 1 || tracker != 0) {
                    throw new InvalidArgumentException("loadLossScalerState: a " + precision() + " network is not "
                            + "loss-scaled (scale 1, growth_tracker 0), got " + state + tag());
                }
                return null;
            }
            mixed.setScale(scale, (int) tracker);
            return null;
        });
    }

    private void requirePowerOfTwo(String op, double scale) {
        boolean powerOfTwo = scale > 0 && Double.isFinite(scale) && scale == Math.scalb(1.0, Math.getExponent(scale));
        if (!powerOfTwo) {
            throw new InvalidArgumentException(op + ": the loss scale must be a finite power of two > 0, got " + scale
                    + tag());
        }
    }

    /**
     * The dtype each layer's activations A(l) and errors δ(l) are stored in during a step, input side first: the
     * network's dtype at precision FLOAT32; with mixed precision the 16-bit type for the hidden layers with an
     * elementwise activation where the backend has the ops that read them (fused activations and sumColumns on
     * 16-bit storage), FLOAT32 for the others and for the output layer (softmax and loss).
     *
     * @return one dtype per layer, unmodifiable
     */
    public List<DType> activationStorage() {
        if (mixed == null) {
            return java.util.Collections.nCopies(layers.size(), dtype);
        }
        return List.of(mixed.storage());
    }

    /**
     * The loss it trains with.
     *
     * @return the loss
     */
    public Loss loss() {
        return loss;
    }

    /**
     * The layers, input side first.
     *
     * @return an unmodifiable list
     */
    public List<Dense> layers() {
        return layers;
    }

    /**
     * The number of input features, the columns of X.
     *
     * @return n0
     */
    public int inputSize() {
        return layers.get(0).inputs();
    }

    /**
     * The number of outputs, the columns of f(X).
     *
     * @return the last layer's outputs
     */
    public int outputSize() {
        return layers.get(layers.size() - 1).outputs();
    }

    // ---- forward ---------------------------------------------------------------------------------------------------------

    /**
     * The network's output f(X) for a batch x (N × inputs), as a new tensor the caller owns.
     *
     * @param x the batch, N × inputs
     * @return a new N × outputs tensor
     */
    public Tensor forward(Tensor x) {
        return backend.asCall("forward", () -> forwardCall(x));
    }

    private Tensor forwardCall(Tensor x) {
        checkInput("forward", x);
        Workspace ws = workspace(x.rows());
        forward(ws, x);
        Tensor out = backend.empty(x.rows(), outputSize(), dtype);
        try {
            backend.ops().copy(ws.activations[layers.size() - 1], out);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /**
     * The loss L(X, T), read back to the host.
     *
     * @param x the batch, N × inputs
     * @param t the targets, N × outputs
     * @return the loss
     */
    public double loss(Tensor x, Tensor t) {
        return backend.asCall("loss", () -> lossCall(x, t));
    }

    private double lossCall(Tensor x, Tensor t) {
        checkBatch("loss", x, t);
        Workspace ws = workspace(x.rows());
        forward(ws, x);
        backwardOutput(ws, t);
        return ws.loss.item();
    }

    private void forward(Workspace ws, Tensor x) {
        if (mixed != null) {
            forwardMixed(ws, x);
            return;
        }
        Ops ops = backend.ops();
        Tensor in = x;
        int last = layers.size() - 1;
        for (int l = 0; l < last; l++) {
            layers.get(l).forward(ops, in, ws.activations[l]);
            in = ws.activations[l];
        }
        if (ws.logits != null) {                            // the cross-entropies keep Z(L) for their loss
            layers.get(last).forward(ops, in, ws.logits, ws.activations[last]);
        } else {
            layers.get(last).forward(ops, in, ws.activations[last]);
        }
    }

    /**
     * {@link #forward(Workspace, Tensor)} with 16-bit GEMM inputs; the hidden layers {@link MixedPrecision} stores in
     * 16 bits write their A there (gemm rounded once, fused bias + activation on it), the others and the output layer
     * compute in float32.
     */
    private void forwardMixed(Workspace ws, Tensor x) {
        Ops ops = backend.ops();
        mixed.beginForward(x);
        int last = layers.size() - 1;
        for (int l = 0; l < last; l++) {
            Dense d = layers.get(l);
            if (mixed.halfStored(l)) {
                d.forwardWithBias(ops, mixed.inputOf(l, ws), mixed.weights(l), mixed.bias(l), ws.activations[l]);
            } else {
                d.forwardWith(ops, mixed.inputOf(l, ws), mixed.weights(l), ws.activations[l]);
                mixed.keepActivation(l, ws.activations[l]);
            }
        }
        if (ws.logits != null) {
            layers.get(last).forwardWith(ops, mixed.inputOf(last, ws), mixed.weights(last), ws.logits,
                    ws.activations[last]);
        } else {
            layers.get(last).forwardWith(ops, mixed.inputOf(last, ws), mixed.weights(last), ws.activations[last]);
        }
    }

    /**
     * The predicted class of each row of x: the column of the output's maximum (first on ties), computed on the device.
     *
     * @param x the batch, N × inputs
     * @return a new INT32 N × 1 tensor the caller owns
     */
    public Tensor predict(Tensor x) {
        return backend.asCall("predict", () -> {
            checkInput("predict", x);
            Workspace ws = workspace(x.rows());
            forward(ws, x);
            Tensor out = backend.empty(x.rows(), 1, DType.INT32);
            try {
                backend.ops().argmaxRows(ws.activations[layers.size() - 1], out);
            } catch (RuntimeException | Error e) {
                out.close();
                throw e;
            }
            return out;
        });
    }

    /**
     * The mean loss and the accuracy over every batch of one pass of {@code loader} (epoch 0, in its order), computed on
     * the device: two numbers are read back at the end, nothing per batch. The loader's labels give the targets
     * (one-hot over {@link #outputSize()} classes).
     *
     * @param loader batches of inputs × labels on this network's backend
     * @return the loss, accuracy and row count
     */
    public Evaluation evaluate(dev.nabla.data.DataLoader loader) {
        return backend.asCall("evaluate", () -> evaluateCall(loader));
    }

    private Evaluation evaluateCall(dev.nabla.data.DataLoader loader) {
        checkOpen("evaluate");
        if (loader == null) {
            throw new InvalidArgumentException("evaluate: the loader is null" + tag());
        }
        if (loader.backend() != backend) {
            throw new dev.nabla.BackendMismatchException("evaluate: the loader's data lives on "
                    + loader.backend().name() + ", the network on " + backend.name());
        }
        if (loader.columns() != inputSize()) {
            throw new dev.nabla.ShapeMismatchException("evaluate: the loader's rows have " + loader.columns()
                    + " features, the network has " + inputSize() + " inputs" + tag());
        }
        if (loader.dtype() != dtype && (mixed == null || loader.dtype() != mixed.half())) {
            throw new dev.nabla.DTypeMismatchException("evaluate: the loader's features are " + loader.dtype()
                    + " but the network is " + dtype + (mixed == null ? "" : " (or " + mixed.half()
                    + ", its precision)") + tag());
        }
        if (loader.classCount() != 0 && loader.classCount() != outputSize()) {
            throw new dev.nabla.ShapeMismatchException("evaluate: the loader makes " + loader.classCount()
                    + "-class targets, the network has " + outputSize() + " outputs" + tag());
        }
        Ops ops = backend.ops();
        long count = 0;
        try (Scope s = backend.scope()) {
            Tensor lossSum = backend.zeros(1, 1, dtype), correct = backend.zeros(1, 1, dtype);
            for (dev.nabla.data.Batch b : loader.epoch(0)) {
                try (Scope perBatch = backend.scope()) {
                    Tensor x = b.features();
                    checkInput("evaluate", x);
                    int n = x.rows();
                    Tensor t = b.targets() != null ? b.targets() : b.labels().oneHot(outputSize(), dtype);
                    Workspace ws = workspace(n);
                    forward(ws, x);
                    backwardOutput(ws, t);
                    ops.axpy(n, ws.loss, lossSum);                                  // Σ over rows of the mean loss
                    Tensor predicted = backend.empty(n, 1, DType.INT32);
                    ops.argmaxRows(ws.activations[layers.size() - 1], predicted);
                    Tensor hits = predicted.eq(b.labels()).cast(dtype).sum();
                    ops.axpy(1, hits, correct);
                    count += n;
                }
            }
            double l = lossSum.item(), c = correct.item();
            return new Evaluation(count == 0 ? Double.NaN : l / count, count == 0 ? Double.NaN : c / count, count);
        }
    }

    /**
     * A network rebuilt from a safetensors file that {@code Safetensors.save} wrote: the architecture (inputs, layer
     * sizes, activations, loss, dtype) from the file's {@code nabla.*} metadata, then the weights. A file without that
     * metadata (e.g. written by PyTorch) gives a {@link dev.nabla.io.WeightsFormatException} naming the missing key;
     * build the network yourself and use {@code Safetensors.load} for those.
     *
     * @param file the .safetensors file
     * @param backend where the network lives
     * @return a new network the caller owns
     * @throws java.io.IOException when the file cannot be read
     */
    public static Network load(java.nio.file.Path file, Backend backend) throws java.io.IOException {
        if (file == null || backend == null) {
            throw new InvalidArgumentException("Network.load: the " + (file == null ? "file" : "backend") + " is null"
                    + (backend == null ? "" : " [" + backend.name() + "]"));
        }
        if (backend.isClosed()) {
            throw new BackendClosedException("Network.load: backend " + backend.name() + " is closed");
        }
        java.util.Map<String, String> meta = dev.nabla.io.Safetensors.readMetadata(file);
        String inputs = required(meta, "nabla.inputs", file, backend);
        String[] units = required(meta, "nabla.units", file, backend).split(",");
        String[] activations = required(meta, "nabla.activations", file, backend).split(",");
        if (units.length != activations.length) {
            throw new dev.nabla.io.WeightsFormatException("Network.load: " + file + " lists " + units.length
                    + " layer sizes but " + activations.length + " activations [" + backend.name() + "]");
        }
        NetworkBuilder b = builder();
        try {
            b.input(Integer.parseInt(inputs.trim()));
            for (int i = 0; i < units.length; i++) {
                b.dense(Integer.parseInt(units[i].trim()), Activation.valueOf(activations[i].trim()));
            }
            b.loss(Loss.valueOf(required(meta, "nabla.loss", file, backend).trim()));
            String dt = meta.get("nabla.dtype");
            if (dt != null) {
                b.dtype(DType.valueOf(dt.trim()));
            }
        } catch (IllegalArgumentException e) {          // NumberFormatException too
            throw new dev.nabla.io.WeightsFormatException("Network.load: " + file + " has architecture metadata "
                    + "Nabla cannot read (" + e.getMessage() + ") [" + backend.name() + "]");
        }
        Network net = b.build(backend);
        try {
            dev.nabla.io.Safetensors.load(net, file);
        } catch (RuntimeException | Error | java.io.IOException e) {
            net.close();
            throw e;
        }
        return net;
    }

    private static String required(java.util.Map<String, String> meta, String key, java.nio.file.Path file,
                                   Backend backend) {
        String v = meta.get(key);
        if (v == null) {
            throw new dev.nabla.io.WeightsFormatException("Network.load: " + file + " has no \"" + key + "\" metadata "
                    + "(not saved by Nabla's Safetensors.save); build the network and call Safetensors.load instead ["
                    + backend.name() + "]");
        }
        return v;
    }

    // ---- backward --------------------------------------------------------------------------------------------------------

    /**
     * Loss and δ(L) from the output activations and the targets; the cross-entropies' loss from the logits Z(L)
     * (exact where the output saturates), δ(L) = (f − T)/N either way.
     */
    private void backwardOutput(Workspace ws, Tensor t) {
        int last = layers.size() - 1;
        if (ws.logits != null) {
            backend.ops().logitLossAndDelta(loss.term(), ws.logits, ws.activations[last], t, ws.deltas[last], ws.loss);
            return;
        }
        Activation out = layers.get(last).activation();
        backend.ops().lossAndDelta(loss.term(), loss.outputGrad(out), ws.activations[last], t, ws.deltas[last],
                ws.loss);
    }

    /** Fills ws with dW(l), db(l) for every layer; the loss lands in ws.loss. */
    private void backward(Workspace ws, Tensor x, Tensor t) {
        if (mixed != null) {
            backwardMixed(ws, t);
            return;
        }
        Ops ops = backend.ops();
        backwardOutput(ws, t);
        for (int l = layers.size() - 1; l >= 0; l--) {
            Tensor aPrev = l == 0 ? x : ws.activations[l - 1];
            ops.gemm(true, false, 1.0, aPrev, ws.deltas[l], 0.0, ws.weightGrads[l]);   // dW = A(l−1)ᵀ·δ(l)
            ops.sumColumns(ws.deltas[l], ws.biasGrads[l]);                              // db = 1ᵀ·δ(l)
            if (l > 0) {                                                                // δ(l−1) = (δ·Wᵀ) ⊙ g'(A(l−1))
                ops.backpropDelta(layers.get(l - 1).activation().gradFromOutputOp(), ws.deltas[l],
                        layers.get(l).weights(), aPrev, ws.deltas[l - 1]);
            }
        }
    }

    /**
     * {@link #backward} with 16-bit GEMM inputs and float32 gradients; δ(l−1) = (δ̃(l)·W̃(l)ᵀ) ⊙ g'(A(l−1)) is formed
     * in the storage type of layer l−1 (16 bits: the gemm rounds once into it, g' is applied in place, and it is
     * δ̃(l−1) itself). At FLOAT16 the gradients come out multiplied by the loss scale ({@link MixedPrecision#unscale}
     * divides them).
     */
    private void backwardMixed(Workspace ws, Tensor t) {
        Ops ops = backend.ops();
        backwardOutput(ws, t);
        mixed.scaleOutputDelta(ws.deltas[layers.size() - 1]);
        for (int l = layers.size() - 1; l >= 0; l--) {
            Tensor deltaHalf = mixed.halfDelta(l, ws);
            ops.gemm(true, false, 1.0, mixed.inputOf(l, ws), deltaHalf, 0.0, ws.weightGrads[l]);   // dW = Ãᵀ·δ̃
            ops.sumColumns(ws.deltas[l], ws.biasGrads[l]);                // db = 1ᵀ·δ, float32 sums of 16-bit δ too
            if (l > 0) {                                                  // δ(l−1) = (δ̃·W̃ᵀ) ⊙ g'(A(l−1))
                ops.gemm(false, true, 1.0, deltaHalf, mixed.weights(l), 0.0, ws.deltas[l - 1]);
                ops.activationBackward(layers.get(l - 1).activation().gradFromOutputOp(), ws.activations[l - 1],
                        ws.deltas[l - 1], ws.deltas[l - 1]);
            }
        }
    }

    /**
     * Loss and every layer's dW, db for the batch (x, t), copied to the host.
     *
     * @param x the batch, N × inputs
     * @param t the targets, N × outputs
     * @return the loss and the gradients, on the host
     */
    public Gradients gradients(Tensor x, Tensor t) {
        return backend.asCall("gradients", () -> gradientsCall(x, t));
    }

    private Gradients gradientsCall(Tensor x, Tensor t) {
        Workspace ws = gradientsOf("gradients", x, t);
        List<double[]> dW = new ArrayList<>();
        List<double[]> db = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            dW.add(ws.weightGrads[l].toDoubleArray());
            db.add(ws.biasGrads[l].toDoubleArray());
            shapes.add(layers.get(l).weights().shape());
        }
        return new Gradients(ws.loss.item(), List.copyOf(dW), List.copyOf(db), List.copyOf(shapes));
    }

    /** The workspace after forward, backward and (FLOAT16) unscaling on (x, t): the loss and dW, db of the batch. */
    private Workspace gradientsOf(String op, Tensor x, Tensor t) {
        checkBatch(op, x, t);
        Workspace ws = workspace(x.rows());
        forward(ws, x);
        backward(ws, x, t);
        if (mixed != null) {
            mixed.unscale(ws);          // not finite: the ∞/NaN gradients are what the caller gets
        }
        return ws;
    }

    /**
     * {@link #gradients(Tensor, Tensor)} into arrays the caller owns and reuses: {@code dW[l]} ← ∂L/∂W(l)
     * (inputs·outputs, row-major) and {@code db[l]} ← ∂L/∂b(l) (outputs), widened exactly to float64, the same values
     * {@link #gradients} gives. For a FLOAT32 or FLOAT64 network a call allocates nothing on the host once the
     * network has read its parameters' shapes once (it keeps one float32 host array per parameter for that, freed by
     * {@link #close()}); DataParallel reads its replicas' gradients this way every step.
     *
     * @param x the batch, N × inputs
     * @param t the targets, N × outputs
     * @param dW one array per layer, of exactly inputs·outputs elements; overwritten
     * @param db one array per layer, of exactly outputs elements; overwritten
     * @return the loss L of the batch
     */
    public double gradientsInto(Tensor x, Tensor t, double[][] dW, double[][] db) {
        return backend.asCall("gradientsInto", () -> {
            checkOpen("gradientsInto");
            checkHostGradients("gradientsInto", dW, db);
            Workspace ws = gradientsOf("gradientsInto", x, t);
            for (int l = 0; l < layers.size(); l++) {
                readHost(ws.weightGrads[l], 2 * l, dW[l]);
                readHost(ws.biasGrads[l], 2 * l + 1, db[l]);
            }
            return ws.loss.item();
        });
    }

    /** One array per layer of exactly the sizes of dW(l) and db(l): what the host-array methods take. */
    private void checkHostGradients(String op, double[][] dW, double[][] db) {
        if (dW == null || db == null) {
            throw new InvalidArgumentException(op + ": the " + (dW == null ? "dW" : "db") + " arrays are null" + tag());
        }
        if (dW.length != layers.size() || db.length != layers.size()) {
            throw new ShapeMismatchException(op + ": " + dW.length + " dW and " + db.length + " db arrays for a network "
                    + "of " + layers.size() + " layer" + (layers.size() == 1 ? "" : "s") + tag());
        }
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            long w = (long) d.inputs() * d.outputs();
            if (dW[l] == null || dW[l].length != w || db[l] == null || db[l].length != d.outputs()) {
                throw new ShapeMismatchException(op + ": layer " + l + " has W " + d.inputs() + "×" + d.outputs()
                        + " and needs " + w + " dW and " + d.outputs() + " db values, got "
                        + (dW[l] == null ? "no dW" : dW[l].length + " dW") + " and "
                        + (db[l] == null ? "no db" : db[l].length + " db") + tag());
            }
        }
    }

    /**
     * Forward, backward and one optimizer update; returns the batch's loss (before the update), read back.
     *
     * @param x the batch, N × inputs
     * @param t the targets, N × outputs
     * @param optimizer the optimizer that updates the parameters
     * @return the loss before the update
     */
    public double trainStep(Tensor x, Tensor t, Optimizer optimizer) {
        return backend.asCall("trainStep", () -> step("trainStep", x, t, optimizer).loss.item());
    }

    /**
     * Like {@link #trainStep} but leaves the loss on the device: nothing is read back, so on an asynchronous
     * backend this returns as soon as the step is enqueued.
     *
     * @param x the batch, N × inputs
     * @param t the targets, N × outputs
     * @param optimizer the optimizer that updates the parameters
     */
    public void trainStepWithoutLoss(Tensor x, Tensor t, Optimizer optimizer) {
        backend.asCall("trainStepWithoutLoss", () -> step("trainStepWithoutLoss", x, t, optimizer));
    }

    /**
     * Like {@link #trainStepWithoutLoss}, and adds N·loss (the batch's summed loss, before the update) to the 1 × 1
     * tensor {@code lossSum} on the device: read it once per epoch (or whenever progress is shown) instead of once per
     * step, so that a step moves no bytes between host and device.
     *
     * @param x the batch, N × inputs
     * @param t the targets, N × outputs
     * @param optimizer the optimizer that updates the parameters
     * @param lossSum a 1 × 1 accumulator of this network's dtype and backend
     */
    public void trainStep(Tensor x, Tensor t, Optimizer optimizer, Tensor lossSum) {
        backend.asCall("trainStep", () -> {
            if (lossSum == null) {
                throw new InvalidArgumentException("trainStep: the loss accumulator is null" + tag());
            }
            if (lossSum.rows() != 1 || lossSum.cols() != 1 || lossSum.dtype() != dtype) {
                throw new ShapeMismatchException("trainStep: the loss accumulator must be 1×1 " + dtype + ", got "
                        + lossSum.shape() + " " + lossSum.dtype() + tag());
            }
            Workspace ws = step("trainStep", x, t, optimizer);
            backend.ops().axpy(x.rows(), ws.loss, lossSum);
            return null;
        });
    }

    private Workspace step(String op, Tensor x, Tensor t, Optimizer optimizer) {
        checkBatch(op, x, t);
        if (optimizer == null) {
            throw new InvalidArgumentException(op + ": optimizer is null" + tag());
        }
        Workspace ws = workspace(x.rows());
        forward(ws, x);
        backward(ws, x, t);
        if (mixed == null) {
            optimizer.step(ws.parameters);
            return ws;
        }
        boolean finite = mixed.unscale(ws);
        if (finite) {                   // an overflowed step changes no parameter and no optimizer state
            optimizer.step(ws.parameters);
        }
        mixed.afterStep(finite);
        return ws;
    }

    /**
     * One optimizer update from gradients computed elsewhere, e.g. combined over several replicas
     * ({@code dev.nabla.parallel.DataParallel}): {@code g}'s dW and db are rounded to this network's dtype, uploaded
     * into the gradient tensors a step uses, and {@code optimizer} steps this network's parameters with them, exactly
     * as in {@link #trainStep} (same binding, same state). Every gradient is uploaded before the optimizer runs, so a
     * failed upload changes no parameter and no optimizer state.
     *
     * <p>With mixed precision the step is counted in {@link #precisionStats}, and a FLOAT16 network treats {@code g}
     * as {@link #trainStep} treats its own unscaled gradients: when any value is ∞ or NaN the update is skipped (no
     * parameter and no optimizer state changes), counted, and the loss scale halved; clean steps grow it. So the
     * master of a data-parallel run keeps PyTorch GradScaler's schedule over the combined gradients.
     *
     * @param g one dW and db per layer, of this network's shapes
     * @param optimizer the optimizer that updates the parameters
     */
    public void applyGradients(Gradients g, Optimizer optimizer) {
        backend.asCall("applyGradients", () -> {
            checkOpen("applyGradients");
            if (g == null || optimizer == null) {
                throw new InvalidArgumentException("applyGradients: the " + (g == null ? "gradients are" : "optimizer is")
                        + " null" + tag());
            }
            if (g.layers() != layers.size()) {
                throw new ShapeMismatchException("applyGradients: gradients of " + g.layers() + " layer"
                        + (g.layers() == 1 ? "" : "s") + " for a network of " + layers.size() + tag());
            }
            for (int l = 0; l < layers.size(); l++) {
                Shape w = layers.get(l).weights().shape();
                if (!g.weightShape(l).equals(w)) {
                    throw new ShapeMismatchException("applyGradients: dW" + l + " is " + g.weightShape(l) + " but W" + l
                            + " is " + w + tag());
                }
            }
            // any workspace holds gradient tensors of the right shapes; the newest one is usually the last step's
            Workspace ws = workspaces[0] != null ? workspaces[0] : workspace(1);
            double[][] dW = new double[layers.size()][];
            double[][] db = new double[layers.size()][];
            for (int l = 0; l < layers.size(); l++) {
                dW[l] = g.dW(l);
                db[l] = g.db(l);
                writeHost("applyGradients", ws.weightGrads[l], 2 * l, dW[l]);
                writeHost("applyGradients", ws.biasGrads[l], 2 * l + 1, db[l]);
            }
            stepWithUploaded(ws, optimizer, dW, db);
            return null;
        });
    }

    /**
     * {@link #applyGradients(Gradients, Optimizer)} from float64 arrays the caller owns and reuses (no copy of them is
     * made): {@code dW[l]} and {@code db[l]} are rounded to this network's dtype, uploaded into the gradient tensors a
     * step uses, and {@code optimizer} steps this network's parameters with them. Every gradient is uploaded before
     * the optimizer runs, so a failed upload changes no parameter and no optimizer state. For a FLOAT32 or FLOAT64
     * network it allocates nothing on the host (see {@link #gradientsInto}). Mixed precision as in the other
     * overload: a FLOAT16 network skips a step whose gradients hold ∞ or NaN and halves its loss scale.
     *
     * @param dW ∂L/∂W of every layer, inputs·outputs values row-major
     * @param db ∂L/∂b of every layer, outputs values
     * @param optimizer the optimizer that updates the parameters
     */
    public void applyGradients(double[][] dW, double[][] db, Optimizer optimizer) {
        backend.asCall("applyGradients", () -> {
            checkOpen("applyGradients");
            if (optimizer == null) {
                throw new InvalidArgumentException("applyGradients: the optimizer is null" + tag());
            }
            checkHostGradients("applyGradients", dW, db);
            Workspace ws = workspaces[0] != null ? workspaces[0] : workspace(1);
            for (int l = 0; l < layers.size(); l++) {
                writeHost("applyGradients", ws.weightGrads[l], 2 * l, dW[l]);
                writeHost("applyGradients", ws.biasGrads[l], 2 * l + 1, db[l]);
            }
            stepWithUploaded(ws, optimizer, dW, db);
            return null;
        });
    }

    /**
     * The optimizer step of both applyGradients, after the upload. As in trainStep: a FLOAT16 step whose gradients hold
     * ∞ or NaN (an overflow at the loss scale they were computed with) changes nothing and halves S; with mixed
     * precision every step is counted.
     */
    private void stepWithUploaded(Workspace ws, Optimizer optimizer, double[][] dW, double[][] db) {
        if (mixed == null) {
            optimizer.step(ws.parameters);
            return;
        }
        boolean finite = mixed.half() != DType.FLOAT16 || (allFinite(dW) && allFinite(db));
        if (finite) {
            optimizer.step(ws.parameters);
        }
        mixed.afterStep(finite);
    }

    private static boolean allFinite(double[][] arrays) {
        for (double[] v : arrays) {
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The state of {@code optimizer} (an {@link Sgd} or {@link Adam} that belongs to this network, or a fresh one) on
     * the host, by this network's parameter names {@code W0}, {@code b0}, {@code W1}, …: its hyper-parameters as
     * {@code param_groups.<setting>} and, once it has stepped, SGD's {@code state.<name>.momentum_buffer} or Adam's
     * {@code state.<name>.step}, {@code .exp_avg}, {@code .exp_avg_sq}, each in its parameter's shape and this
     * network's dtype, bit for bit. With the weights, it is what resuming training needs: a fresh network given these
     * weights and a fresh optimizer given this state ({@link #loadOptimizerState}) take the same steps, bit for bit,
     * as this network and optimizer would. Safetensors.write stores it as it is.
     *
     * @param optimizer the optimizer, not bound to another network
     * @return a new map, in a fixed order
     */
    public Map<String, HostTensor> optimizerState(Optimizer optimizer) {
        return backend.asCall("optimizerState", () -> {
            checkOpen("optimizerState");
            List<Parameter> ps = stateParameters("optimizerState", optimizer);
            return optimizer instanceof Sgd sgd ? sgd.exportState(ps) : ((Adam) optimizer).exportState(ps);
        });
    }

    /**
     * Replaces the state of {@code optimizer} (an {@link Sgd} or {@link Adam}, fresh or already this network's) with
     * one that {@link #optimizerState} made, and binds the optimizer to this network. The state must be of the same
     * optimizer kind with equal hyper-parameters (learning rate included) and hold every parameter of this network by
     * name, shape and dtype (or none, as exported before the first step); otherwise a
     * {@link dev.nabla.io.WeightsMismatchException} lists every entry that does not fit, and nothing has changed. An
     * optimizer bound to another network is refused with {@link InvalidArgumentException}.
     *
     * @param optimizer the optimizer whose state is replaced
     * @param state the state, by name
     */
    public void loadOptimizerState(Optimizer optimizer, Map<String, HostTensor> state) {
        backend.asCall("loadOptimizerState", () -> {
            checkOpen("loadOptimizerState");
            if (state == null) {
                throw new InvalidArgumentException("loadOptimizerState: the state is null" + tag());
            }
            List<Parameter> ps = stateParameters("loadOptimizerState", optimizer);
            if (optimizer instanceof Sgd sgd) {
                sgd.importState("loadOptimizerState", ps, state, backend);
            } else {
                ((Adam) optimizer).importState("loadOptimizerState", ps, state, backend);
            }
            return null;
        });
    }

    /** This network's parameters as its optimizer steps them, after checking that the optimizer exports its state. */
    private List<Parameter> stateParameters(String op, Optimizer optimizer) {
        if (!(optimizer instanceof Sgd) && !(optimizer instanceof Adam)) {
            throw new InvalidArgumentException(op + ": " + (optimizer == null ? "the optimizer is null"
                    : optimizer + " (" + optimizer.getClass().getName() + ") has no state Nabla can read or write; "
                    + "Sgd and Adam (Optimizers.sgd, Optimizers.adam) have") + tag());
        }
        // any workspace's parameter list names the same value tensors; the newest one is usually the last step's
        return (workspaces[0] != null ? workspaces[0] : workspace(1)).parameters;
    }

    // ---- parameters ------------------------------------------------------------------------------------------------------

    /**
     * W of layer {@code layer} (inputs × outputs, row-major) as float64.
     *
     * @param layer the layer, 0-based
     * @return a new array of inputs·outputs values
     */
    public double[] weights(int layer) {
        return backend.asCall("weights", () -> dense("weights", layer).weights().toDoubleArray());
    }

    /**
     * b of layer {@code layer} (1 × outputs) as float64.
     *
     * @param layer the layer, 0-based
     * @return a new array of outputs values
     */
    public double[] biases(int layer) {
        return backend.asCall("biases", () -> dense("biases", layer).bias().toDoubleArray());
    }

    /**
     * {@link #weights(int)} into an array the caller owns and reuses: {@code into} ← W of layer {@code layer}
     * (inputs × outputs, row-major) as float64. Allocates nothing on the host for a FLOAT32 or FLOAT64 network (see
     * {@link #gradientsInto}); DataParallel broadcasts replica 0's weights this way every step.
     *
     * @param layer the layer, 0-based
     * @param into exactly inputs·outputs elements; overwritten
     */
    public void weightsInto(int layer, double[] into) {
        backend.asCall("weightsInto", () -> {
            Tensor w = dense("weightsInto", layer).weights();
            checkLength("weightsInto", w, into);
            readHost(w, 2 * layer, into);
            return null;
        });
    }

    /**
     * {@link #biases(int)} into an array the caller owns and reuses: {@code into} ← b of layer {@code layer} as
     * float64; see {@link #weightsInto}.
     *
     * @param layer the layer, 0-based
     * @param into exactly outputs elements; overwritten
     */
    public void biasesInto(int layer, double[] into) {
        backend.asCall("biasesInto", () -> {
            Tensor b = dense("biasesInto", layer).bias();
            checkLength("biasesInto", b, into);
            readHost(b, 2 * layer + 1, into);
            return null;
        });
    }

    /**
     * Replaces W of layer {@code layer}; {@code values} is inputs × outputs, row-major. For a FLOAT32 or FLOAT64
     * network it allocates nothing on the host once the layer was written once (see {@link #gradientsInto}).
     *
     * @param layer the layer, 0-based
     * @param values the new weights
     */
    public void setWeights(int layer, double[] values) {
        backend.asCall("setWeights", () -> writeHost("setWeights", dense("setWeights", layer).weights(), 2 * layer,
                values));
    }

    /**
     * Replaces b of layer {@code layer}; {@code values} has one value per output.
     *
     * @param layer the layer, 0-based
     * @param values the new biases
     */
    public void setBiases(int layer, double[] values) {
        backend.asCall("setBiases", () -> writeHost("setBiases", dense("setBiases", layer).bias(), 2 * layer + 1,
                values));
    }

    /**
     * Replaces W of layer {@code layer}; {@code values} is inputs × outputs, row-major.
     *
     * @param layer the layer, 0-based
     * @param values the new weights
     */
    public void setWeights(int layer, float[] values) {
        setWeights(layer, widen(values));
    }

    /**
     * Replaces b of layer {@code layer}; {@code values} has one value per output.
     *
     * @param layer the layer, 0-based
     * @param values the new biases
     */
    public void setBiases(int layer, float[] values) {
        setBiases(layer, widen(values));
    }

    /**
     * The same architecture and weights on another backend (same dtype). Optimizer state is not copied.
     *
     * @param target the backend to copy to
     * @return a new network the caller closes
     */
    public Network copyTo(Backend target) {
        checkOpen("copyTo");
        if (target == null) {
            throw new InvalidArgumentException("copyTo: the target backend is null" + tag());
        }
        if (target.isClosed()) {
            throw new BackendClosedException("copyTo: backend " + target.name() + " is closed");
        }
        return backend.asCall("copyTo", () -> target.asCall("copyTo", () -> copy(target)));
    }

    private Network copy(Backend target) {
        List<Dense> copies = new ArrayList<>();
        Tensor w = null;
        try {
            for (Dense d : layers) {
                w = target.fromArray(d.weights().toDoubleArray(), d.inputs(), d.outputs(), dtype).detach();
                Tensor b = target.fromArray(d.bias().toDoubleArray(), 1, d.outputs(), dtype).detach();
                copies.add(new Dense(d.inputs(), d.outputs(), d.activation(), w, b));
                w = null;                                   // the copy owns it now
            }
        } catch (RuntimeException | Error e) {             // nothing stays allocated on the target
            if (w != null) {
                w.close();
            }
            copies.forEach(Dense::close);
            throw e;
        }
        return new Network(target, dtype, copies, loss, precision());
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once the network is closed
     */
    public boolean isClosed() {
        return closed;
    }

    /** Releases weights and workspaces. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hostStaging = null;
        for (int i = 0; i < workspaces.length; i++) {
            if (workspaces[i] != null) {
                workspaces[i].close();
                workspaces[i] = null;
            }
        }
        layers.forEach(Dense::close);
        if (mixed != null) {
            mixed.close();
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Network[").append(inputSize());
        for (Dense d : layers) {
            sb.append(" → ").append(d.outputs()).append(' ').append(d.activation());
        }
        return sb.append(", ").append(loss).append(", ").append(dtype)
                .append(mixed == null ? "" : ", precision " + mixed.half()).append(" on ").append(backend.name())
                .append(']').toString();
    }

    // ---- internals -------------------------------------------------------------------------------------------------------

    private Workspace workspace(int batch) {
        if (workspaces[0] != null && workspaces[0].batch == batch) {
            return workspaces[0];
        }
        Workspace ws;
        if (workspaces[1] != null && workspaces[1].batch == batch) {
            ws = workspaces[1];
            workspaces[1] = workspaces[0];
        } else {
            if (workspaces[1] != null) {                    // evict the older one first: peak memory stays two
                workspaces[1].close();
                workspaces[1] = null;
            }
            // may fail (out of device memory): the cache is then [newest, null], still consistent
            ws = new Workspace(backend, dtype, layers, batch, loss.fromLogits(),
                    mixed == null ? null : mixed.storage());
            workspaces[1] = workspaces[0];
        }
        workspaces[0] = ws;
        return ws;
    }

    private Dense dense(String op, int layer) {
        checkOpen(op);
        if (layer < 0 || layer >= layers.size()) {
            throw new InvalidArgumentException(op + ": layer " + layer + " does not exist; the network has layers 0.."
                    + (layers.size() - 1) + tag());
        }
        return layers.get(layer);
    }

    /**
     * target ← values rounded to target's dtype, as {@code backend.fromArray(values, …, dtype)} rounds them; target is
     * parameter {@code slot}'s shape (W(l): 2·l, b(l): 2·l + 1) and the float32 rounding goes through that slot's
     * reused host array, so a FLOAT32 or FLOAT64 write allocates nothing on the host. A 16-bit target still goes
     * through a temporary tensor.
     */
    private Void writeHost(String op, Tensor target, int slot, double[] values) {
        if (values == null || values.length != target.size()) {
            throw new InvalidArgumentException(op + ": the parameter is " + target.shape() + " and needs "
                    + target.size() + " values, got " + (values == null ? "null" : values.length) + tag());
        }
        switch (target.dtype()) {
            case FLOAT64 -> target.writeFrom(values);
            case FLOAT32 -> {
                float[] f = hostArray(slot, values.length);
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) values[i];
                }
                target.writeFrom(f);
            }
            default -> {
                try (Tensor src = backend.fromArray(values, target.rows(), target.cols(), target.dtype()).detach()) {
                    backend.ops().copy(src, target);
                }
            }
        }
        return null;
    }

    /** into ← src widened exactly to float64, through slot's reused host array (see {@link #writeHost}). */
    private void readHost(Tensor src, int slot, double[] into) {
        switch (src.dtype()) {
            case FLOAT64 -> src.readInto(into);
            case FLOAT32 -> {
                float[] f = hostArray(slot, into.length);
                src.readInto(f);
                for (int i = 0; i < f.length; i++) {
                    into[i] = f[i];
                }
            }
            default -> System.arraycopy(src.toDoubleArray(), 0, into, 0, into.length);
        }
    }

    /** Slot's float32 host array of n elements, made on first use. */
    private float[] hostArray(int slot, int n) {
        if (hostStaging == null) {
            hostStaging = new float[2 * layers.size()][];
        }
        float[] f = hostStaging[slot];
        if (f == null || f.length != n) {
            f = new float[n];
            hostStaging[slot] = f;
        }
        return f;
    }

    private void checkLength(String op, Tensor parameter, double[] into) {
        if (into == null || into.length != parameter.size()) {
            throw new InvalidArgumentException(op + ": the parameter is " + parameter.shape() + " and needs an array of "
                    + parameter.size() + " values, got " + (into == null ? "null" : into.length) + tag());
        }
    }

    private static double[] widen(float[] values) {
        if (values == null) {
            return null;
        }
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    private String tag() {
        return " [" + backend.name() + "]";
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new NablaException(op + ": the network is closed" + tag());
        }
    }

    private void checkInput(String op, Tensor x) {
        checkOpen(op);
        checkTensor(op, "input", x, true);
        if (x.cols() != inputSize()) {
            throw new ShapeMismatchException(op + ": input " + x.shape() + " does not fit the network's " + inputSize()
                    + " inputs (need N×" + inputSize() + ") [" + backend.name() + "]");
        }
    }

    private void checkBatch(String op, Tensor x, Tensor t) {
        checkInput(op, x);
        checkTensor(op, "targets", t);
        if (t.rows() != x.rows() || t.cols() != outputSize()) {
            throw new ShapeMismatchException(op + ": targets " + t.shape() + " do not match the output "
                    + new Shape(x.rows(), outputSize()) + " of input " + x.shape()
                    + (loss == Loss.CROSS_ENTROPY ? " (CROSS_ENTROPY targets are one-hot rows)" : "")
                    + " [" + backend.name() + "]");
        }
    }

    private void checkTensor(String op, String what, Tensor x) {
        checkTensor(op, what, x, false);
    }

    /**
     * {@code halfInput}: x may also be of the network's 16-bit precision (the first gemm reads it as it is, no copy
     * X̃ is made).
     */
    private void checkTensor(String op, String what, Tensor x, boolean halfInput) {
        if (x == null) {
            throw new InvalidArgumentException(op + ": " + what + " is null" + tag());
        }
        if (x.isClosed()) {
            throw new TensorClosedException(op + ": " + what + " " + x.shape() + " is closed" + tag());
        }
        if (x.backend() != backend) {
            throw new BackendMismatchException(op + ": " + what + " " + x.shape() + " lives on " + x.backend().name()
                    + " but the network lives on " + backend.name() + "; move it with tensor.to(backend)");
        }
        if (halfInput && mixed != null && x.dtype() == mixed.half()) {
            return;
        }
        if (x.dtype() != dtype) {
            throw new DTypeMismatchException(op + ": " + what + " " + x.shape() + " is " + x.dtype()
                    + " but the network is " + dtype + (halfInput && mixed != null ? " (inputs may be " + mixed.half()
                    + ", its precision)" : "") + " [" + backend.name() + "]");
        }
    }
}
