package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensors one forward and backward pass at batch size N writes: activations A(l), errors δ(l), gradients dW(l)
 * and db(l), the 1 × 1 loss and, for a cross-entropy network, the output layer's pre-activation Z(L) (its logits, from
 * which the loss is computed). Allocated once per batch size and reused, so that a training step after the first
 * creates no tensors.
 */
final class Workspace implements AutoCloseable {
    final int batch;
    final Tensor[] activations;
    final Tensor[] deltas;
    final Tensor[] weightGrads;
    final Tensor[] biasGrads;
    final Tensor loss;
    /** Z(L) of the output layer, N × outputs; null unless the loss is computed from the logits. */
    final Tensor logits;
    final List<Parameter> parameters;

    /** Allocates every tensor, or none: if one allocation fails, those made before it are closed and it rethrows. */
    Workspace(Backend backend, DType dtype, List<Dense> layers, int batch, boolean keepLogits) {
        this(backend, dtype, layers, batch, keepLogits, null);
    }

    /**
     * As above, with A(l) and δ(l) of layer l stored in {@code storage[l]} (a mixed-precision network keeps its hidden
     * layers' in 16 bits, see {@link MixedPrecision}); null: every one in {@code dtype}. Gradients, the loss and the
     * logits are always {@code dtype}.
     */
    Workspace(Backend backend, DType dtype, List<Dense> layers, int batch, boolean keepLogits, DType[] storage) {
        this.batch = batch;
        int n = layers.size();
        activations = new Tensor[n];
        deltas = new Tensor[n];
        weightGrads = new Tensor[n];
        biasGrads = new Tensor[n];
        List<Parameter> params = new ArrayList<>(2 * n);
        Tensor lossTensor = null;
        Tensor logitsTensor = null;
        try {
            for (int l = 0; l < n; l++) {
                Dense d = layers.get(l);
                DType stored = storage == null ? dtype : storage[l];
                activations[l] = backend.empty(batch, d.outputs(), stored).detach();
                deltas[l] = backend.empty(batch, d.outputs(), stored).detach();
                weightGrads[l] = backend.empty(d.inputs(), d.outputs(), dtype).detach();
                biasGrads[l] = backend.empty(1, d.outputs(), dtype).detach();
                params.add(new Parameter("W" + l, d.weights(), weightGrads[l], true));
                params.add(new Parameter("b" + l, d.bias(), biasGrads[l], false));
            }
            lossTensor = backend.empty(1, 1, dtype).detach();
            if (keepLogits) {
                logitsTensor = backend.empty(batch, layers.get(n - 1).outputs(), dtype).detach();
            }
        } catch (RuntimeException | Error e) {
            closeAll();
            if (lossTensor != null) {
                lossTensor.close();
            }
            throw e;
        }
        loss = lossTensor;
        logits = logitsTensor;
        parameters = List.copyOf(params);
    }

    @Override
    public void close() {
        closeAll();
        loss.close();
        if (logits != null) {
            logits.close();
        }
    }

    private void closeAll() {
        for (Tensor[] group : new Tensor[][]{activations, deltas, weightGrads, biasGrads}) {
            for (Tensor t : group) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }
}
