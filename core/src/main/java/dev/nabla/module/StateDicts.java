package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.io.HostTensor;
import dev.nabla.io.WeightsMismatchException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * State dicts of modules: the parameter values by dotted name in PyTorch's layout (see {@link Module#stateDict()}),
 * and loading them back with every mismatch reported at once before anything is written.
 */
final class StateDicts {
    private StateDicts() {
    }

    /** name → host values in PyTorch's shape ({@code [n]} for vector parameters, {@code [rows, cols]} otherwise). */
    static LinkedHashMap<String, HostTensor> of(Module m) {
        LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
        m.collect("", (name, p) -> out.put(name, host(p)));
        return out;
    }

    private static HostTensor host(Param p) {
        Tensor t = p.tensor();
        int[] shape = p.torchShape();
        return switch (t.dtype()) {
            case FLOAT32 -> HostTensor.of(t.toFloatArray(), shape);
            case FLOAT64 -> HostTensor.of(t.toDoubleArray(), shape);
            case INT32 -> HostTensor.of(t.toIntArray(), shape);
            case BFLOAT16, FLOAT16 -> HostTensor.ofHalfBits(t.dtype(), t.toHalfBits(), shape);
        };
    }

    /**
     * Checks {@code state} against the parameters of {@code m} (names, PyTorch shapes, dtypes), reporting every
     * mismatch in one {@link WeightsMismatchException} that starts with {@code call} and names {@code source}; then
     * uploads every tensor and only then writes them into the parameters, so a failure leaves the module unchanged.
     */
    static void load(Module m, String call, String source, Map<String, HostTensor> state) {
        LinkedHashMap<String, Param> params = new LinkedHashMap<>();
        m.collect("", params::put);
        Backend backend = params.isEmpty() ? null : params.values().iterator().next().tensor().backend();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Param> e : params.entrySet()) {
            Param p = e.getValue();
            HostTensor h = state.get(e.getKey());
            String mine = Arrays.toString(p.torchShape()) + " " + p.tensor().dtype();
            if (h == null) {
                problems.add("missing \"" + e.getKey() + "\" (the module's is " + mine + ")");
            } else if (!Arrays.equals(h.shape(), p.torchShape()) || h.dtype() != p.tensor().dtype()) {
                problems.add("\"" + e.getKey() + "\" is " + Arrays.toString(h.shape()) + " " + h.dtype()
                        + ", the module's is " + mine);
            }
        }
        for (Map.Entry<String, HostTensor> e : state.entrySet()) {
            if (!params.containsKey(e.getKey())) {
                HostTensor h = e.getValue();
                problems.add("unexpected \"" + e.getKey() + "\""
                        + (h == null ? " (null)" : " (" + Arrays.toString(h.shape()) + " " + h.dtype() + ")"));
            }
        }
        if (!problems.isEmpty()) {
            String where = backend == null ? "" : " [" + backend.name() + "]";
            throw new WeightsMismatchException(call + ": " + source + " does not fit this "
                    + m.getClass().getSimpleName() + ": " + String.join("; ", problems)
                    + (dtypeProblem(params, state) ? " (dtypes are never converted: convert the tensors, e.g. "
                    + "model.double() or .float() in PyTorch, or build the module with the file's dtype)" : "")
                    + where);
        }
        if (backend == null) {
            return;
        }
        backend.asCall(call, () -> {
            List<Tensor> uploaded = new ArrayList<>(params.size());
            try {
                for (Map.Entry<String, Param> e : params.entrySet()) {
                    uploaded.add(state.get(e.getKey()).toTensor(e.getValue().tensor().backend()));
                }
                int i = 0;
                for (Param p : params.values()) {
                    p.tensor().copyFrom(uploaded.get(i++));
                }
            } finally {
                for (Tensor t : uploaded) {
                    t.close();
                }
            }
            return null;
        });
    }

    private static boolean dtypeProblem(Map<String, Param> params, Map<String, HostTensor> state) {
        for (Map.Entry<String, Param> e : params.entrySet()) {
            HostTensor h = state.get(e.getKey());
            DType mine = e.getValue().tensor().dtype();
            if (h != null && h.dtype() != mine) {
                return true;
            }
        }
        return false;
    }
}
