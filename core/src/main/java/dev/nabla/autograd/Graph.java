package dev.nabla.autograd;

import dev.nabla.Backend;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of one differentiable computation (PyTorch's autograd tape, made explicit): every op on {@link Var}s
 * inside {@code try (Graph g = Graph.record(backend)) {...}} records itself here, {@link Var#backward()} walks the
 * record in reverse and accumulates ∂L/∂p into each parameter's {@link Var#grad()}, and closing the graph frees every
 * intermediate value and gradient it holds. So a training step leaves nothing allocated but the parameters' gradients
 * (the leak detector and {@code backend.stats()} show it). {@link #noGrad} records nothing: for evaluation.
 *
 * <p>Graphs belong to the thread that opened them; they nest (the innermost one records). One backward per graph:
 * record the computation again for another.
 */
public final class Graph implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<Graph>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    final Backend backend;
    final boolean recording;
    /** Every value this graph computed, in creation order (a topological order of the computation). */
    private final List<Var> nodes = new ArrayList<>();
    /** Tensors a forward saved for its backward (besides the values), freed on close. */
    private final List<Tensor> saved = new ArrayList<>();
    private boolean closed;
    private boolean backwardDone;

    private Graph(Backend backend, boolean recording) {
        this.backend = backend;
        this.recording = recording;
    }

    /**
     * Opens a graph that records differentiable ops on {@code backend} for this thread.
     *
     * @param backend where the computation runs
     * @return the open graph; close it (try-with-resources) to free its intermediates
     */
    public static Graph record(Backend backend) {
        return open(backend, true);
    }

    /**
     * Opens a graph that computes without recording: no backward, no saved intermediates beyond the values (which it
     * frees on close). For evaluation and inference.
     *
     * @param backend where the computation runs
     * @return the open graph
     */
    public static Graph noGrad(Backend backend) {
        return open(backend, false);
    }

    private static Graph open(Backend backend, boolean recording) {
        if (backend == null) {
            throw new InvalidArgumentException("Graph." + (recording ? "record" : "noGrad") + ": the backend is null");
        }
        Graph g = new Graph(backend, recording);
        OPEN.get().push(g);
        return g;
    }

    /** The innermost open graph of this thread, or a typed error naming {@code op} and its operands' backend. */
    static Graph current(String op, Var... operands) {
        Graph g = OPEN.get().peek();
        if (g == null) {
            String where = "";
            for (Var v : operands == null ? new Var[0] : operands) {
                if (v != null) {
                    where = " [" + v.value.backend().name() + "]";
                    break;
                }
            }
            throw new AutogradException(op + ": autograd ops run inside a graph: "
                    + "try (Graph g = Graph.record(backend)) { ... } (or Graph.noGrad for evaluation)" + where);
        }
        return g;
    }

    /**
     * Whether this graph records backward rules.
     *
     * @return false for a {@link #noGrad} graph
     */
    public boolean isRecording() {
        return recording;
    }

    /** Takes ownership of an op's output value (detached from any scope: this graph frees it). */
    Var add(Var v) {
        nodes.add(v);
        return v.ownedBy(this);
    }

    /** Keeps a tensor an op's backward rule needs until the graph closes; returns it. */
    Tensor save(Tensor t) {
        saved.add(t.detach());
        return t;
    }

    /** Runs the backward pass from root with seed ∂L/∂root; see {@link Var#backward(Tensor)}. */
    void backward(Var root, Tensor seed) {
        String be = " [" + backend.name() + "]";
        if (closed) {
            seed.close();
            throw new AutogradException("backward: the graph of " + root.describe() + " is closed; its intermediates "
                    + "were freed" + be);
        }
        if (backwardDone) {
            seed.close();
            throw new AutogradException("backward: this graph's backward already ran and accumulated the gradients "
                    + "once; record the computation again (a new Graph) for another" + be);
        }
        backwardDone = true;
        root.pending = seed;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Var node = nodes.get(i);
            Tensor g = node.pending;
            if (g == null) {
                continue;
            }
            node.pending = null;
            try {
                if (node.rule != null) {
                    node.rule.backward(g, new Sink(node));
                }
            } finally {
                g.close();
            }
        }
        for (Var node : nodes) {                // a rule that threw may leave gradients behind: free them
            if (node.pending != null) {
                node.pending.close();
                node.pending = null;
            }
        }
    }

    /** Routes a rule's input gradients: into leaves' grad (accumulated), or into intermediates' pending sums. */
    private static final class Sink implements Gradients {
        private final Var node;

        Sink(Var node) {
            this.node = node;
        }

        @Override
        public boolean wants(int index) {
            return node.inputs[index].requiresGrad;
        }

        @Override
        public void add(int index, Tensor grad) {
            Var in = node.inputs[index];
            grad.detach();
            if (!in.requiresGrad) {
                grad.close();
                return;
            }
            if (!grad.shape().equals(in.value.shape())) {
                grad.close();
                throw new AutogradException("backward: the rule of " + node.op + " gave input " + index + " a gradient "
                        + "of the wrong shape for " + in.value.shape() + " [" + in.value.backend().name() + "]");
            }
            if (in.isLeaf()) {
                in.accumulate(grad);
            } else if (in.pending == null) {
                in.pending = grad;
            } else {
                try {
                    in.pending.axpyInPlace(1.0, grad);
                } finally {
                    grad.close();
                }
            }
        }
    }

    /** Frees every value this graph computed and every gradient still pending; leaves are not touched. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ArrayDeque<Graph> open = OPEN.get();
        open.remove(this);
        for (Var v : nodes) {
            if (v.pending != null) {
                v.pending.close();
                v.pending = null;
            }
            v.value.close();
        }
        nodes.clear();
        for (Tensor t : saved) {
            t.close();
        }
        saved.clear();
    }

    /**
     * The op of every value this graph has recorded so far, in order: the Var method's name, with the activation for
     * the fused layers ({@code "matmulTransB"}, {@code "linearTransB(RELU)"}). For debugging and for tests that
     * check every backward rule was exercised.
     *
     * @return a new list of op names
     */
    public List<String> recordedOps() {
        List<String> ops = new ArrayList<>(nodes.size());
        for (Var v : nodes) {
            ops.add(v.op);
        }
        return ops;
    }

    boolean isClosed() {
        return closed;
    }
}
