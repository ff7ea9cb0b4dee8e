package dev.nabla.io;

import dev.nabla.DType;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a {@link Network}'s parameters are named and shaped in a weights file, and the check that a file fits a
 * network before anything is loaded into it.
 *
 * <pre>
 * dense.L.weight   [inputs, outputs]   W of layer L in Nabla's layout: Z = X·W + 1·b
 *                                      (torch.nn.Linear.weight is [outputs, inputs]: its transpose)
 * dense.L.bias     [outputs]           b of layer L ([1, outputs] is accepted too)
 * </pre>
 *
 * Layers are numbered from 0; the dtype is the network's (F32 for FLOAT32, F64 for FLOAT64). The metadata records
 * the architecture; on load, {@code nabla.activations} (when present) must match the network's activations.
 */
final class NetworkWeights {
    static final String FORMAT_KEY = "nabla.format";
    static final String FORMAT_VALUE = "dense-v1";
    static final String INPUTS_KEY = "nabla.inputs";
    static final String UNITS_KEY = "nabla.units";
    static final String ACTIVATIONS_KEY = "nabla.activations";
    static final String LOSS_KEY = "nabla.loss";
    static final String DTYPE_KEY = "nabla.dtype";
    static final String LAYOUT_KEY = "nabla.layout";
    static final String LAYOUT_VALUE = "dense.L.weight is [inputs, outputs] with Z = X·W + b;"
            + " torch.nn.Linear.weight is its transpose";

    private NetworkWeights() {
    }

    static String weightName(int layer) {
        return "dense." + layer + ".weight";
    }

    static String biasName(int layer) {
        return "dense." + layer + ".bias";
    }

    /** The network's parameters, read back from its backend, in layer order. */
    static Map<String, HostTensor> tensors(Network net) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        List<Dense> layers = net.layers();
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            out.put(weightName(l), host(net.dtype(), net.weights(l), d.inputs(), d.outputs()));
            out.put(biasName(l), host(net.dtype(), net.biases(l), d.outputs()));
        }
        return out;
    }

    /**
     * Network exposes its parameters as float64; a FLOAT32 value widened to double and narrowed back is the same
     * float, NaN payloads included (a signaling NaN comes back quiet: the backend's float path already quiets it).
     */
    private static HostTensor host(DType dtype, double[] values, int... shape) {
        if (dtype == DType.FLOAT64) {
            return HostTensor.wrap(shape, null, values);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return HostTensor.wrap(shape, f, null);
    }

    static Map<String, String> metadata(Network net) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FORMAT_KEY, FORMAT_VALUE);
        m.put(INPUTS_KEY, Integer.toString(net.inputSize()));
        m.put(UNITS_KEY, net.layers().stream().map(d -> Integer.toString(d.outputs())).collect(Collectors.joining(",")));
        m.put(ACTIVATIONS_KEY, activations(net));
        m.put(LOSS_KEY, String.valueOf(net.loss()));
        m.put(DTYPE_KEY, net.dtype().name());
        m.put(LAYOUT_KEY, LAYOUT_VALUE);
        return m;
    }

    private static String activations(Network net) {
        return net.layers().stream().map(d -> d.activation().name()).collect(Collectors.joining(","));
    }

    /**
     * Throws {@link WeightsMismatchException} listing every way {@code header} does not fit {@code net}: a missing
     * or extra tensor, a wrong dtype or shape, a different activation list in the metadata.
     */
    static void checkFits(Network net, SafetensorsHeader header, Path file) {
        Map<String, SafetensorsHeader.Entry> byName = new HashMap<>();
        for (SafetensorsHeader.Entry e : header.entries()) {
            byName.put(e.name(), e);
        }
        SafetensorsDType dtype = SafetensorsDType.of(net.dtype());
        List<String> problems = new ArrayList<>();
        List<Dense> layers = net.layers();
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            check(problems, byName.remove(weightName(l)), weightName(l), dtype, new int[]{d.inputs(), d.outputs()},
                    null);
            check(problems, byName.remove(biasName(l)), biasName(l), dtype, new int[]{d.outputs()},
                    new int[]{1, d.outputs()});
        }
        if (!byName.isEmpty()) {
            List<String> extra = byName.keySet().stream().sorted().limit(10).map(MessageText::quote).toList();
            problems.add("the network has no tensor " + String.join(", ", extra)
                    + (byName.size() > extra.size() ? " and " + (byName.size() - extra.size()) + " more" : ""));
        }
        String saved = header.metadata().get(ACTIVATIONS_KEY);
        if (saved != null && !saved.equals(activations(net))) {
            problems.add("the file was saved from a network with activations " + saved + ", this one has "
                    + activations(net));
        }
        if (!problems.isEmpty()) {
            throw new WeightsMismatchException(SafetensorsHeader.FORMAT + " " + file + " does not fit " + net + ": "
                    + String.join("; ", problems));
        }
    }

    private static void check(List<String> problems, SafetensorsHeader.Entry e, String name, SafetensorsDType dtype,
                              int[] shape, int[] alternative) {
        String expected = dtype + " " + Arrays.toString(shape);
        if (e == null) {
            problems.add("'" + name + "' is missing (expected " + expected + ")");
            return;
        }
        boolean shapeFits = Arrays.equals(e.shape(), shape) || Arrays.equals(e.shape(), alternative);
        if (e.dtype() == dtype && shapeFits) {
            return;
        }
        String problem = "'" + name + "' is " + e.describe() + " but the network needs " + expected;
        if (e.dtype() != dtype) {
            problem += e.dtype().nabla() == null ? " (Nabla reads F32 and F64 only)"
                    : " (the network is " + dtype.nabla() + "; build it with .dtype(" + e.dtype().nabla() + ")"
                    + " or convert the file)";
        }
        if (!shapeFits && shape.length == 2 && Arrays.equals(e.shape(), new int[]{shape[1], shape[0]})) {
            problem += " (it is transposed: Nabla stores W as [inputs, outputs]; torch.nn.Linear.weight is"
                    + " [outputs, inputs], save its .T)";
        }
        problems.add(problem);
    }
}
