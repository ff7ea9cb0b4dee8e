package dev.nabla.optim;

import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.autograd.Var;
import dev.nabla.io.HostTensor;
import dev.nabla.io.WeightsMismatchException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every optimizer shares: the checked parameters, the learning rate, the per-parameter state (created at a
 * parameter's first update: a step count and the tensors {@link #slots()} names, zeros on the parameter's backend),
 * the step loop that skips null gradients, zeroGrad, the state dict and close. A subclass supplies the update rule.
 */
abstract class OptimizerBase implements Optimizer {
    /** The user-facing name: {@code SGD}, {@code Adam}, {@code AdamW}. */
    final String name;
    final NamedParameters params;
    private double lr;
    /** The state of each parameter updated so far, by name. */
    private final Map<String, State> states = new LinkedHashMap<>();
    private boolean closed;

    /** A parameter's state: how many updates it has had and its state tensors (in {@link #slots()} order). */
    static final class State {
        long step;
        final Tensor[] slots;

        State(long step, Tensor[] slots) {
            this.step = step;
            this.slots = slots;
        }

        void close() {
            for (Tensor t : slots) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    OptimizerBase(String name, Map<String, Var> parameters, double lr) {
        this.name = name;
        this.lr = HyperParameters.nonNegative(name, "learning rate", lr);
        this.params = NamedParameters.of(name, parameters);
    }

    /** The names of the state tensors each parameter has, in order (empty: none, e.g. SGD without momentum). */
    abstract String[] slots();

    /** The hyper-parameters besides the learning rate, by PyTorch's names, in a fixed order. */
    abstract Map<String, Double> settings();

    /**
     * Updates the value of {@code p} from its gradient with state {@code s}, whose step count already counts this
     * update (1 on the first).
     */
    abstract void update(Var p, State s, double lr);

    @Override
    public final void step() {
        String op = name + ".step";
        checkOpen(op);
        params.checkOpen(op);
        params.backend.asCall(op, () -> {
            allocateMissingState();
            for (Map.Entry<String, Var> e : params.byName.entrySet()) {
                Var p = e.getValue();
                if (p.grad() != null) {
                    State s = states.get(e.getKey());
                    s.step++;
                    update(p, s, lr);
                }
            }
            return null;
        });
    }

    /** Creates the state of every parameter with a gradient and none yet; on failure, removes what it created. */
    private void allocateMissingState() {
        List<String> created = new ArrayList<>();
        try {
            for (Map.Entry<String, Var> e : params.byName.entrySet()) {
                Var p = e.getValue();
                if (p.grad() != null && !states.containsKey(e.getKey())) {
                    Tensor w = p.value();
                    Tensor[] slots = new Tensor[slots().length];
                    State s = new State(0, slots);
                    states.put(e.getKey(), s);
                    created.add(e.getKey());
                    for (int i = 0; i < slots.length; i++) {
                        slots[i] = w.backend().zeros(w.rows(), w.cols(), w.dtype()).detach();
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            for (String n : created) {
                states.remove(n).close();
            }
            throw e;
        }
    }

    @Override
    public final void zeroGrad() {
        checkOpen(name + ".zeroGrad");
        for (Var p : params.byName.values()) {
            p.zeroGrad();
        }
    }

    @Override
    public final double learningRate() {
        return lr;
    }

    @Override
    public final void learningRate(double lr) {
        this.lr = HyperParameters.nonNegative(name + ".learningRate", "learning rate", lr);
    }

    @Override
    public final Map<String, Var> parameters() {
        return params.byName;
    }

    /** The steps parameter {@code name} has had (0 before its first gradient); for tests and progress lines. */
    final long steps(String parameter) {
        State s = states.get(parameter);
        return s == null ? 0 : s.step;
    }

    @Override
    public final Map<String, HostTensor> stateDict() {
        String op = name + ".stateDict";
        checkOpen(op);
        params.checkOpen(op);
        Map<String, HostTensor> out = new LinkedHashMap<>();
        out.put("param_groups.lr", scalar(lr));
        for (Map.Entry<String, Double> e : settings().entrySet()) {
            out.put("param_groups." + e.getKey(), scalar(e.getValue()));
        }
        String[] slotNames = slots();
        for (String n : params.byName.keySet()) {
            State s = states.get(n);
            if (s != null) {
                out.put("state." + n + ".step", scalar(s.step));
                for (int i = 0; i < slotNames.length; i++) {
                    out.put("state." + n + "." + slotNames[i], HostTensor.of(s.slots[i]));
                }
            }
        }
        return out;
    }

    private static HostTensor scalar(double v) {
        return HostTensor.of(new double[]{v});
    }

    @Override
    public final void loadStateDict(Map<String, HostTensor> state) {
        String op = name + ".loadStateDict";
        checkOpen(op);
        if (state == null) {
            throw new InvalidArgumentException(op + ": the state is null [" + params.backend.name() + "]");
        }
        params.checkOpen(op);
        List<String> problems = new ArrayList<>();
        Set<String> used = new HashSet<>();
        double newLr = setting(state, "lr", used, problems);
        if (problems.isEmpty() && !(newLr >= 0 && Double.isFinite(newLr))) {
            problems.add("param_groups.lr is " + newLr + ", not a learning rate (finite and ≥ 0)");
        }
        for (Map.Entry<String, Double> e : settings().entrySet()) {
            double saved = setting(state, e.getKey(), used, problems);
            if (!Double.isNaN(saved) && Double.compare(saved, e.getValue()) != 0) {
                problems.add("param_groups." + e.getKey() + " is " + saved + " but this optimizer's is "
                        + e.getValue());
            }
        }
        String[] slotNames = slots();
        Map<String, long[]> steps = new LinkedHashMap<>();
        for (Map.Entry<String, Var> e : params.byName.entrySet()) {
            String n = e.getKey();
            Tensor w = e.getValue().value();
            HostTensor step = state.get("state." + n + ".step");
            if (step == null) {
                for (String slot : slotNames) {
                    if (state.containsKey("state." + n + "." + slot)) {
                        problems.add("state." + n + "." + slot + " is there without state." + n + ".step");
                    }
                }
                continue;
            }
            used.add("state." + n + ".step");
            double count = scalarValue(step);
            if (!(count >= 1 && count <= 0x1p53 && count == Math.rint(count))) {
                problems.add("state." + n + ".step must be a FLOAT64 scalar holding a count ≥ 1, got " + step);
                continue;
            }
            steps.put(n, new long[]{(long) count});
            for (String slot : slotNames) {
                String key = "state." + n + "." + slot;
                HostTensor t = state.get(key);
                if (t == null) {
                    problems.add(key + " is missing");
                    continue;
                }
                used.add(key);
                if (t.dtype() != w.dtype() || !Arrays.equals(t.shape(), new int[]{w.rows(), w.cols()})) {
                    problems.add(key + " is " + t.dtype() + " " + Arrays.toString(t.shape()) + " but parameter '"
                            + n + "' is " + w.dtype() + " " + w.shape());
                }
            }
        }
        List<String> extra = new ArrayList<>();
        for (String k : state.keySet()) {
            if (!used.contains(k)) {
                extra.add(k);
            }
        }
        if (!extra.isEmpty()) {
            problems.add("unexpected entries " + extra + " (another optimizer's state, or other parameters')");
        }
        if (!problems.isEmpty()) {
            throw new WeightsMismatchException(op + ": the state does not fit " + this + " over parameters "
                    + params.byName.keySet() + ": " + String.join("; ", problems) + " [" + params.backend.name()
                    + "]");
        }
        Map<String, State> loaded = new LinkedHashMap<>();
        try {
            params.backend.asCall(op, () -> {
                for (Map.Entry<String, long[]> e : steps.entrySet()) {
                    Tensor[] slots = new Tensor[slotNames.length];
                    loaded.put(e.getKey(), new State(e.getValue()[0], slots));
                    for (int i = 0; i < slotNames.length; i++) {
                        slots[i] = state.get("state." + e.getKey() + "." + slotNames[i]).toTensor(params.backend)
                                .detach();
                    }
                }
                return null;
            });
        } catch (RuntimeException | Error e) {
            loaded.values().forEach(State::close);
            throw e;
        }
        states.values().forEach(State::close);
        states.clear();
        states.putAll(loaded);
        lr = newLr;
    }

    /** The FLOAT64 scalar {@code param_groups.<key>}, or NaN with a problem recorded. */
    private static double setting(Map<String, HostTensor> state, String key, Set<String> used, List<String> problems) {
        String full = "param_groups." + key;
        HostTensor t = state.get(full);
        if (t == null) {
            problems.add(full + " is missing");
            return Double.NaN;
        }
        used.add(full);
        double v = scalarValue(t);
        if (Double.isNaN(v)) {
            problems.add(full + " must be a FLOAT64 scalar, got " + t);
        }
        return v;
    }

    /** The value of a one-element FLOAT64 host tensor, else NaN. */
    private static double scalarValue(HostTensor t) {
        return t.dtype() == DType.FLOAT64 && t.size() == 1 ? t.doubles()[0] : Double.NaN;
    }

    final void checkOpen(String op) {
        if (closed) {
            throw new TensorClosedException(op + ": " + this + " is closed (its state tensors were freed) ["
                    + params.backend.name() + "]");
        }
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            states.values().forEach(State::close);
            states.clear();
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append("(lr=").append(lr);
        for (Map.Entry<String, Double> e : settings().entrySet()) {
            sb.append(", ").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.append(')').toString();
    }
}
