package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Ops;
import dev.nabla.Tensor;
import dev.nabla.spi.UnaryOp;

import java.util.List;

/**
 * The 16-bit side of a network trained with {@code precision(BFLOAT16 | FLOAT16)}: FLOAT32 master weights, biases,
 * gradients and optimizer state stay in the network; this holds the 16-bit copies the GEMMs read, and the dynamic
 * loss scale.
 * <ul>
 *   <li>Forward: W(l) and X are cast to the 16-bit type (rounded to nearest even), Z(l) = X̃·W̃(l) is a gemm on 16-bit
 *       inputs with float32 accumulation into a FLOAT32 Z; bias, activation and loss run in float32 on it, and A(l)
 *       is cast to 16 bits for the next layer's gemm.</li>
 *   <li>Backward: δ(l) (float32) is cast to 16 bits; dW(l) = Ã(l−1)ᵀ·δ̃(l) and δ(l−1) = (δ̃(l)·W̃(l)ᵀ) ⊙ g'(A(l−1)) are
 *       gemms on 16-bit inputs into FLOAT32, db(l) = 1ᵀ·δ(l) sums the float32 δ.</li>
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
    /** W̃(l), cast from the master weights at every forward pass. */
    private final Tensor[] weights;
    private int batch = -1;
    private Tensor input;
    private Tensor[] activations;
    private Tensor[] deltas;
    private double scale;
    private int cleanSteps;
    private long steps;
    private long skipped;

    MixedPrecision(Backend backend, DType half, List<Dense> layers) {
        this.backend = backend;
        this.half = half;
        this.layers = layers;
        this.weights = new Tensor[layers.size()];
        this.scale = half == DType.FLOAT16 ? INITIAL_SCALE : 1;
    }

    DType half() {
        return half;
    }

    PrecisionStats stats() {
        return new PrecisionStats(half, scale, steps, skipped);
    }

    /** Casts the master weights to W̃ and x to X̃; (re)allocates the per-batch 16-bit tensors when N changes. */
    void beginForward(Tensor x) {
        Ops ops = backend.ops();
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            if (weights[l] == null) {
                weights[l] = backend.empty(d.inputs(), d.outputs(), half).detach();
            }
            ops.cast(d.weights(), weights[l]);
        }
        if (batch != x.rows()) {
            closeBatch();
            int n = layers.size();
            activations = new Tensor[n];
            deltas = new Tensor[n];
            input = backend.empty(x.rows(), x.cols(), half).detach();
            for (int l = 0; l < n; l++) {
                activations[l] = backend.empty(x.rows(), layers.get(l).outputs(), half).detach();
                deltas[l] = backend.empty(x.rows(), layers.get(l).outputs(), half).detach();
            }
            batch = x.rows();
        }
        ops.cast(x, input);
    }

    /** X̃ for layer 0, else Ã(l−1), as the gemm input of layer l. */
    Tensor inputOf(int l) {
        return l == 0 ? input : activations[l - 1];
    }

    Tensor weights(int l) {
        return weights[l];
    }

    /** Ã(l) ← A(l) rounded, for the next layer's gemm and for dW(l+1). */
    void keepActivation(int l, Tensor a) {
        backend.ops().cast(a, activations[l]);
    }

    /** δ̃(l) ← δ(l) rounded. */
    Tensor halfDelta(int l, Tensor delta) {
        backend.ops().cast(delta, deltas[l]);
        return deltas[l];
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
        if (input != null) {
            input.close();
            input = null;
        }
        for (Tensor[] group : new Tensor[][]{activations, deltas}) {
            if (group != null) {
                for (Tensor t : group) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
        }
        activations = null;
        deltas = null;
        batch = -1;
    }

    @Override
    public void close() {
        closeBatch();
        for (int l = 0; l < weights.length; l++) {
            if (weights[l] != null) {
                weights[l].close();
                weights[l] = null;
            }
        }
    }
}
