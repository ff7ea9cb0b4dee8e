package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Shape;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs at the edge that are NOT errors: zero rows, zero columns, zero inner dimensions, an empty batch. Each must
 * work and give the mathematically defined result (an empty product is 0, an empty sum is 0, the mean of nothing is
 * NaN, the max of an empty row is −∞), exactly; and ±∞, NaN and float overflow as IEEE arithmetic on the exact values
 * ({@link NonFiniteCases}). Run inside a scope by {@link BadInputContract}.
 */
public final class EdgeCases {
    /** One edge input and the checks of its result. */
    public record EdgeCase(String name, Consumer<Backend> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final List<EdgeCase> cases = new ArrayList<>();

    private EdgeCases() {
    }

    private void add(String name, Consumer<Backend> check) {
        cases.add(new EdgeCase(name, check));
    }

    private static Tensor t(Backend be, int rows, int cols) {
        return be.fromArray(HostData.uniform(rows * 31L + cols, rows * cols, 0.1, 1), rows, cols, DType.FLOAT32);
    }

    private static void assertShape(int rows, int cols, Tensor t) {
        assertEquals(new Shape(rows, cols), t.shape());
    }

    private static void assertZeros(int rows, int cols, Tensor t) {
        assertShape(rows, cols, t);
        assertArrayEquals(new float[rows * cols], t.toFloatArray(), "every element is 0");
    }

    public static List<EdgeCase> all() {
        EdgeCases c = new EdgeCases();
        c.add("matmul (0×3)·(3×4) is 0×4", be -> assertShape(0, 4, t(be, 0, 3).matmul(t(be, 3, 4))));
        c.add("matmul (2×0)·(0×3) is 2×3 zeros (an empty sum)", be -> assertZeros(2, 3, t(be, 2, 0).matmul(t(be, 0, 3))));
        c.add("matmulTransA (0×2)ᵀ·(0×3) is 2×3 zeros (dW of an empty batch)",
                be -> assertZeros(2, 3, t(be, 0, 2).matmulTransA(t(be, 0, 3))));
        c.add("matmulTransB (2×0)·(3×0)ᵀ is 2×3 zeros", be -> assertZeros(2, 3, t(be, 2, 0).matmulTransB(t(be, 3, 0))));
        c.add("matmul (3×4)·(4×0) is 3×0", be -> assertShape(3, 0, t(be, 3, 4).matmul(t(be, 4, 0))));
        c.add("gemm with β = 1 and k = 0 leaves C as it was", be -> {
            Tensor cm = t(be, 2, 3);
            float[] before = cm.toFloatArray();
            be.ops().gemm(false, false, 1, t(be, 2, 0), t(be, 0, 3), 1, cm);
            assertArrayEquals(before, cm.toFloatArray());
        });
        for (int[] rc : new int[][]{{0, 5}, {5, 0}, {0, 0}}) {
            int r = rc[0], k = rc[1];
            c.add("elementwise ops of " + r + "×" + k + " are " + r + "×" + k, be -> {
                Tensor a = t(be, r, k), b = t(be, r, k);
                List<Function<Tensor, Tensor>> ops = List.of(a::add, a::sub, a::hadamard, a::div);
                for (Function<Tensor, Tensor> op : ops) {
                    assertShape(r, k, op.apply(b));
                }
                for (Tensor u : new Tensor[]{a.sigmoid(), a.tanh(), a.relu(), a.exp(), a.log(), a.scale(3), a.softmaxRows(),
                        a.copy(), a.addRowVector(t(be, 1, k))}) {
                    assertShape(r, k, u);
                    assertEquals(0, u.toFloatArray().length);
                }
                a.axpyInPlace(2, b);
                assertShape(r, k, a);
            });
        }
        c.add("sumColumns of 0×3 is 1×3 zeros (db of an empty batch)", be -> assertZeros(1, 3, t(be, 0, 3).sumColumns()));
        c.add("sumColumns of 3×0 is 1×0", be -> assertShape(1, 0, t(be, 3, 0).sumColumns()));
        c.add("sum of 0×0 is 0", be -> assertEquals(0.0, t(be, 0, 0).sum().item()));
        c.add("sum of 4×0 is 0", be -> assertEquals(0.0, t(be, 4, 0).sum().item()));
        c.add("mean of 0×4 is NaN", be -> assertTrue(Double.isNaN(t(be, 0, 4).mean().item())));
        // Found on opencl: PoCL's tanh stops at 1 − ulp, and fmax(NaN, ε) = ε made the log-losses of NaN finite.
        c.add("tanh is exactly ±1 where it saturates (±10, ±20, ±∞)", be -> assertArrayEquals(
                new float[]{1, 1, 1, -1, -1, -1},
                be.fromArray(new float[]{10, 20, Float.POSITIVE_INFINITY, -10, -20, Float.NEGATIVE_INFINITY}, 1, 6)
                        .tanh().toFloatArray()));
        for (BinaryOp term : new BinaryOp[]{BinaryOp.CROSS_ENTROPY, BinaryOp.BINARY_CROSS_ENTROPY}) {
            c.add(term + " loss of a NaN output is NaN", be -> {
                Tensor f = be.fromArray(new float[]{Float.NaN, 0.5f}, 1, 2), t = be.fromArray(new float[]{1, 0}, 1, 2);
                Tensor d = be.zeros(1, 2), loss = be.zeros(1, 1);
                be.ops().lossAndDelta(term, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, f, t, d, loss);
                assertTrue(Double.isNaN(loss.item()), "loss " + loss.item());
            });
        }
        c.add("reduceRows(SUM) of 3×0 is 3×1 zeros", be -> {
            Tensor out = be.full(3, 1, 7.0);
            be.ops().reduceRows(RowReduction.SUM, t(be, 3, 0), out);
            assertArrayEquals(new float[3], out.toFloatArray());
        });
        c.add("reduceRows(MAX) of 3×0 is 3×1 −∞", be -> {
            Tensor out = be.full(3, 1, 7.0);
            be.ops().reduceRows(RowReduction.MAX, t(be, 3, 0), out);
            assertArrayEquals(new float[]{Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY},
                    out.toFloatArray());
        });
        c.add("a 0×7 tensor goes in, out, across and back", be -> {
            Tensor e = be.fromArray(new float[0], 0, 7);
            assertEquals(0, e.toFloatArray().length);
            assertEquals(0, e.toDoubleArray().length);
            assertShape(0, 7, e.to(be));
            assertShape(0, 7, be.zeros(0, 7, DType.FLOAT64));
            assertShape(0, 7, be.randn(0, 7, 1L));
        });
        c.add("forward of an empty batch is 0×outputs", be -> {
            try (Network net = Network.builder().input(4).dense(3, Activation.TANH).dense(2, Activation.SOFTMAX)
                    .loss(Loss.CROSS_ENTROPY).build(be)) {
                assertShape(0, 2, net.forward(t(be, 0, 4)));
            }
        });
        c.add("gradients of an empty batch: loss 0, dW and db 0", be -> {
            try (Network net = Network.builder().input(4).dense(3, Activation.RELU).dense(2, Activation.SIGMOID)
                    .loss(Loss.BINARY_CROSS_ENTROPY).build(be)) {
                Gradients g = net.gradients(t(be, 0, 4), t(be, 0, 2));
                assertEquals(0.0, g.loss());
                for (int l = 0; l < 2; l++) {
                    assertArrayEquals(new double[g.dW(l).length], g.dW(l), "dW" + l);
                    assertArrayEquals(new double[g.db(l).length], g.db(l), "db" + l);
                }
            }
        });
        c.add("trainStep on an empty batch: loss 0, weights unchanged (SGD with momentum, Adam)", be -> {
            for (Optimizer opt : new Optimizer[]{Optimizers.sgd(0.5).momentum(0.9), Optimizers.adam(0.1)}) {
                try (Network net = Network.builder().input(3).dense(5, Activation.SIGMOID).dense(1, Activation.IDENTITY)
                        .loss(Loss.MSE).build(be); opt) {
                    double[] w0 = net.weights(0);
                    double[] w1 = net.weights(1);
                    assertEquals(0.0, net.trainStep(t(be, 0, 3), t(be, 0, 1), opt), opt.toString());
                    net.trainStepWithoutLoss(t(be, 0, 3), t(be, 0, 1), opt);
                    assertArrayEquals(w0, net.weights(0), opt.toString());
                    assertArrayEquals(w1, net.weights(1), opt.toString());
                    assertArrayEquals(new double[5], net.biases(0), opt.toString());
                }
            }
        });
        c.add("networks of width 1 train on a batch of 1", be -> {
            try (Network net = Network.builder().input(1).dense(1, Activation.TANH).dense(1, Activation.SIGMOID)
                    .loss(Loss.BINARY_CROSS_ENTROPY).build(be); Optimizer opt = Optimizers.adam(0.1)) {
                double first = net.trainStep(be.full(1, 1, 0.5), be.full(1, 1, 1.0), opt);
                double last = first;
                for (int i = 0; i < 20; i++) {
                    last = net.trainStep(be.full(1, 1, 0.5), be.full(1, 1, 1.0), opt);
                }
                assertTrue(Double.isFinite(first) && last < first, first + " → " + last);
            }
        });
        NonFiniteCases.addTo(c::add);
        return List.copyOf(c.cases);
    }
}
