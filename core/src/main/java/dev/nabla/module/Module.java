package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.autograd.Var;
import dev.nabla.io.HostTensor;
import dev.nabla.io.Safetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A differentiable building block in the manner of {@code torch.nn.Module}: named parameters (tensors the module
 * owns, each behind a {@link Var#parameter} leaf) and named children, a {@link #forward(Var)} composed of
 * {@link Var} ops (so it runs inside a {@link dev.nabla.autograd.Graph}, on every backend), train and eval modes,
 * and state dicts with PyTorch's names and layout.
 *
 * <pre>{@code
 * try (Sequential model = new Sequential(new Linear(784, 128, be, 1), new ReLU(), new Linear(128, 10, be, 2))) {
 *     try (Graph g = Graph.record(be)) {
 *         model.forward(Var.constant(x)).crossEntropyWithLogits(targets).backward();
 *     }
 *     model.parameters();                  // "0.weight", "0.bias", "2.weight", "2.bias" → Vars with grad()
 *     model.save(Path.of("model.safetensors"));   // torch.nn.Sequential(...).load_state_dict(load_file(...))
 * }
 * }</pre>
 *
 * <p><b>Names.</b> A parameter's name is its path from this module: the child names joined by dots, then the
 * parameter's own name ({@code "0.weight"} in a Sequential, {@code "weight"} in a Linear), in the order of
 * {@code torch.nn.Module.named_parameters()}: a module's own parameters in the order it added them, then each child's
 * in the order the children were added.
 *
 * <p><b>Ownership.</b> A module owns its parameter tensors and their gradients; {@link #close()} frees both, and its
 * children's. The {@link Var}s of {@link #parameters()} stay the same objects for the module's life (loading a state
 * dict writes into the existing tensors), so an optimizer may hold them.
 *
 * <p><b>Writing a module.</b> Add parameters with {@link #addParameter} / {@link #addVectorParameter} and children
 * with {@link #addChild} in the constructor, implement {@link #compute(Var)} (the forward of one batch, rows are
 * samples) and {@link #copyTo(Backend)} (a new module of the same structure holding copies of the parameters).
 */
public abstract class Module implements AutoCloseable {
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private boolean closed;

    /** A module without parameters or children, in training mode. */
    protected Module() {
    }

    // ---- building ----------------------------------------------------------------------------------------------------

    /**
     * Adds a matrix parameter, saved in state dicts as {@code [rows, cols]}. The module takes ownership of
     * {@code value} (detached from any scope; closed by {@link #close()}).
     *
     * @param name the parameter's own name: not empty, no dots, unique among this module's parameters and children
     * @param value a FLOAT32 or FLOAT64 tensor
     * @return the parameter's leaf
     */
    protected final Var addParameter(String name, Tensor value) {
        return add(name, value, false);
    }

    /**
     * Adds a 1 × n parameter that PyTorch stores as a vector {@code [n]} (a bias, a scale): state dicts save and load
     * it with shape {@code [n]}. The module takes ownership of {@code value}.
     *
     * @param name the parameter's own name: not empty, no dots, unique among this module's parameters and children
     * @param value a 1 × n FLOAT32 or FLOAT64 tensor
     * @return the parameter's leaf
     */
    protected final Var addVectorParameter(String name, Tensor value) {
        if (value != null && value.rows() != 1) {
            value.close();
            throw new dev.nabla.InvalidShapeException(call("addVectorParameter") + ": parameter '" + name
                    + "' must be a 1 × n row, got " + value.shape() + " [" + value.backend().name() + "]");
        }
        return add(name, value, true);
    }

    private Var add(String name, Tensor value, boolean vector) {
        String op = vector ? "addVectorParameter" : "addParameter";
        if (value == null) {
            throw new InvalidArgumentException(call(op) + ": the tensor of parameter '" + name + "' is null");
        }
        try {
            checkName(op, name);
            Var v = Var.parameter(value);
            params.put(name, new Param(value.detach(), v, vector));
            return v;
        } catch (RuntimeException | Error e) {
            value.close();
            throw e;
        }
    }

    /**
     * Adds a child module; its parameters appear in this module's as {@code name + "." + theirName}. This module
     * takes ownership of the child (closes it with itself).
     *
     * @param <M> the child's type
     * @param name the child's name: not empty, no dots, unique among this module's parameters and children
     * @param child the child, not this module nor one already added
     * @return the child
     */
    protected final <M extends Module> M addChild(String name, M child) {
        if (child == null) {
            throw new InvalidArgumentException(call("addChild") + ": child '" + name + "' is null");
        }
        checkName("addChild", name);
        if (child == this || children.containsValue(child)) {
            throw new InvalidArgumentException(call("addChild") + ": " + child.getClass().getSimpleName()
                    + " is already a child of this " + getClass().getSimpleName() + " (or is this module); "
                    + "share weights by sharing the Var, not the module");
        }
        if (child.isClosed()) {
            throw new TensorClosedException(call("addChild") + ": child '" + name + "' ("
                    + child.getClass().getSimpleName() + ") is closed");
        }
        children.put(name, child);
        return child;
    }

    private void checkName(String op, String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new InvalidArgumentException(call(op) + ": name '" + name + "' must be non-empty and without dots "
                    + "(dots join the names of children and parameters)");
        }
        if (params.containsKey(name) || children.containsKey(name)) {
            throw new InvalidArgumentException(call(op) + ": name '" + name + "' is taken in this "
                    + getClass().getSimpleName());
        }
    }

    // ---- forward and modes -------------------------------------------------------------------------------------------

    /**
     * The module applied to a batch (rows are samples), recorded in the current graph: open one with
     * {@code Graph.record(backend)} (or {@code Graph.noGrad} for evaluation) first.
     *
     * @param x the input
     * @return the output, owned by the current graph
     */
    public final Var forward(Var x) {
        checkOpen("forward");
        if (x == null) {
            throw new InvalidArgumentException(call("forward") + ": the input is null");
        }
        return compute(x);
    }

    /**
     * The forward computation of this module; {@link #forward(Var)} has checked that the module is open and
     * {@code x} is not null. Errors should name {@code call("forward")}.
     *
     * @param x the input
     * @return the output
     */
    protected abstract Var compute(Var x);

    /**
     * Training mode for this module and every descendant (Dropout drops). New modules are in training mode.
     *
     * @return this module
     */
    public Module train() {
        return train(true);
    }

    /**
     * Evaluation mode for this module and every descendant (Dropout is the identity), as {@code torch.nn.Module.eval}.
     *
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * Sets the mode of this module and every descendant.
     *
     * @param on true for training, false for evaluation
     * @return this module
     */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
        return this;
    }

    /**
     * Whether this module is in training mode.
     *
     * @return true in training mode
     */
    public final boolean isTraining() {
        return training;
    }

    // ---- parameters --------------------------------------------------------------------------------------------------

    /**
     * Every parameter of this module and its descendants, by dotted name, in PyTorch's order (see the class comment).
     * A new map each call; the Vars are the module's own.
     *
     * @return name → parameter leaf, ordered
     */
    public final LinkedHashMap<String, Var> parameters() {
        checkOpen("parameters");
        LinkedHashMap<String, Var> out = new LinkedHashMap<>();
        collect("", (name, p) -> out.put(name, p.var()));
        return out;
    }

    /**
     * The children of this module by name, in the order they were added (not their descendants).
     *
     * @return name → child, ordered; a new map
     */
    public final LinkedHashMap<String, Module> children() {
        return new LinkedHashMap<>(children);
    }

    /** Visits every parameter (own first, then each child's) with its dotted name. */
    final void collect(String prefix, java.util.function.BiConsumer<String, Param> visitor) {
        for (Map.Entry<String, Param> e : params.entrySet()) {
            visitor.accept(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", visitor);
        }
    }

    /**
     * Frees the accumulated gradient of every parameter (the next backward starts afresh), as PyTorch's
     * {@code zero_grad(set_to_none=True)}.
     */
    public final void zeroGrad() {
        checkOpen("zeroGrad");
        collect("", (name, p) -> p.var().zeroGrad());
    }

    /**
     * The number of parameter elements (weights and biases) of this module and its descendants.
     *
     * @return the total element count
     */
    public final long parameterCount() {
        checkOpen("parameterCount");
        long[] n = {0};
        collect("", (name, p) -> n[0] += p.tensor().size());
        return n[0];
    }

    // ---- copies and state dicts --------------------------------------------------------------------------------------

    /**
     * A new module of the same structure and mode on {@code target}, holding copies of this module's parameter values
     * (through the host when the backends differ; gradients are not copied). This module is unchanged.
     *
     * @param target the backend of the copy (may be this module's)
     * @return the copy, which the caller owns
     */
    public abstract Module copyTo(Backend target);

    /**
     * Gives {@code copy} this module's mode (its children carry their own), for {@link #copyTo} implementations.
     *
     * @param <M> the copy's type
     * @param copy a new module built by {@link #copyTo}
     * @return {@code copy}
     */
    protected final <M extends Module> M withModeOf(M copy) {
        ((Module) copy).training = training;
        return copy;
    }

    /**
     * The parameter values by dotted name, on the host, as PyTorch's {@code state_dict()} holds them: a matrix
     * parameter as {@code [rows, cols]} (a Linear's weight is {@code [out, in]}), a vector one as {@code [n]}; in the
     * module's dtype. Write it with {@link Safetensors#write}, or use {@link #save}.
     *
     * @return name → values, ordered as {@link #parameters()}
     */
    public final LinkedHashMap<String, HostTensor> stateDict() {
        checkOpen("stateDict");
        return StateDicts.of(this);
    }

    /**
     * Replaces every parameter's values with those in {@code state}, which must hold exactly this module's names, each
     * with its PyTorch shape and this module's dtype. Every mismatch (a missing or unexpected name, a shape, a dtype) is
     * reported at once in a {@link dev.nabla.io.WeightsMismatchException} naming the tensors, and the module is
     * changed only when all fit. Gradients are kept.
     *
     * @param state name → values, e.g. {@link Safetensors#read} of a file {@code safetensors.torch.save_file} wrote
     */
    public final void loadStateDict(Map<String, HostTensor> state) {
        checkOpen("loadStateDict");
        if (state == null) {
            throw new InvalidArgumentException(call("loadStateDict") + ": the state dict is null");
        }
        StateDicts.load(this, call("loadStateDict"), "the state dict", state);
    }

    /**
     * Writes {@link #stateDict()} to {@code file} in the safetensors format (atomically), readable by
     * {@code safetensors.torch.load_file} and then {@code torch.nn.Module.load_state_dict}.
     *
     * @param file the file, replaced atomically
     * @throws IOException when the file cannot be written
     */
    public final void save(Path file) throws IOException {
        checkOpen("save");
        if (file == null) {
            throw new InvalidArgumentException(call("save") + ": the file is null");
        }
        Safetensors.write(file, stateDict(), null);
    }

    /**
     * Reads a safetensors file (one {@link #save} or {@code safetensors.torch.save_file(model.state_dict(), ...)}
     * wrote) into this module's parameters, as {@link #loadStateDict}. A file that is not valid safetensors throws
     * {@link dev.nabla.io.WeightsFormatException}; one that does not fit, {@link dev.nabla.io.WeightsMismatchException}
     * naming the file; the module is then unchanged.
     *
     * @param file the file to read
     * @throws IOException when the file cannot be read
     */
    public final void load(Path file) throws IOException {
        checkOpen("load");
        if (file == null) {
            throw new InvalidArgumentException(call("load") + ": the file is null");
        }
        StateDicts.load(this, call("load"), "file " + file, Safetensors.read(file));
    }

    // ---- life cycle --------------------------------------------------------------------------------------------------

    /**
     * Whether {@link #close()} was called.
     *
     * @return true when closed
     */
    public final boolean isClosed() {
        return closed;
    }

    /** Frees every parameter tensor and gradient of this module and its descendants. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Param p : params.values()) {
            try {
                p.var().close();
                p.tensor().close();
            } catch (RuntimeException e) {    // free the rest before reporting
                first = first == null ? e : first;
            }
        }
        for (Module c : children.values()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Throws a typed error naming {@code call(op)} when this module is closed.
     *
     * @param op the method the user called, e.g. {@code "forward"}
     */
    protected final void checkOpen(String op) {
        if (closed) {
            throw new TensorClosedException(call(op) + ": this " + getClass().getSimpleName() + " is closed (its "
                    + "parameters were freed)");
        }
    }

    /**
     * The user's call as error messages name it: {@code "Linear.forward"}.
     *
     * @param op the method name
     * @return the class's simple name, a dot, and {@code op}
     */
    protected final String call(String op) {
        return getClass().getSimpleName() + "." + op;
    }

    /** This module's own parameters (package access for state dicts). */
    final Map<String, Param> ownParams() {
        return params;
    }

    // ---- printing ----------------------------------------------------------------------------------------------------

    /**
     * What {@link #toString()} prints between the parentheses for this module itself, as PyTorch's
     * {@code extra_repr} ({@code "in_features=2, out_features=3, bias=True"}); empty by default.
     *
     * @return the description of this module's configuration
     */
    protected String extraRepr() {
        return "";
    }

    /** The module as PyTorch prints it: {@code Sequential(\n  (0): Linear(in_features=2, ...)\n  (1): ReLU()\n)}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            s.append('\n');
            for (Map.Entry<String, Module> e : children.entrySet()) {
                s.append("  (").append(e.getKey()).append("): ")
                        .append(e.getValue().toString().replace("\n", "\n  ")).append('\n');
            }
        }
        return s.append(')').toString();
    }
}
