package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.nabla.io.Fixtures.assertValues;
import static dev.nabla.io.Fixtures.path;
import static dev.nabla.io.Fixtures.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Nabla writes is what numpy.save writes, and reads back bit for bit. */
class NpyRoundTripTest {
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

    /** INT32 values that start with the extremes and the values next to them. */
    static final int[] INT_EDGES = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1, Integer.MIN_VALUE + 1,
            Integer.MAX_VALUE - 1};

    /** Random raw bits: every pattern, NaNs with any payload (signaling ones too) included; any int for INT32. */
    /** ±0, ±∞, a quiet and a signalling NaN with payloads, the largest finite, the smallest subnormal, 1. */
    static final int[] HALF_EDGES = {0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E01, 0x7C01, 0xFF80, 0x7F81, 0x7BFF, 0x0001,
            0x8001, 0x3C00, 0x3F80};

    static HostTensor randomBits(DType dtype, long seed, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = (int) HostTensor.elements(shape);
        if (dtype == DType.INT32) {
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = i < INT_EDGES.length ? INT_EDGES[i] : rng.nextInt();
            }
            return HostTensor.of(v, shape);
        }
        if (dtype.isHalf()) {                 // every 16-bit pattern may appear, NaN payloads included
            short[] v = new short[n];
            for (int i = 0; i < n; i++) {
                v[i] = (short) (i < HALF_EDGES.length ? HALF_EDGES[i] : rng.nextInt());
            }
            return HostTensor.ofHalfBits(dtype, v, shape);
        }
        if (dtype == DType.FLOAT32) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = Float.intBitsToFloat(i < Fixtures.F32_BITS.length ? Fixtures.F32_BITS[i] : rng.nextInt());
            }
            return HostTensor.of(v, shape);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Double.longBitsToDouble(i < Fixtures.F64_BITS.length ? Fixtures.F64_BITS[i] : rng.nextLong());
        }
        return HostTensor.of(v, shape);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FLOAT32", "FLOAT64", "INT32", "FLOAT16"})
    void everyBitSurvivesAWriteAndARead(DType dtype) throws IOException {
        int[][] shapes = {{}, {1}, {17}, {3, 4}, {0, 5}, {5, 0}, {2, 3, 4}, {64, 129}};
        for (int[] shape : shapes) {
            HostTensor t = randomBits(dtype, 7 + shape.length, shape);
            Path file = dir.resolve("t.npy");
            Npy.write(t, file);
            HostTensor back = Npy.readHost(file);
            assertEquals(t, back, dtype + " " + Arrays.toString(shape) + " differs after a round trip");
        }
    }

    @Test
    void aTensorIsWrittenAsItsRowsAndColumns() throws IOException {
        Tensor t = be.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Path file = dir.resolve("t.npy");
        Npy.write(t, file);
        HostTensor h = Npy.readHost(file);
        assertArrayEquals(new int[]{2, 3}, h.shape());
        assertEquals(DType.FLOAT64, h.dtype());
        Tensor back = Npy.read(be, file);
        assertValues(t.toDoubleArray(), back.toDoubleArray(), "tensor round trip");
    }

    @Test
    void anInt32TensorIsWrittenAsInt32AndReadBackAsInt32() throws IOException {
        Tensor t = be.fromArray(new int[]{Integer.MIN_VALUE, -1, 0, 7, 42, Integer.MAX_VALUE}, 3, 2);
        Path file = dir.resolve("labels.npy");
        Npy.write(t, file);
        HostTensor h = Npy.readHost(file);
        assertEquals(DType.INT32, h.dtype());
        assertArrayEquals(new int[]{3, 2}, h.shape());
        assertArrayEquals(t.toIntArray(), h.ints());
        Tensor back = Npy.read(be, file);
        assertEquals(DType.INT32, back.dtype());
        assertEquals(t.shape(), back.shape());
        assertArrayEquals(t.toIntArray(), back.toIntArray(), "INT32 tensor round trip");
    }

    /** An int64 file read as INT32 is written back as '<i4': what Nabla holds, not what the file held. */
    @Test
    void int64ValuesReadAsInt32AreWrittenAsInt32() throws IOException {
        HostTensor h = Npy.readHost(path("npy/int_extremes_i8.npy"));
        Path file = dir.resolve("narrowed.npy");
        Npy.write(h, file);
        byte[] b = Files.readAllBytes(file);
        assertTrue(new String(b, 10, 64 - 10, StandardCharsets.ISO_8859_1).startsWith("{'descr': '<i4'"));
        assertEquals(h, Npy.readHost(file));
        assertArrayEquals(Files.readAllBytes(path("npy/int_extremes_i4.npy")), b, "what numpy.save writes for"
                + " the same values as int32");
    }

    /** numpy.save of the same array gives the same bytes: header text, 64-byte alignment, data. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f4_c.npy", "f8_c.npy", "scalar_f8.npy", "vector_f4.npy", "empty_f8.npy", "int_i4.npy",
            "int_extremes_i4.npy"})
    void theBytesAreThoseNumpySaveWrites(String fixture) throws IOException {
        HostTensor numpy = Npy.readHost(path("npy/" + fixture));
        Path file = dir.resolve(fixture);
        Npy.write(numpy, file);
        byte[] expected = Files.readAllBytes(path("npy/" + fixture));
        byte[] actual = Files.readAllBytes(file);
        assertEquals(new String(expected, StandardCharsets.ISO_8859_1), new String(actual, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theHeaderIsVersionOneAlignedTo64BytesAndEndsWithANewline() throws IOException {
        Path file = dir.resolve("t.npy");
        Npy.write(HostTensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3), file);
        byte[] b = Files.readAllBytes(file);
        int headerLength = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        assertEquals(0, (10 + headerLength) % 64);
        assertEquals('\n', b[10 + headerLength - 1]);
        String header = new String(b, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.strip());
        assertEquals(10 + headerLength + 6 * 4, b.length);
    }

    @Test
    void writingReplacesTheFileWholeAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("t.npy");
        Npy.write(HostTensor.of(ramp(100), 10, 10), file);
        Npy.write(HostTensor.of(new double[]{42}), file);
        assertEquals(42.0, Npy.readHost(file).doubles()[0]);
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "only the written file is left in " + dir);
        }
        assertTrue(Files.size(file) < 200);
    }
}
