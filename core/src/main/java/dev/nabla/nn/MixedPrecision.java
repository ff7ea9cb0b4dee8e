package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Ops;
import dev.nabla.Tensor;
import dev.nabla.spi.UnaryOp;

import java.util.List;

/**
 * The 16-bit side of a network trained with {@code precision(BFLOAT16 | FLOAT16)}: FLOAT32 master weights, biases,
 * gradients and optimizer state stay in the network; this holds the 16-bit copies the GEMMs read, decides which
 * activations are stored in 16 bits, and keeps the dynamic loss scale.
 * <ul>
 *   <li>Storage: a hidden layer l (not the output layer) whose activation is elementwise keeps A(l) and δ(l) in the
 *       16-bit type ({@link #storage()}), where the backend has the three ops that then read 16-bit storage: the
 *       fused bias + activation and δ ⊙ g′ ({@code fusedActivationsOnHalves}) and the column sum db = 1ᵀδ
 *       ({@code sumColumnsOnHalves}). Otherwise (or for a softmax hidden layer) A(l) and δ(l) stay FLOAT32 and are
 *       cast to 16-bit copies for the GEMMs, as before. The output layer's Z, A and δ are FLOAT32 for the softmax
 *       and the loss.</li>
 *   <li>Forward: W(l), b(l) of each 16-bit layer and X are cast to the 16-bit type (rounded to nearest even) once
 *       per pass. A 16-bit layer's gemm X̃·W̃(l) (float32 accumulation) is rounded once into its 16-bit A(l), and the
 *       fused g(· + b̃(l)) runs on it in place, in float32, rounded once again; that A(l) is the next layer's gemm
 *       input as it is. The output layer's gemm writes a FLOAT32 Z.</li>
 *   <li>Backward: δ(L) (float32, from the loss) is cast to 16 bits; dW(l) = Ã(l−1)ᵀ·δ̃(l) is a gemm into FLOAT32;
 *       δ̃(l)·W̃(l)ᵀ is rounded once into the 16-bit δ(l−1) and ⊙ g′(Ã(l−1)) applied to it in place; db(l) = 1ᵀ·δ(l)
 *       sums the 16-bit δ in float32 into the FLOAT32 gradient.</li>
 *   <li>FLOAT16 has 5 exponent bits: a δ below 2⁻²⁴ flushes to 0, above 65504 overflows. So δ(L) is multiplied by the
 *       loss scale S before the backward pass (exact: S is a power of two) and the gradients by 1/S after it, as
 *       PyTorch's GradScaler does: S starts at 2¹⁶; a step whose gradients hold ∞ or NaN is skipped (no update, no
 *       optimizer state change) and halves S; after {@value #GROWTH_INTERVAL} clean steps in a row S doubles.
 *       BFLOAT16 has float32's exponent range and is not scaled (S = 1).</li>
 * </ul>
 */
final class MixedPrecision implements AutoCloseable {
    static final double INITIAL_SCALE = 65536;
    static final double GROWTH_FACTOR = 2;
    static final double BACKOFF_FACTOR = 0.5;
    static final int GROWTH_INTERVAL = 2000;

    private final Backend backend;
    private final DType half;
    private final List<Dense> layers;
    /** Whether layer l keeps A(l) and δ(l) in the 16-bit type (else FLOAT32, with 16-bit copies for the GEMMs). */
    private final boolean[] halfStored;
    /** W̃(l), cast from the master weights at every forward pass. */
    private final Tensor[] weights;
    /** b̃(l) of the 16-bit layers (null for the others), cast from the master biases at every forward pass. */
    private final Tensor[] biases;
    private int batch = -1;
    /** X̃: the caller's 16-bit X, or {@link #inputCopy}. */
    private Tensor input;
    /** X̃ ← X rounded, for a FLOAT32 X; allocated at the first such batch of a size. */
    private Tensor inputCopy;
    /** Ã(l) of the FLOAT32-stored hidden layers; null for the 16-bit ones (their A is the copy) and the output. */
    private Tensor[] activationCopies;
    /** δ̃(l) of the FLOAT32-stored layers (the output layer's included); null for the 16-bit ones. */
    private Tensor[] deltaCopies;
    private double scale;
    private int cleanSteps;
    private long steps;
    private long skipped;

    MixedPrecision(Backend backend, DType half, List<Dense> layers) {
        this.backend = backend;
        this.half = half;
        this.layers = layers;
        this.weights = new Tensor[layers.size()];
        this.biases = new Tensor[layers.size()];
        this.halfStored = new boolean[layers.size()];
        boolean ops = backend.compute().fusedActivationsOnHalves() && backend.compute().sumColumnsOnHalves();
        for (int l = 0; l < layers.size() - 1; l++) {
            halfStored[l] = ops && layers.get(l).activation().isElementwise();
        }
        this.scale = half == DType.FLOAT16 ? INITIAL_SCALE : 1;
    }

    DType half() {
        return half;
    }

    PrecisionStats stats() {
        return new PrecisionStats(half, scale, steps, skipped);
    }

    /** The dtype of A(l) and δ(l) in the workspace, per layer: the 16-bit type or FLOAT32. */
    DType[] storage() {
        DType[] s = new DType[layers.size()];
        for (int l = 0; l < s.length; l++) {
            s[l] = halfStored[l] ? half : DType.FLOAT32;
        }
        return s;
    }

    /** Whether layer l stores A(l) and δ(l) in 16 bits. */
    boolean halfStored(int l) {
        return halfStored[l];
    }

    /**
     * Casts the master weights to W̃, the 16-bit layers' biases to b̃ and x to X̃ (a 16-bit x is X̃ itself: no copy);
     * (re)allocates the per-batch 16-bit copies when N changes.
     */
    void beginForward(Tensor x) {
        Ops ops = backend.ops();
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            if (weights[l] == null) {
                weights[l] = backend.empty(d.inputs(), d.outputs(), half).detach();
            }
            ops.cast(d.weights(), weights[l]);
            if (halfStored[l]) {
                if (biases[l] == null) {
                    biases[l] = backend.empty(1, d.outputs(), half).detach();
                }
                ops.cast(d.bias(), biases[l]);
            }
        }
        if (batch != x.rows()) {
            closeBatch();
            int n = layers.size();
            activationCopies = new Tensor[n];
            deltaCopies = new Tensor[n];
            for (int l = 0; l < n; l++) {
                if (!halfStored[l]) {
                    if (l < n - 1) {
                        activationCopies[l] = backend.empty(x.rows(), layers.get(l).outputs(), half).detach();
                    }
                    deltaCopies[l] = backend.empty(x.rows(), layers.get(l).outputs(), half).detach();
                }
            }
            batch = x.rows();
        }
        if (x.dtype() == half) {
            input = x;
            return;
        }
        if (inputCopy == null) {
            inputCopy = backend.empty(x.rows(), x.cols(), half).detach();
        }
        ops.cast(x, inputCopy);
        input = inputCopy;
    }

    /** X̃ for layer 0, else Ã(l−1) (the workspace's own A(l−1) where it is 16-bit), as the gemm input of layer l. */
    Tensor inputOf(int l, Workspace ws) {
        if (l == 0) {
            return input;
        }
        return halfStored[l - 1] ? ws.activations[l - 1] : activationCopies[l - 1];
    }

    Tensor weights(int l) {
        return weights[l];
    }

    /** b̃(l) of a 16-bit layer. */
    Tensor bias(int l) {
        return biases[l];
    }

    /** Ã(l) ← A(l) rounded, for a FLOAT32-stored hidden layer: the next layer's gemm input and dW(l+1)'s. */
    void keepActivation(int l, Tensor a) {
        backend.ops().cast(a, activationCopies[l]);
    }

    /** δ̃(l): the workspace's δ(l) where it is 16-bit, else its copy ← δ(l) rounded. */
    Tensor halfDelta(int l, Workspace ws) {
        if (halfStored[l]) {
            return ws.deltas[l];
        }
        backend.ops().cast(ws.deltas[l], deltaCopies[l]);
        return deltaCopies[l];
    }

    /** δ(L) ← S·δ(L) before the backward pass (FLOAT16 only). */
    void scaleOutputDelta(Tensor delta) {
        if (scale != 1) {
            backend.ops().unary(UnaryOp.SCALE, scale, delta, delta);
        }
    }

    /**
     * Whether every gradient is finite (Σ 0·g is 0 exactly when no g is ∞ or NaN, one value read back); when they
     * are, divides them by S. FLOAT16 only; BFLOAT16 grads are used as they are.
     */
    boolean unscale(Workspace ws) {
        if (half != DType.FLOAT16) {
            return true;
        }
        Ops ops = backend.ops();
        double probe = 0;
        try (dev.nabla.Scope s = backend.scope()) {
            for (int l = 0; l < layers.size(); l++) {
                for (Tensor g : new Tensor[]{ws.weightGrads[l], ws.biasGrads[l]}) {
                    Tensor zero = backend.empty(g.rows(), g.cols(), g.dtype());
                    ops.unary(UnaryOp.SCALE, 0.0, g, zero);
                    probe += zero.sum().item();
                }
            }
        }
        if (probe != 0) {
            return false;
        }
        for (int l = 0; l < layers.size(); l++) {
            ops.unary(UnaryOp.SCALE, 1 / scale, ws.weightGrads[l], ws.weightGrads[l]);
            ops.unary(UnaryOp.SCALE, 1 / scale, ws.biasGrads[l], ws.biasGrads[l]);
        }
        return true;
    }

    /**
     * S ← scale, the growth count restarted (FLOAT16 only: the caller checked that scale is a finite power of two
     * > 0). For data-parallel training, where one scaler (the master's) decides from the combined gradients and every
     * replica scales its δ(L) by that S.
     */
    void setScale(double scale) {
        setScale(scale, 0);
    }

    /** S ← scale and the count of clean steps since S last changed ← cleanSteps (a saved scaler, resumed). */
    void setScale(double scale, int cleanSteps) {
        this.scale = scale;
        this.cleanSteps = cleanSteps;
    }

    /** Clean steps since S last changed (GradScaler's growth tracker); S doubles when it reaches GROWTH_INTERVAL. */
    int cleanSteps() {
        return cleanSteps;
    }

    /** Records a step: a clean one may grow S, a skipped one halves it. */
    void afterStep(boolean applied) {
        steps++;
        if (half != DType.FLOAT16) {
            return;
        }
        if (!applied) {
            skipped++;
            scale *= BACKOFF_FACTOR;
            cleanSteps = 0;
        } else if (++cleanSteps == GROWTH_INTERVAL) {
            scale *= GROWTH_FACTOR;
            cleanSteps = 0;
        }
    }

    private void closeBatch() {
        if (inputCopy != null) {
            inputCopy.close();
            inputCopy = null;
        }
        input = null;
        for (Tensor[] group : new Tensor[][]{activationCopies, deltaCopies}) {
            if (group != null) {
                for (Tensor t : group) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
        }
        activationCopies = null;
        deltaCopies = null;
        batch = -1;
    }

    @Override
    public void close() {
        closeBatch();
        for (Tensor[] group : new Tensor[][]{weights, biases}) {
            for (int l = 0; l < group.length; l++) {
                if (group[l] != null) {
                    group[l].close();
                    group[l] = null;
                }
            }
        }
    }
}
