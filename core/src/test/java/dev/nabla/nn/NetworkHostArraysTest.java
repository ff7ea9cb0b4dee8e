package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host-array twins DataParallel steps through ({@link Network#gradientsInto},
 * {@link Network#applyGradients(double[][], double[][], Optimizer)}, {@link Network#weightsInto},
 * {@link Network#biasesInto}) give bit for bit what the allocating methods give, call after call on the same
 * arrays, in FLOAT32 and FLOAT64; wrong arrays are refused before anything changes. The two networks are built
 * alike, not copied: the reference keeps FLOAT32 values unrounded until read, and a copy would hold them rounded.
 */
class NetworkHostArraysTest {

    private static Network network(Backend b, DType dtype) {
        return Network.builder().input(5).dense(4, Activation.TANH).dense(3, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).dtype(dtype).seed(11).build(b);
    }

    private static double[][] arrays(Network n, boolean bias) {
        double[][] a = new double[n.layers().size()][];
        for (int l = 0; l < a.length; l++) {
            Dense d = n.layers().get(l);
            a[l] = new double[bias ? d.outputs() : d.inputs() * d.outputs()];
        }
        return a;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void theHostArrayTwinsGiveWhatTheAllocatingMethodsGive(DType dtype) {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true);
             Network a = network(b, dtype); Network c = network(b, dtype);
             Optimizer adamA = Optimizers.adam(0.05); Optimizer adamC = Optimizers.adam(0.05)) {
            double[][] dW = arrays(c, false);
            double[][] db = arrays(c, true);
            double[][] w = arrays(c, false);
            double[][] bias = arrays(c, true);
            for (int step = 0; step < 4; step++) {
                try (Tensor x = b.fromArray(HostData.uniform(step, 7 * 5, -1, 1), 7, 5, dtype);
                     Tensor t = b.fromArray(HostData.oneHot(10 + step, 7, 3), 7, 3, dtype)) {
                    Gradients g = a.gradients(x, t);
                    double loss = c.gradientsInto(x, t, dW, db);
                    assertEquals(g.loss(), loss, 0.0, "step " + step + ": the loss");
                    for (int l = 0; l < 2; l++) {
                        assertArrayEquals(g.dW(l), dW[l], 0.0, "step " + step + ": dW" + l);
                        assertArrayEquals(g.db(l), db[l], 0.0, "step " + step + ": db" + l);
                    }
                    a.applyGradients(g, adamA);
                    c.applyGradients(dW, db, adamC);
                    for (int l = 0; l < 2; l++) {
                        c.weightsInto(l, w[l]);
                        c.biasesInto(l, bias[l]);
                        assertArrayEquals(a.weights(l), w[l], 0.0, "step " + step + ": W" + l + " after the update");
                        assertArrayEquals(a.biases(l), bias[l], 0.0, "step " + step + ": b" + l + " after the update");
                    }
                }
            }
            // setWeights through the reused host arrays, then read back
            double[] w0 = HostData.uniform(99, 5 * 4, -1, 1);
            c.setWeights(0, w0);
            c.weightsInto(0, w[0]);
            double[] rounded = w0.clone();
            if (dtype == DType.FLOAT32) {
                for (int i = 0; i < rounded.length; i++) {
                    rounded[i] = (float) rounded[i];
                }
            }
            assertArrayEquals(rounded, w[0], 0.0, "setWeights then weightsInto: the values rounded to " + dtype);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32"})
    void wrongArraysAreRefusedBeforeAnythingChanges(DType dtype) {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true); Network n = network(b, dtype);
             Optimizer sgd = Optimizers.sgd(0.1);
             Tensor x = b.fromArray(HostData.uniform(1, 7 * 5, -1, 1), 7, 5, dtype);
             Tensor t = b.fromArray(HostData.oneHot(2, 7, 3), 7, 3, dtype)) {
            double[][] dW = arrays(n, false);
            double[][] db = arrays(n, true);
            double[] before = n.weights(0);
            var e = assertThrows(ShapeMismatchException.class,
                    () -> n.gradientsInto(x, t, new double[][]{dW[0]}, db));
            assertTrue(e.getMessage().startsWith("gradientsInto: 1 dW and 2 db arrays for a network of 2 layers"),
                    e.getMessage());
            double[][] shortDb = {db[0], new double[2]};
            var s = assertThrows(ShapeMismatchException.class, () -> n.applyGradients(dW, shortDb, sgd));
            assertTrue(s.getMessage().startsWith("applyGradients: layer 1 has W 4×3 and needs 12 dW and 3 db values, "
                    + "got 12 dW and 2 db"), s.getMessage());
            assertArrayEquals(before, n.weights(0), 0.0, "a refused update changes nothing");
            assertThrows(InvalidArgumentException.class, () -> n.gradientsInto(x, t, null, db));
            assertThrows(InvalidArgumentException.class, () -> n.weightsInto(0, new double[3]));
            assertThrows(InvalidArgumentException.class, () -> n.biasesInto(1, null));
            assertThrows(InvalidArgumentException.class, () -> n.weightsInto(2, new double[3]));
        }
    }
}
