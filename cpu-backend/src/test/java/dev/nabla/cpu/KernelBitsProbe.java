package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fixed inputs through the cpu kernels that use exp, log and tanh (exp, log, tanh, σ, softmax, and the gradients of
 * networks with tanh, sigmoid and softmax layers and MSE, BCE and cross-entropy losses) on both paths and dtypes,
 * as raw float64 bits (FLOAT32 results widen exactly). {@link #main} runs them in a child JVM: {@code once} prints
 * them, {@code repeat N} computes them N times and prints the first call whose bits differ from the first call's.
 */
public final class KernelBitsProbe {
    /** What starts each result line that {@code once} prints. */
    private static final String LINE = "BITS ";

    private KernelBitsProbe() {
    }

    /** name → the result's bits, in a fixed order. */
    static Map<String, long[]> results() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (CpuPath path : CpuPath.values()) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                try (Backend be = Backend.wrap(new CpuBackend(path, 2)); Scope s = be.scope()) {
                    String at = path + " " + dtype + " ";
                    double[] x = HostData.uniform(11, 1003, -30, 30);
                    double[] p = HostData.uniform(12, 1003, 0, 50);
                    Tensor tx = be.fromArray(x, 17, 59, dtype);
                    out.put(at + "exp", bits(tx.scale(3).exp()));
                    out.put(at + "log", bits(be.fromArray(p, 17, 59, dtype).log()));
                    out.put(at + "tanh", bits(tx.scale(0.3).tanh()));
                    out.put(at + "sigmoid", bits(tx.sigmoid()));
                    Tensor soft = be.zeros(17, 59, dtype);
                    be.ops().softmaxRows(tx, soft);
                    out.put(at + "softmax", bits(soft));
                    gradients(out, at + "tanh-sigmoid-softmax/CE ", be, dtype, Network.builder().input(7)
                            .dense(13, Activation.TANH).dense(11, Activation.SIGMOID).dense(5, Activation.SOFTMAX)
                            .loss(Loss.CROSS_ENTROPY), HostData.oneHot(13, 37, 5));
                    gradients(out, at + "sigmoid-sigmoid/BCE ", be, dtype, Network.builder().input(7)
                            .dense(9, Activation.SIGMOID).dense(3, Activation.SIGMOID)
                            .loss(Loss.BINARY_CROSS_ENTROPY), HostData.bits(14, 37 * 3));
                    gradients(out, at + "tanh-tanh/MSE ", be, dtype, Network.builder().input(7)
                            .dense(10, Activation.TANH).dense(2, Activation.TANH).loss(Loss.MSE),
                            HostData.uniform(15, 37 * 2, -1, 1));
                }
            }
        }
        return out;
    }

    private static void gradients(Map<String, long[]> out, String name, Backend be, DType dtype,
                                  dev.nabla.nn.NetworkBuilder builder, double[] targets) {
        try (Scope s = be.scope(); Network net = builder.seed(5).dtype(dtype).build(be)) {
            Tensor x = be.fromArray(HostData.uniform(16, 37 * 7, -3, 3), 37, 7, dtype);
            Tensor t = be.fromArray(targets, 37, targets.length / 37, dtype);
            Gradients g = net.gradients(x, t);
            out.put(name + "loss", new long[]{Double.doubleToRawLongBits(g.loss())});
            for (int l = 0; l < g.layers(); l++) {
                out.put(name + "dW" + l, bits(g.dW(l)));
                out.put(name + "db" + l, bits(g.db(l)));
            }
        }
    }

    private static long[] bits(Tensor t) {
        return bits(t.toDoubleArray());
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    /** Asserts that got has every result of expected, element by element, with the same bits. */
    static void assertSameBits(Map<String, long[]> expected, Map<String, long[]> got, String what) {
        assertEquals(expected.keySet(), got.keySet(), what + ": the same results");
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long[] want = e.getValue();
            long[] have = got.get(e.getKey());
            assertEquals(want.length, have.length, what + ": " + e.getKey() + " length");
            for (int i = 0; i < want.length; i++) {
                if (want[i] != have[i]) {
                    fail(what + ": " + e.getKey() + " element " + i + ": " + Double.longBitsToDouble(want[i]) + " ("
                            + Long.toHexString(want[i]) + ") vs " + Double.longBitsToDouble(have[i]) + " ("
                            + Long.toHexString(have[i]) + ")");
                }
            }
        }
    }

    /** The results as lines "name hex,hex,…" (what {@code once} prints), and back. */
    static List<String> toLines(Map<String, long[]> results) {
        List<String> lines = new ArrayList<>();
        results.forEach((name, b) -> {
            StringBuilder sb = new StringBuilder(LINE).append(name.replace(' ', '_')).append(' ');
            for (int i = 0; i < b.length; i++) {
                sb.append(i == 0 ? "" : ",").append(Long.toHexString(b[i]));
            }
            lines.add(sb.toString());
        });
        return lines;
    }

    static Map<String, long[]> fromLines(List<String> lines) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String all : lines) {
            if (!all.startsWith(LINE)) {
                continue;                                    // e.g. the incubator module's warning
            }
            String line = all.substring(LINE.length());
            int sp = line.indexOf(' ');
            String[] hex = line.substring(sp + 1).split(",");
            long[] b = new long[hex.length];
            for (int i = 0; i < hex.length; i++) {
                b[i] = Long.parseUnsignedLong(hex[i], 16);
            }
            out.put(line.substring(0, sp).replace('_', ' '), b);
        }
        return out;
    }

    /** java of this JVM with the flags the build gives test JVMs (--add-modules …, --enable-native-access …). */
    static List<String> javaCommand(String... extraFlags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--add-modules") || a.startsWith("--enable-native-access")) {
                cmd.add(a);
                if (!a.contains("=") && i + 1 < args.size()) {
                    cmd.add(args.get(++i));
                }
            }
        }
        cmd.addAll(List.of(extraFlags));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelBitsProbe.class.getName());
        return cmd;
    }

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("repeat")) {
            int n = Integer.parseInt(args[1]);
            Map<String, long[]> first = results();
            for (int call = 2; call <= n; call++) {
                try {
                    assertSameBits(first, results(), "call " + call + " of " + n + " against call 1");
                } catch (AssertionError e) {
                    System.out.println("DIFFERS " + e.getMessage());
                    return;
                }
            }
            System.out.println("IDENTICAL " + n);
        } else {
            toLines(results()).forEach(System.out::println);
        }
    }
}
