package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.nabla.io.Fixtures.assertBits;
import static dev.nabla.io.Fixtures.assertMessage;
import static dev.nabla.io.Fixtures.assertValues;
import static dev.nabla.io.Fixtures.path;
import static dev.nabla.io.Fixtures.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safetensors files assembled by make_fixtures.py straight from the format's specification (no Nabla code), and
 * a PyTorch MLP exported to Nabla's layout, load with the values, and the MLP computes what PyTorch computed.
 */
class SafetensorsFixturesTest {
    private static final String NAIVE = "na\u00efve \"quoted\" \u03c0";
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

    @Test
    void everyTensorOfAMixedFileReadsInDataOrderWithItsMetadata() throws IOException {
        Map<String, HostTensor> t = Safetensors.read(path("safetensors/mixed.safetensors"));
        // the header lists them in another order; the result follows the data
        assertEquals(List.of("matrix32", "special64", "scalar64", "empty32", "rank3_64", "special32", NAIVE),
                List.copyOf(t.keySet()));
        assertEquals(DType.FLOAT32, t.get("matrix32").dtype());
        assertArrayEquals(new int[]{3, 4}, t.get("matrix32").shape());
        assertValues(ramp(12), t.get("matrix32").toDoubleArray(), "matrix32");
        assertBits(Fixtures.F64_BITS, t.get("special64").doubles(), "special64");
        assertBits(Fixtures.F32_BITS, t.get("special32").floats(), "special32");
        assertArrayEquals(new int[]{}, t.get("scalar64").shape());
        assertValues(new double[]{2.5}, t.get("scalar64").doubles(), "scalar64");
        assertArrayEquals(new int[]{0, 3}, t.get("empty32").shape());
        assertEquals(0, t.get("empty32").size());
        assertArrayEquals(new int[]{2, 3, 4}, t.get("rank3_64").shape());
        assertValues(ramp(24), t.get("rank3_64").doubles(), "rank3_64");
        assertValues(ramp(5), t.get(NAIVE).toDoubleArray(), NAIVE);

        assertEquals(Map.of("format", "pt", "note", "\u03c0 \u2248 3.14"),
                Safetensors.readMetadata(path("safetensors/mixed.safetensors")));
    }

    /** A BF16 tensor beside an F32 one (bf16.safetensors): both read, the BF16 one bit for bit as BFLOAT16. */
    @Test
    void aBf16TensorBesideAnF32OneReadsAsBfloat16() throws IOException {
        Map<String, HostTensor> t = Safetensors.read(path("safetensors/bf16.safetensors"));
        assertEquals(DType.FLOAT32, t.get("w").dtype());
        assertEquals(DType.BFLOAT16, t.get("half").dtype());
        assertArrayEquals(new short[]{0x3F80, 0x4000}, t.get("half").halfBits());
        assertValues(new double[]{1, 2}, t.get("half").toDoubleArray(), "half");
        assertEquals(Map.of("format", "pt"), Safetensors.readMetadata(path("safetensors/bf16.safetensors")));
    }

    /** I32 reads as INT32, I64 into INT32 (range checked); NumPy wrote the data. */
    @Test
    void int32AndInt64TensorsReadAsInt32() throws IOException {
        Map<String, HostTensor> t = Safetensors.read(path("safetensors/int.safetensors"));
        assertEquals(List.of("labels32", "matrix64", "extremes64", "extremes32", "scalar32", "empty64", "rank3_32",
                "x"), List.copyOf(t.keySet()));
        for (String name : List.of("labels32", "matrix64", "extremes64", "extremes32", "scalar32", "empty64",
                "rank3_32")) {
            assertEquals(DType.INT32, t.get(name).dtype(), name);
        }
        assertArrayEquals(new int[]{3, 1, 4, 1, 5, 9, 2, 6}, t.get("labels32").ints());
        assertArrayEquals(new int[]{3, 4}, t.get("matrix64").shape());
        int[] ramp = new int[24];
        for (int k = 0; k < ramp.length; k++) {
            ramp[k] = k - 5;
        }
        assertArrayEquals(Arrays.copyOf(ramp, 12), t.get("matrix64").ints());
        int[] extremes = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1};
        assertArrayEquals(extremes, t.get("extremes64").ints());
        assertArrayEquals(extremes, t.get("extremes32").ints());
        assertArrayEquals(new int[]{}, t.get("scalar32").shape());
        assertArrayEquals(new int[]{7}, t.get("scalar32").ints());
        assertArrayEquals(new int[]{0, 3}, t.get("empty64").shape());
        assertArrayEquals(new int[]{2, 3, 4}, t.get("rank3_32").shape());
        assertArrayEquals(ramp, t.get("rank3_32").ints());
        assertEquals(DType.FLOAT32, t.get("x").dtype());

        Tensor m = t.get("matrix64").toTensor(be);
        assertEquals(DType.INT32, m.dtype());
        assertEquals("3×4", m.shape().toString());
        assertArrayEquals(Arrays.copyOf(ramp, 12), m.toIntArray());
    }

    /**
     * An I64 value outside the int range names the tensor, the element's byte, its index and its value. The byte is
     * the data section's start (from the file) plus the element's offset in it: 'big' follows 'ok' (two I32 values,
     * 8 bytes), and its element 4 is 4 × 8 bytes in; 'small' is alone and its element 2 is 2 × 8 bytes in.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "range_high_i64.safetensors | tensor 'big'   | 40 | element 4 (at [1, 1] of shape [2, 3]) is 2147483648",
            "range_min_i64.safetensors  | tensor 'small' | 16 | element 2 (at [2] of shape [4]) is -9223372036854775808"})
    void anInt64OutsideTheInt32RangeIsATypedErrorNamingItsIndexAndValue(String file, String tensor, long dataOffset,
            String what) throws IOException {
        Path p = path("safetensors/" + file);
        byte[] bytes = Files.readAllBytes(p);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> Safetensors.read(p));
        assertMessage(e, "safetensors " + p + ": " + tensor + " (byte " + (8 + headerLength + dataOffset) + "): ",
                what, "outside the range of INT32", "I64 is read into INT32", "never wrapped");
    }

    @Test
    void aFileWithoutTensorsReadsAsEmpty() throws IOException {
        assertTrue(Safetensors.read(path("safetensors/empty.safetensors")).isEmpty());
    }

    /** y = σ(tanh(x·W0 + b0)·W1 + b1), with PyTorch's weights and PyTorch's output. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"f64, FLOAT64, 1e-12", "f32, FLOAT32, 2e-6"})
    void aPyTorchMlpComputesWhatPyTorchComputed(String suffix, DType dtype, double tolerance) throws IOException {
        Network net = Network.builder().input(4).dense(3, Activation.TANH).dense(2, Activation.SIGMOID)
                .loss(Loss.MSE).dtype(dtype).seed(99).build(be);
        Safetensors.load(net, path("safetensors/torch_mlp_" + suffix + ".safetensors"));
        Tensor x = Npy.read(be, path("npy/torch_mlp_" + suffix + "_x.npy"));
        double[] expected = Npy.readHost(path("npy/torch_mlp_" + suffix + "_y.npy")).toDoubleArray();
        double[] actual = net.forward(x).toDoubleArray();
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "output " + i + " differs from PyTorch's");
        }
        net.close();
    }

    @Test
    void pyTorchsOwnWeightLayoutIsRecognisedAsTransposed() {
        Network net = Network.builder().input(4).dense(3, Activation.TANH).dense(2, Activation.SIGMOID)
                .loss(Loss.MSE).dtype(DType.FLOAT64).build(be);
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> Safetensors.load(net, path("safetensors/torch_mlp_transposed.safetensors")));
        assertMessage(e, "torch_mlp_transposed.safetensors", "'dense.0.weight' is F64 [3, 4] but the network needs"
                + " F64 [4, 3]", "transposed", "'dense.1.weight' is F64 [2, 3]");
        net.close();
    }
}
