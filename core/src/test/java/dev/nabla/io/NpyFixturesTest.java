package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidShapeException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.nabla.io.Fixtures.assertBits;
import static dev.nabla.io.Fixtures.assertMessage;
import static dev.nabla.io.Fixtures.assertValues;
import static dev.nabla.io.Fixtures.path;
import static dev.nabla.io.Fixtures.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Files written by NumPy (make_fixtures.py) load with the values, shapes and dtypes NumPy gave them. */
class NpyFixturesTest {
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

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "f4_c.npy, FLOAT32", "f4_f.npy, FLOAT32", "be_f4_c.npy, FLOAT32", "be_f4_f.npy, FLOAT32",
            "f8_c.npy, FLOAT64", "f8_f.npy, FLOAT64", "be_f8_c.npy, FLOAT64", "be_f8_f.npy, FLOAT64",
            "v2_f4.npy, FLOAT32", "v3_f8.npy, FLOAT64"})
    void floatMatricesInEitherByteOrderAndMemoryOrderReadAsTheSameRowMajorValues(String file, DType dtype)
            throws IOException {
        HostTensor h = Npy.readHost(path("npy/" + file));
        assertEquals(dtype, h.dtype());
        assertArrayEquals(new int[]{3, 4}, h.shape());
        assertValues(ramp(12), h.toDoubleArray(), file);

        Tensor t = Npy.read(be, path("npy/" + file));
        assertEquals(3, t.rows());
        assertEquals(4, t.cols());
        assertEquals(dtype, t.dtype());
        assertValues(ramp(12), t.toDoubleArray(), file + " on the backend");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"special_f4.npy", "be_special_f4.npy"})
    void float32BitPatternsSurviveBitForBit(String file) throws IOException {
        HostTensor h = Npy.readHost(path("npy/" + file));
        assertArrayEquals(new int[]{10}, h.shape());
        assertBits(Fixtures.F32_BITS, h.floats(), file);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"special_f8.npy", "be_special_f8.npy"})
    void float64BitPatternsSurviveBitForBit(String file) throws IOException {
        HostTensor h = Npy.readHost(path("npy/" + file));
        assertBits(Fixtures.F64_BITS, h.doubles(), file);
    }

    @Test
    void rankZeroAndOneBecomeOneRowTensors() throws IOException {
        HostTensor scalar = Npy.readHost(path("npy/scalar_f8.npy"));
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.size());
        Tensor s = Npy.read(be, path("npy/scalar_f8.npy"));
        assertEquals(1, s.rows());
        assertEquals(1, s.cols());
        assertEquals(2.5, s.item());

        Tensor v = Npy.read(be, path("npy/vector_f4.npy"));
        assertEquals(1, v.rows());
        assertEquals(5, v.cols());
        assertValues(ramp(5), v.toDoubleArray(), "vector");

        Tensor empty = Npy.read(be, path("npy/empty_f8.npy"));
        assertEquals(0, empty.rows());
        assertEquals(3, empty.cols());
    }

    @Test
    void aFortranOrderedRankThreeArrayIsConvertedButCannotBecomeATensor() throws IOException {
        HostTensor h = Npy.readHost(path("npy/rank3_f4_f.npy"));
        assertArrayEquals(new int[]{2, 3, 4}, h.shape());
        assertValues(ramp(24), h.toDoubleArray(), "rank 3, Fortran order");
        InvalidShapeException e = assertThrows(InvalidShapeException.class,
                () -> Npy.read(be, path("npy/rank3_f4_f.npy")));
        assertMessage(e, "[2, 3, 4]", "rank 3");
    }

    /** NumPy's own int_ramp: k − 5 for signed types, k for unsigned ones. */
    private static int[] intRamp(int n, int first) {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) {
            v[k] = first + k;
        }
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"int_i1.npy, -5", "int_u1.npy, 0", "int_i2.npy, -5", "int_u2.npy, 0", "int_i4.npy, -5",
            "int_u4.npy, 0", "int_i8.npy, -5", "int_u8.npy, 0", "int_be_i2_f.npy, -5", "int_be_i4.npy, -5",
            "int_be_i8_f.npy, -5"})
    void integersOfEveryWidthAndByteOrderReadAsInt32(String file, int first) throws IOException {
        HostTensor h = Npy.readHost(path("npy/" + file));
        assertEquals(DType.INT32, h.dtype());
        assertArrayEquals(new int[]{3, 4}, h.shape());
        assertArrayEquals(intRamp(12, first), h.ints(), file);

        Tensor t = Npy.read(be, path("npy/" + file));
        assertEquals(DType.INT32, t.dtype());
        assertEquals(3, t.rows());
        assertEquals(4, t.cols());
        assertArrayEquals(intRamp(12, first), t.toIntArray(), file + " on the backend");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"int_extremes_i4.npy", "int_extremes_i8.npy"})
    void theInt32ExtremesAreExactWhateverTheWidthOnFile(String file) throws IOException {
        HostTensor h = Npy.readHost(path("npy/" + file));
        assertEquals(DType.INT32, h.dtype());
        assertArrayEquals(new int[]{Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1}, h.ints(), file);
    }

    /** np.save(np.array([3, 1, ...])) stores NumPy's default integer, int64: labels arrive as '<i8'. */
    @Test
    void labelsSavedWithNumpysDefaultIntegerBecomeAnInt32Row() throws IOException {
        Tensor labels = Npy.read(be, path("npy/labels_default_int.npy"));
        assertEquals(DType.INT32, labels.dtype());
        assertEquals("1×8", labels.shape().toString());
        assertArrayEquals(new int[]{3, 1, 4, 1, 5, 9, 2, 6}, labels.toIntArray());
    }

    /**
     * A value outside [−2³¹, 2³¹ − 1] is an error naming the file, the element's byte, its row-major index and
     * position, and its value; never wrapped. The byte is computed from the file's own header length.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "range_high_i8.npy     | 3 | 3 | 8 | element 3 (at [1, 0] of shape [2, 3]) is 2147483648  | '<i8'",
            "range_low_i8_f.npy    | 4 | 2 | 8 | element 2 (at [0, 2] of shape [2, 3]) is -2147483649 | '<i8'",
            "range_min_be_i8.npy   | 3 | 3 | 8 | element 3 (at [3] of shape [4]) is -9223372036854775808 | '>i8'",
            "range_max_u8.npy      | 2 | 2 | 8 | element 2 (at [2] of shape [3]) is 18446744073709551615 | '<u8'",
            "int_extremes_be_u4.npy | 1 | 1 | 4 | element 1 (at [1] of shape [4]) is 4294967295     | '>u4'"})
    void anIntegerOutsideTheInt32RangeIsATypedErrorNamingItsIndexAndValue(String file, int position, int element,
            int itemSize, String what, String descr) throws IOException {
        Path p = path("npy/" + file);
        byte[] bytes = Files.readAllBytes(p);
        int dataStart = 10 + ((bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8);
        long live = be.stats().liveTensors();
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> Npy.readHost(p));
        assertMessage(e, "npy " + p + ": byte " + (dataStart + position * itemSize) + ": ", what,
                "outside the range of INT32 [-2147483648, 2147483647]", descr, "never wrapped");
        assertEquals(e.getMessage(), assertThrows(WeightsFormatException.class, () -> Npy.read(be, p)).getMessage());
        assertEquals(live, be.stats().liveTensors(), "no tensor was made on the backend");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "reject_c8.npy, '<c8', astype",
            "reject_b1.npy, '|b1', astype",
            "reject_unicode.npy, '<U3', astype",
            "reject_object.npy, '|O', never unpickles",
            "reject_structured.npy, structured dtypes, byte 20: header"})
    void otherDtypesAreRejectedWithATypedErrorNamingThem(String file, String dtype, String hint) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> Npy.readHost(path("npy/" + file)));
        assertMessage(e, "npy ", file, dtype, hint);
    }
}
