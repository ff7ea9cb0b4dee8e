package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.io.HostTensor;
import dev.nabla.io.WeightsMismatchException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The host form of a {@link Sgd}'s or {@link Adam}'s state ({@link Network#optimizerState}), by the network's parameter
 * names ({@code W0}, {@code b0}, {@code W1}, …), in the layout {@code dev.nabla.optim} and PyTorch use:
 * <ul>
 *   <li>{@code param_groups.<setting>}: every hyper-parameter, a FLOAT64 scalar ({@code lr}, then SGD's
 *       {@code momentum}, {@code weight_decay} or Adam's {@code beta1}, {@code beta2}, {@code eps},
 *       {@code weight_decay});</li>
 *   <li>once the optimizer has stepped, for every parameter: {@code state.<name>.step} (Adam only: its step count t, a
 *       FLOAT64 scalar, exact up to 2⁵³) and {@code state.<name>.<slot>} in the parameter's shape and dtype (SGD with
 *       momentum: {@code momentum_buffer}; Adam: {@code exp_avg} m and {@code exp_avg_sq} v).</li>
 * </ul>
 * The values are the device's bits (FLOAT32 stays FLOAT32), so a state read back and loaded again is the same state.
 */
final class OptimizerStates {
    private OptimizerStates() {
    }

    /** What an optimizer kind's state looks like. */
    record Layout(String kind, Map<String, Double> settings, String[] slots, boolean counted) {
    }

    /** Uploaded state: each parameter's slot tensors by its value tensor (identity), and the step count. */
    record Loaded(Map<Tensor, Tensor[]> slots, long step) {
        void close() {
            for (Tensor[] ts : slots.values()) {
                for (Tensor t : ts) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
        }
    }

    /**
     * The state as host tensors; {@code slotsOf} gives a parameter's slot tensors (null: none yet).
     *
     * @param step Adam's t (ignored unless {@code layout.counted})
     */
    static Map<String, HostTensor> export(Layout layout, List<Parameter> parameters, Function<Tensor, Tensor[]> slotsOf,
                                          long step) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : layout.settings.entrySet()) {
            out.put("param_groups." + e.getKey(), scalar(e.getValue()));
        }
        for (Parameter p : parameters) {
            Tensor[] slots = slotsOf.apply(p.value());
            if (slots == null) {
                continue;
            }
            if (layout.counted) {
                out.put("state." + p.name() + ".step", scalar(step));
            }
            for (int i = 0; i < layout.slots.length; i++) {
                out.put("state." + p.name() + "." + layout.slots[i], HostTensor.of(slots[i]));
            }
        }
        return out;
    }

    /**
     * Checks {@code state} against {@code layout} and {@code parameters} and uploads its tensors; throws a
     * {@link WeightsMismatchException} listing every problem (another optimizer kind's state, a setting that differs,
     * a parameter's entry missing, extra or of the wrong shape or dtype) before anything is uploaded. Either every
     * parameter has its state or none has (a state exported before the first step).
     */
    static Loaded load(String op, Layout layout, String optimizer, List<Parameter> parameters,
                       Map<String, HostTensor> state, Backend backend) {
        List<String> problems = new ArrayList<>();
        Set<String> used = new HashSet<>();
        String other = otherKind(layout.kind, state);
        if (other != null) {
            throw new WeightsMismatchException(op + ": the state is " + other + "'s (it has param_groups."
                    + KIND_MARKERS.get(other) + "), not " + layout.kind + "'s: it cannot be loaded into " + optimizer
                    + " [" + backend.name() + "]");
        }
        for (Map.Entry<String, Double> e : layout.settings.entrySet()) {
            String key = "param_groups." + e.getKey();
            HostTensor t = state.get(key);
            if (t == null) {
                problems.add(key + " is missing");
                continue;
            }
            used.add(key);
            double v = scalarValue(t);
            if (Double.compare(v, e.getValue()) != 0) {
                problems.add(key + " is " + (Double.isNaN(v) ? t + " (not a FLOAT64 scalar)" : v)
                        + " but this optimizer's is " + e.getValue());
            }
        }
        boolean any = false;
        for (String k : state.keySet()) {
            any |= k.startsWith("state.");
        }
        long step = 0;
        if (any) {
            for (Parameter p : parameters) {
                if (layout.counted) {
                    String key = "state." + p.name() + ".step";
                    HostTensor t = state.get(key);
                    if (t == null) {
                        problems.add(key + " is missing");
                    } else {
                        used.add(key);
                        double c = scalarValue(t);
                        if (!(c >= 1 && c <= 0x1p53 && c == Math.rint(c))) {
                            problems.add(key + " must be a FLOAT64 scalar holding a count ≥ 1, got " + t);
                        } else if (step != 0 && (long) c != step) {
                            problems.add(key + " is " + (long) c + " but another parameter's step is " + step
                                    + " (this optimizer keeps one step count)");
                        } else {
                            step = (long) c;
                        }
                    }
                }
                Tensor w = p.value();
                for (String slot : layout.slots) {
                    String key = "state." + p.name() + "." + slot;
                    HostTensor t = state.get(key);
                    if (t == null) {
                        problems.add(key + " is missing");
                        continue;
                    }
                    used.add(key);
                    if (t.dtype() != w.dtype() || !Arrays.equals(t.shape(), new int[]{w.rows(), w.cols()})) {
                        problems.add(key + " is " + t.dtype() + " " + Arrays.toString(t.shape()) + " but parameter "
                                + p.name() + " is " + w.dtype() + " " + w.shape());
                    }
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
            problems.add("unexpected entries " + extra + " (other parameters' state, or another optimizer's)");
        }
        if (!problems.isEmpty()) {
            throw new WeightsMismatchException(op + ": the state does not fit " + optimizer + " over parameters "
                    + names(parameters) + ": " + String.join("; ", problems) + " [" + backend.name() + "]");
        }
        Map<Tensor, Tensor[]> slots = new IdentityHashMap<>();
        Loaded loaded = new Loaded(slots, step);
        if (!any) {
            return loaded;
        }
        try {
            for (Parameter p : parameters) {
                Tensor[] ts = new Tensor[layout.slots.length];
                slots.put(p.value(), ts);
                for (int i = 0; i < ts.length; i++) {
                    ts[i] = state.get("state." + p.name() + "." + layout.slots[i]).toTensor(backend).detach();
                }
            }
        } catch (RuntimeException | Error e) {              // nothing stays allocated
            loaded.close();
            throw e;
        }
        return loaded;
    }

    /** The setting only each kind has, which names the kind a state was exported from. */
    private static final Map<String, String> KIND_MARKERS = Map.of("sgd", "momentum", "adam", "beta1");

    private static String otherKind(String kind, Map<String, HostTensor> state) {
        for (Map.Entry<String, String> e : KIND_MARKERS.entrySet()) {
            if (!e.getKey().equals(kind) && state.containsKey("param_groups." + e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    private static List<String> names(List<Parameter> parameters) {
        List<String> out = new ArrayList<>();
        for (Parameter p : parameters) {
            out.add(p.name());
        }
        return out;
    }

    private static HostTensor scalar(double v) {
        return HostTensor.of(new double[]{v});
    }

    /** The value of a one-element FLOAT64 host tensor, else NaN. */
    private static double scalarValue(HostTensor t) {
        return t.dtype() == DType.FLOAT64 && t.size() == 1 ? t.doubles()[0] : Double.NaN;
    }
}
