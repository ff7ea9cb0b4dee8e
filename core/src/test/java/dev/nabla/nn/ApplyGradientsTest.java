package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.Shape;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Network#applyGradients} (the hook DataParallel updates through) is {@link Network#trainStep}'s update with
 * gradients given from outside: same optimizer binding, same state; and {@link Gradients#of} checks what it is given.
 */
class ApplyGradientsTest {

    private static Network network(Backend b) {
        return Network.builder().input(3).dense(4, Activation.TANH).dense(2, Activation.SIGMOID).loss(Loss.MSE)
                .dtype(DType.FLOAT64).seed(5).build(b);
    }

    @Test
    void gradientsGivenBackAreTrainStepBitForBit() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true)) {
            try (Network a = network(b); Network c = a.copyTo(b); Optimizer adamA = Optimizers.adam(0.05);
                 Optimizer adamC = Optimizers.adam(0.05);
                 Tensor x = b.fromArray(HostData.uniform(1, 5 * 3, -1, 1), 5, 3, DType.FLOAT64);
                 Tensor t = b.fromArray(HostData.uniform(2, 5 * 2, 0, 1), 5, 2, DType.FLOAT64)) {
                for (int step = 0; step < 4; step++) {
                    a.trainStep(x, t, adamA);
                    c.applyGradients(c.gradients(x, t), adamC);
                }
                for (int l = 0; l < 2; l++) {
                    assertArrayEquals(a.weights(l), c.weights(l), "W" + l);
                    assertArrayEquals(a.biases(l), c.biases(l), "b" + l);
                }
                assertEquals(4, ((Adam) adamC).steps());
            }
            assertEquals(0, b.stats().liveTensors());
        }
    }

    @Test
    void badGradientsAreRefusedBeforeAnythingChanges() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true); Network net = network(b);
             Optimizer sgd = Optimizers.sgd(0.1)) {
            double[] w = net.weights(0);
            Gradients oneLayer = Gradients.of(0, List.of(new double[12]), List.of(new double[4]),
                    List.of(new Shape(3, 4)));
            assertTrue(assertThrows(ShapeMismatchException.class, () -> net.applyGradients(oneLayer, sgd)).getMessage()
                    .startsWith("applyGradients: gradients of 1 layer for a network of 2 [reference]"));
            Gradients transposed = Gradients.of(0, List.of(new double[12], new double[8]),
                    List.of(new double[3], new double[2]), List.of(new Shape(4, 3), new Shape(4, 2)));
            assertTrue(assertThrows(ShapeMismatchException.class, () -> net.applyGradients(transposed, sgd))
                    .getMessage().startsWith("applyGradients: dW0 is 4×3 but W0 is 3×4"));
            assertThrows(InvalidArgumentException.class, () -> net.applyGradients(null, sgd));
            assertArrayEquals(w, net.weights(0));
            assertTrue(assertThrows(InvalidArgumentException.class, () -> Gradients.of(0, List.of(new double[11]),
                    List.of(new double[4]), List.of(new Shape(3, 4)))).getMessage()
                    .startsWith("Gradients.of: layer 0 has W 3×4 but 11 dW values and 4 db values"));
            net.close();
            assertTrue(assertThrows(NablaException.class, () -> net.applyGradients(oneLayer, sgd)).getMessage()
                    .startsWith("applyGradients: the network is closed"));
        }
    }
}
