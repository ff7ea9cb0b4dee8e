package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nabla.io.Fixtures.assertMessage;
import static dev.nabla.io.Fixtures.assertValues;
import static dev.nabla.io.Fixtures.path;
import static dev.nabla.io.Fixtures.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BFLOAT16 and FLOAT16 in weights files: .npy {@code '<f2'}/{@code '>f2'} written by NumPy and safetensors BF16/F16
 * assembled by make_fixtures.py read bit for bit (NaN payloads and signaling NaNs included); Nabla's own files read
 * back the same and its {@code '<f2'} file is byte for byte what numpy.save writes; BFLOAT16 has no .npy dtype and is
 * refused by name.
 */
class HalfFilesTest {
    /** make_fixtures.py's F16_BITS and BF16_BITS. */
    static final short[] F16_BITS = bits(0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E01, 0x7C01, 0xFE00, 0x7BFF, 0x0001,
            0x8001, 0x3C00, 0x0400);
    static final short[] BF16_BITS = bits(0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC1, 0x7F81, 0xFFC0, 0x7F7F, 0x0001,
            0x8001, 0x3F80, 0x0080);

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

    private static short[] bits(int... v) {
        short[] s = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = (short) v[i];
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f2_c.npy", "be_f2_f.npy"})
    void numpyFloat16FilesReadAsFloat16InEitherByteOrderAndMemoryOrder(String file) throws IOException {
        HostTensor h = Npy.readHost(path("npy/" + file));
        assertEquals(DType.FLOAT16, h.dtype());
        int cols = file.startsWith("be") ? 5 : 4;
        assertArrayEquals(new int[]{3, cols}, h.shape());
        assertValues(ramp(3 * cols), h.toDoubleArray(), file);
        Tensor t = Npy.read(be, path("npy/" + file));
        assertEquals(DType.FLOAT16, t.dtype());
        assertValues(ramp(3 * cols), t.toDoubleArray(), file + " on the backend");
    }

    @Test
    void float16BitPatternsFromNumpySurviveBitForBit() throws IOException {
        HostTensor h = Npy.readHost(path("npy/special_f2.npy"));
        assertArrayEquals(F16_BITS, h.halfBits());
        assertArrayEquals(F16_BITS, h.toTensor(be).toHalfBits(), "through a tensor");
    }

    @Test
    void nablaWritesFloat16ByteForByteAsNumpySaveDoes() throws IOException {
        Tensor t = be.fromArray(ramp(12), 3, 4, DType.FLOAT16);
        Path file = dir.resolve("t.npy");
        Npy.write(t, file);
        assertArrayEquals(Files.readAllBytes(path("npy/f2_c.npy")), Files.readAllBytes(file),
                "what numpy.save writes for the same float16 array");
        Tensor back = Npy.read(be, file);
        assertEquals(DType.FLOAT16, back.dtype());
        assertArrayEquals(t.toHalfBits(), back.toHalfBits());
    }

    @Test
    void bfloat16HasNoNpyDtypeAndIsRefusedByName() {
        Tensor t = be.fromArray(ramp(6), 2, 3, DType.BFLOAT16);
        Path file = dir.resolve("bf16.npy");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Npy.write(t, file));
        assertMessage(e, "Npy.write: BFLOAT16 [2, 3] has no .npy dtype", "Safetensors (BF16)", "cast it to FLOAT32");
        assertTrue(Files.notExists(file), "nothing was written");
    }

    @Test
    void safetensorsBf16AndF16ReadBitForBit() throws IOException {
        Map<String, HostTensor> t = Safetensors.read(path("safetensors/half.safetensors"));
        assertEquals(List.of("bf16_matrix", "f16_matrix", "bf16_special", "f16_special", "f16_scalar"),
                List.copyOf(t.keySet()));
        assertEquals(DType.BFLOAT16, t.get("bf16_matrix").dtype());
        assertEquals(DType.FLOAT16, t.get("f16_matrix").dtype());
        assertValues(ramp(12), t.get("bf16_matrix").toDoubleArray(), "bf16_matrix");
        assertValues(ramp(12), t.get("f16_matrix").toDoubleArray(), "f16_matrix");
        assertArrayEquals(BF16_BITS, t.get("bf16_special").halfBits());
        assertArrayEquals(F16_BITS, t.get("f16_special").halfBits());
        assertEquals(0, t.get("f16_scalar").rank());
        assertValues(new double[]{-2.5}, t.get("f16_scalar").toDoubleArray(), "f16_scalar");
        Tensor onBackend = t.get("bf16_special").toTensor(be);
        assertEquals(DType.BFLOAT16, onBackend.dtype());
        assertArrayEquals(BF16_BITS, onBackend.toHalfBits(), "BF16 patterns through a tensor");
    }

    @Test
    void nablaWrittenSafetensorsOfHalfTensorsReadBackBitForBitAndAsTheFixture() throws IOException {
        Map<String, HostTensor> fixture = Safetensors.read(path("safetensors/half.safetensors"));
        Path file = dir.resolve("half.safetensors");
        Safetensors.write(file, new LinkedHashMap<>(fixture), Map.of("format", "pt"));
        Map<String, HostTensor> back = Safetensors.read(file);
        assertEquals(fixture, back, "every tensor, bit for bit");
        // tensors made on a backend, rounded there from values
        Tensor b = be.fromArray(new double[]{1.00390625, -3e38, 1e-40, 65520}, 2, 2, DType.BFLOAT16);
        Tensor h = be.fromArray(new double[]{1.00048828125, -65520, 1e-8, 0.1}, 2, 2, DType.FLOAT16);
        Map<String, HostTensor> made = new LinkedHashMap<>();
        made.put("b", HostTensor.of(b));
        made.put("h", HostTensor.of(h));
        Safetensors.write(file, made, Map.of());
        Map<String, HostTensor> read = Safetensors.read(file);
        assertArrayEquals(b.toHalfBits(), read.get("b").halfBits());
        assertArrayEquals(h.toHalfBits(), read.get("h").halfBits());
        assertEquals(HalfFloats.doubleToBFloat16(1.00390625), read.get("b").halfBits()[0]);
        assertEquals((short) 0xFC00, read.get("h").halfBits()[1], "−65520 is −∞ in FLOAT16");
    }

    @Test
    void halfBitsOfHostTensorsAreCheckedAndCopied() {
        short[] v = {1, 2, 3};
        HostTensor h = HostTensor.ofHalfBits(DType.FLOAT16, v, 3);
        v[0] = 9;
        assertEquals(1, h.halfBits()[0], "the factory copied");
        assertThrows(InvalidArgumentException.class, () -> HostTensor.ofHalfBits(DType.FLOAT32, v, 3));
        assertThrows(InvalidArgumentException.class, () -> HostTensor.ofHalfBits(DType.BFLOAT16, v, 2));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, h::floats);
        assertMessage(e, "FLOAT16", "halfBits()");
        assertThrows(InvalidArgumentException.class, () -> HostTensor.of(new float[]{1}, 1).halfBits());
    }
}
