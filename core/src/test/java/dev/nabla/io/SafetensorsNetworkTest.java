package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.nabla.io.Fixtures.assertMessage;
import static dev.nabla.io.Fixtures.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A network's parameters saved and loaded: every bit kept, the layout documented, every mismatch named. */
class SafetensorsNetworkTest {
    @TempDir
    Path dir;
    private Backend be;
    private Scope scope;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
        scope = be.scope();
    }

    @AfterEach
    void stop() {
        scope.close();
        be.close();
    }

    private Network mlp(DType dtype, long seed) {
        return Network.builder().input(5).dense(4, Activation.RELU).dense(3, Activation.TANH)
                .dense(2, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).dtype(dtype).seed(seed).build(be);
    }

    /**
     * Values a FLOAT32/FLOAT64 parameter can hold, as doubles: quiet NaNs with payloads, ±0, subnormals, extremes,
     * infinities, then random bits. A FLOAT64 network also gets a signaling NaN (a FLOAT32 one cannot keep it: the
     * float64 API of Network quiets it, see NetworkWeights).
     */
    private static double[] hardValues(DType dtype, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            if (dtype == DType.FLOAT32) {
                int[] special = {0x7FC12345, 0xFFC00001, 0x80000000, 0x00000001, 0x7F7FFFFF, 0xFF800000, 0x007FFFFF};
                int bits = i < special.length ? special[i] : rng.nextInt();
                if (Float.isNaN(Float.intBitsToFloat(bits))) {
                    bits |= 0x00400000;                       // quiet
                }
                v[i] = Float.intBitsToFloat(bits);
            } else {
                long[] special = {0x7FF8000000012345L, 0xFFF8000000000001L, 0x7FF0000000000001L, 0x8000000000000000L,
                        0x0000000000000001L, 0x7FEFFFFFFFFFFFFFL, 0xFFF0000000000000L};
                v[i] = Double.longBitsToDouble(i < special.length ? special[i] : rng.nextLong());
            }
        }
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FLOAT32", "FLOAT64"})
    void aSaveAndALoadKeepEveryBitOfEveryParameter(DType dtype) throws IOException {
        Network saved = mlp(dtype, 1);
        for (int l = 0; l < saved.layers().size(); l++) {
            var d = saved.layers().get(l);
            saved.setWeights(l, hardValues(dtype, d.inputs() * d.outputs(), 10 + l));
            saved.setBiases(l, hardValues(dtype, d.outputs(), 20 + l));
        }
        Path file = dir.resolve("mlp.safetensors");
        Safetensors.save(saved, file);

        Network loaded = mlp(dtype, 2);                          // other weights until the load
        Safetensors.load(loaded, file);
        for (int l = 0; l < saved.layers().size(); l++) {
            assertValues(saved.weights(l), loaded.weights(l), dtype + " W of layer " + l);
            assertValues(saved.biases(l), loaded.biases(l), dtype + " b of layer " + l);
        }
        saved.close();
        loaded.close();
    }

    @Test
    void theFileNamesShapesAndDescribesTheNetwork() throws IOException {
        Network net = mlp(DType.FLOAT32, 3);
        Path file = dir.resolve("mlp.safetensors");
        Safetensors.save(net, file);
        Map<String, HostTensor> t = Safetensors.read(file);
        assertEquals(List.of("dense.0.weight", "dense.0.bias", "dense.1.weight", "dense.1.bias", "dense.2.weight",
                "dense.2.bias"), List.copyOf(t.keySet()));
        assertArrayEquals(new int[]{5, 4}, t.get("dense.0.weight").shape(), "W is [inputs, outputs]");
        assertArrayEquals(new int[]{4}, t.get("dense.0.bias").shape(), "b is [outputs]");
        assertEquals(DType.FLOAT32, t.get("dense.2.weight").dtype());
        assertValues(net.weights(1), t.get("dense.1.weight").toDoubleArray(), "W of layer 1, row-major");
        Map<String, String> m = Safetensors.readMetadata(file);
        assertEquals("dense-v1", m.get("nabla.format"));
        assertEquals("5", m.get("nabla.inputs"));
        assertEquals("4,3,2", m.get("nabla.units"));
        assertEquals("RELU,TANH,SOFTMAX", m.get("nabla.activations"));
        assertEquals("CROSS_ENTROPY", m.get("nabla.loss"));
        assertEquals("FLOAT32", m.get("nabla.dtype"));
        net.close();
    }

    @Test
    void aBiasStoredAsOneRowAlsoLoads() throws IOException {
        Network net = Network.builder().input(2).dense(3, Activation.IDENTITY).loss(Loss.MSE).dtype(DType.FLOAT64)
                .build(be);
        Path file = dir.resolve("row-bias.safetensors");
        Safetensors.write(file, Map.of("dense.0.weight", HostTensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3),
                "dense.0.bias", HostTensor.of(new double[]{7, 8, 9}, 1, 3)), null);
        Safetensors.load(net, file);
        assertValues(new double[]{1, 2, 3, 4, 5, 6}, net.weights(0), "W");
        assertValues(new double[]{7, 8, 9}, net.biases(0), "b");
        net.close();
    }

    @Test
    void aFileOfAnotherArchitectureIsRejectedNamingEveryTensorAndTheNetworkIsUnchanged() throws IOException {
        Network small = Network.builder().input(5).dense(4, Activation.RELU).dense(2, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).build(be);
        Path file = dir.resolve("small.safetensors");
        Safetensors.save(small, file);

        Network net = mlp(DType.FLOAT32, 4);
        double[] before = net.weights(1);
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> Safetensors.load(net, file));
        assertMessage(e, "safetensors " + file, "does not fit Network[5 → 4 RELU → 3 TANH → 2 SOFTMAX",
                "'dense.1.weight' is F32 [4, 2] but the network needs F32 [4, 3]",
                "'dense.1.bias' is F32 [2] but the network needs F32 [3]",
                "'dense.2.weight' is missing (expected F32 [3, 2])", "'dense.2.bias' is missing",
                "activations RELU,SOFTMAX, this one has RELU,TANH,SOFTMAX");
        assertValues(before, net.weights(1), "W of layer 1 after the failed load");

        Network bigger = Network.builder().input(5).dense(4, Activation.RELU).loss(Loss.MSE).build(be);
        assertMessage(assertThrows(WeightsMismatchException.class, () -> Safetensors.load(bigger, file)),
                "the network has no tensor 'dense.1.bias', 'dense.1.weight'");
        small.close();
        net.close();
        bigger.close();
    }

    @Test
    void aFileOfAnotherDtypeIsRejectedWithAHint() throws IOException {
        Network f64 = mlp(DType.FLOAT64, 5);
        Path file = dir.resolve("f64.safetensors");
        Safetensors.save(f64, file);
        Network f32 = mlp(DType.FLOAT32, 5);
        assertMessage(assertThrows(WeightsMismatchException.class, () -> Safetensors.load(f32, file)),
                "'dense.0.weight' is F64 [5, 4] but the network needs F32 [5, 4]", ".dtype(FLOAT64)");
        f64.close();
        f32.close();
    }

    @Test
    void activationsRecordedInTheMetadataMustMatch() throws IOException {
        Network relu = Network.builder().input(2).dense(2, Activation.RELU).loss(Loss.MSE).build(be);
        Network tanh = Network.builder().input(2).dense(2, Activation.TANH).loss(Loss.MSE).build(be);
        Path file = dir.resolve("relu.safetensors");
        Safetensors.save(relu, file);
        assertMessage(assertThrows(WeightsMismatchException.class, () -> Safetensors.load(tanh, file)),
                "saved from a network with activations RELU, this one has TANH");
        relu.close();
        tanh.close();
    }

    @Test
    void savingOverAFileReplacesItWholeAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("mlp.safetensors");
        Files.writeString(file, "an older file");
        Network net = mlp(DType.FLOAT32, 6);
        Safetensors.save(net, file);
        Safetensors.save(net, file);
        Network loaded = mlp(DType.FLOAT32, 7);
        Safetensors.load(loaded, file);
        assertValues(net.weights(0), loaded.weights(0), "W of layer 0");
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "only the saved file is left in " + dir);
        }
        net.close();
        loaded.close();
    }
}
