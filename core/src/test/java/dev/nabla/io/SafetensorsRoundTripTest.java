package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nabla.io.Fixtures.assertMessage;
import static dev.nabla.io.NpyRoundTripTest.randomBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Named tensors written by Nabla read back bit for bit, in the layout the format specifies. */
class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FLOAT32", "FLOAT64", "INT32", "BFLOAT16", "FLOAT16"})
    void everyBitOfEveryTensorSurvivesAWriteAndARead(DType dtype) throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        int[][] shapes = {{}, {1}, {17}, {3, 4}, {0, 5}, {2, 3, 4}, {64, 129}};
        for (int i = 0; i < shapes.length; i++) {
            tensors.put("t" + i, randomBits(dtype, 100 + i, shapes[i]));
        }
        DType other = DType.values()[(dtype.ordinal() + 1) % DType.values().length];
        tensors.put("other dtype", randomBits(other, 5, 3, 3));
        tensors.put("π \"quoted\" \\ \n\t\u0001 \uD83D\uDE00", randomBits(dtype, 6, 2));
        Map<String, String> metadata = Map.of("k\"ey", "v\u0000alue \u2248", "empty", "");
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, tensors, metadata);

        Map<String, HostTensor> back = Safetensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.keySet()), "names, in the order written");
        for (String name : tensors.keySet()) {
            assertEquals(tensors.get(name), back.get(name), "tensor '" + name + "' differs after a round trip");
        }
        assertEquals(metadata, Safetensors.readMetadata(file));
    }

    @Test
    void int32TensorsOnABackendSurviveAWriteAndARead() throws IOException {
        try (Backend be = Backend.wrap(new ReferenceBackend()); Scope scope = be.scope()) {
            Tensor labels = be.fromInts(3, 1, 4, 1, 5, 9, 2, 6);
            Tensor mask = be.fromArray(new int[]{1, 0, 0, 1, Integer.MIN_VALUE, Integer.MAX_VALUE}, 2, 3);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            tensors.put("labels", HostTensor.of(labels));
            tensors.put("mask", HostTensor.of(mask));
            tensors.put("x", HostTensor.of(be.fromArray(new float[]{0.5f, -1f}, 1, 2)));
            Path file = dir.resolve("t.safetensors");
            Safetensors.write(file, tensors, null);

            Map<String, HostTensor> back = Safetensors.read(file);
            for (Map.Entry<String, Tensor> t : Map.of("labels", labels, "mask", mask).entrySet()) {
                HostTensor h = back.get(t.getKey());
                assertEquals(DType.INT32, h.dtype(), t.getKey());
                Tensor restored = h.toTensor(be);
                assertEquals(DType.INT32, restored.dtype(), t.getKey());
                assertEquals(t.getValue().shape(), restored.shape(), t.getKey());
                assertArrayEquals(t.getValue().toIntArray(), restored.toIntArray(), t.getKey());
            }
            assertEquals(DType.FLOAT32, back.get("x").dtype());
        }
    }

    /** The bytes follow the specification: u64 N, N bytes of JSON padded to 8, then the data, little-endian. */
    @Test
    void theLayoutIsTheFormatsAndTheDataIsAligned() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("a", HostTensor.of(new float[]{1.5f, -2f, 0f, 3f, 4f, 5f}, 2, 3));
        tensors.put("b", HostTensor.of(new double[]{0.25}, 1));
        tensors.put("c", HostTensor.of(new int[]{-2, Integer.MAX_VALUE}, 2));
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, tensors, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertEquals(0, n % 8, "the header is padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[24,32]},"
                + "\"c\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[32,40]}}", header.stripTrailing());
        assertEquals(8 + n + 40, bytes.length);
        b.position((int) (8 + n));
        assertEquals(1.5f, b.getFloat());
        assertEquals(-2f, b.getFloat());
        b.position((int) (8 + n + 24));
        assertEquals(0.25, b.getDouble());
        assertEquals(-2, b.getInt());
        assertEquals(Integer.MAX_VALUE, b.getInt());
    }

    @Test
    void noTensorsAndNoMetadataMakeTheSmallestFile() throws IOException {
        Path file = dir.resolve("empty.safetensors");
        Safetensors.write(file, Map.of(), null);
        assertEquals("{}      ", new String(Files.readAllBytes(file), 8, 8, StandardCharsets.UTF_8));
        assertEquals(16, Files.size(file));
        assertEquals(Map.of(), Safetensors.read(file));
    }

    @Test
    void namesAndMetadataThatCannotBeWrittenAreRefused() {
        Path file = dir.resolve("t.safetensors");
        HostTensor t = HostTensor.of(new float[]{1}, 1);
        assertMessage(assertThrows(InvalidArgumentException.class,
                () -> Safetensors.write(file, Map.of("__metadata__", t), null)), "reserved for metadata");
        assertMessage(assertThrows(InvalidArgumentException.class,
                () -> Safetensors.write(file, Map.of("bad\uD800", t), null)), "unpaired surrogate");
        Map<String, HostTensor> withNull = new LinkedHashMap<>();
        withNull.put("x", null);
        assertMessage(assertThrows(InvalidArgumentException.class,
                () -> Safetensors.write(file, withNull, null)), "tensor 'x' is null");
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertMessage(assertThrows(InvalidArgumentException.class,
                () -> Safetensors.write(file, Map.of("x", t), nullValue)), "metadata value of 'k'");
        assertEquals(false, Files.exists(file), "nothing was written");
    }
}
