package dev.nabla.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.nabla.io.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Malformed and hostile .npy files are rejected with a typed error naming the file, the byte and the problem. */
class NpyValidationTest {
    @TempDir
    Path dir;

    /** A version-1.0 file with this header text (padded as NumPy pads it) and {@code data} bytes after it. */
    private Path npy(String header, int dataBytes) throws IOException {
        return npy(1, header.getBytes(StandardCharsets.ISO_8859_1), dataBytes);
    }

    private Path npy(int major, byte[] header, int dataBytes) throws IOException {
        return npy(major, header, new byte[dataBytes]);
    }

    private Path npy(int major, byte[] header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) header.length);
        } else {
            len.putInt(header.length);
        }
        out.write(len.array());
        out.write(header);
        out.write(data);
        return write(out.toByteArray());
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad.npy");
        Files.write(file, bytes);
        return file;
    }

    private static WeightsFormatException rejected(Path file, String... parts) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> Npy.readHost(file));
        assertMessage(e, "npy " + file);
        assertMessage(e, parts);
        return e;
    }

    private static String dict(String descr, String fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }\n";
    }

    @Test
    void aValidHandMadeFileReads() throws IOException {
        HostTensor h = Npy.readHost(npy(dict("<f4", "False", "(2, 3)"), 24));
        assertEquals(6, h.size());
    }

    @Test
    void thePreambleIsChecked() throws IOException {
        rejected(write(new byte[0]), "byte 0", "0 bytes");
        rejected(write(new byte[]{(byte) 0x93, 'N', 'U', 'M'}), "4 bytes");
        rejected(write("PK\u0003\u0004 not numpy at all".getBytes(StandardCharsets.ISO_8859_1)), "byte 0",
                "\\x93NUMPY");
        byte[] v4 = Files.readAllBytes(npy(dict("<f4", "False", "(2, 3)"), 24));
        v4[6] = 4;
        rejected(write(v4), "byte 6", "version 4.0");
        byte[] valid = Files.readAllBytes(npy(dict("<f4", "False", "(2, 3)"), 24));
        rejected(write(Arrays.copyOf(valid, 11)), "byte 8", "runs past the end of the file (11 bytes)");
    }

    @Test
    void theHeaderLengthIsBoundedAndCheckedAgainstTheFile() throws IOException {
        byte[] b = Files.readAllBytes(npy(dict("<f4", "False", "(2, 3)"), 24));
        b[8] = (byte) 0xFF;
        b[9] = (byte) 0xFF;                                   // 65535 > the 10000-byte limit
        rejected(write(b), "byte 8", "header length 65535 exceeds the limit of 10000");
        b[8] = (byte) 0x10;
        b[9] = (byte) 0x27;                                   // 10000: allowed, but past the end of this file
        rejected(write(b), "byte 8", "runs past the end of the file");
        // version 2.0: a u32 length of 4 GiB − 1
        byte[] v2 = Files.readAllBytes(npy(2, dict("<f4", "False", "(2,)").getBytes(StandardCharsets.ISO_8859_1), 8));
        v2[8] = v2[9] = v2[10] = v2[11] = (byte) 0xFF;
        rejected(write(v2), "header length 4294967295 exceeds the limit");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'descr': '<f4', 'fortran_order': False}                          | has no 'shape'",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}   | unexpected key 'x'",
            "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)} | duplicate key 'descr'",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2)}            | write (n,)",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}          | expected a non-negative integer",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (02,)}          | leading zero",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,)} | more than 10 digits",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648,)}  | exceeds 2147483647",
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}               | expected True or False",
            "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}            | expected '('",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk      | after the header dictionary",
            "{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}            | expected ',' or '}'",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ,, }       | expected a quoted string",
            "{'descr': '<f\\4', 'fortran_order': False, 'shape': (2,)}         | inside a string",
            "{'descr': '=f4', 'fortran_order': False, 'shape': (2,)}           | native byte order",
            "{'descr': '<f16', 'fortran_order': False, 'shape': (2,)}          | '<f16' is not supported",
            "{'descr': 'f4', 'fortran_order': False, 'shape': (2,)}            | 'f4' is not supported",
            "{'descr': '<i16', 'fortran_order': False, 'shape': (2,)}          | '<i16' is not supported",
            "{'descr': '<i3', 'fortran_order': False, 'shape': (2,)}           | '<i3' is not supported",
            "{'descr': '<b1', 'fortran_order': False, 'shape': (2,)}           | '<b1' is not supported",
            "{'descr': '=i8', 'fortran_order': False, 'shape': (2,)}           | native byte order",
            "__import__('os').system('echo pwned')                            | expected '{'",
            "                                                                  | expected '{'"})
    void theHeaderDictionaryIsParsedStrictlyWithoutEvaluatingIt(String header, String problem) throws IOException {
        rejected(npy(header == null ? "" : header, 8), "header", problem);
    }

    @Test
    void aShapeOfMoreThan64DimensionsIsRejected() throws IOException {
        String shape = "(" + "1, ".repeat(65) + ")";
        rejected(npy(dict("<f4", "False", shape), 4), "more than 64 dimensions");
    }

    @Test
    void theDataMustFillTheRestOfTheFileExactly() throws IOException {
        rejected(npy(dict("<f4", "False", "(2, 3)"), 23), "needs 24 bytes", "holds 23", "(truncated)");
        rejected(npy(dict("<f4", "False", "(2, 3)"), 25), "needs 24 bytes", "holds 25", "trailing bytes");
        rejected(npy(dict("<f8", "True", "(2, 3)"), 0), "needs 48 bytes", "holds 0");
        rejected(npy(dict("<i8", "False", "(2, 3)"), 47), "'<i8' (2, 3) needs 48 bytes", "holds 47", "(truncated)");
        rejected(npy(dict("|u1", "False", "(5,)"), 6), "'|u1' (5,) needs 5 bytes", "trailing bytes");
    }

    /** Values as {@code descr} stores them: 8 or 4 bytes each, in {@code order}. */
    private Path integers(String descr, ByteOrder order, long... values) throws IOException {
        int size = descr.charAt(2) - '0';
        ByteBuffer b = ByteBuffer.allocate(size * values.length).order(order);
        for (long v : values) {
            if (size == 8) {
                b.putLong(v);
            } else {
                b.putInt((int) v);
            }
        }
        return npy(1, dict(descr, "False", "(" + values.length + ",)").getBytes(StandardCharsets.ISO_8859_1),
                b.array());
    }

    /** Wide integers read exactly up to the ends of the INT32 range; one step past either end is a typed error. */
    @Test
    void wideIntegersAreRangeCheckedAtBothEndsOfTheInt32Range() throws IOException {
        long min = Integer.MIN_VALUE;
        long max = Integer.MAX_VALUE;
        assertArrayEquals(new int[]{Integer.MIN_VALUE, Integer.MAX_VALUE},
                Npy.readHost(integers("<i8", ByteOrder.LITTLE_ENDIAN, min, max)).ints());
        assertArrayEquals(new int[]{Integer.MIN_VALUE, Integer.MAX_VALUE},
                Npy.readHost(integers(">i8", ByteOrder.BIG_ENDIAN, min, max)).ints());
        assertArrayEquals(new int[]{0, Integer.MAX_VALUE},
                Npy.readHost(integers(">u4", ByteOrder.BIG_ENDIAN, 0, max)).ints());
        assertArrayEquals(new int[]{0, Integer.MAX_VALUE},
                Npy.readHost(integers("<u8", ByteOrder.LITTLE_ENDIAN, 0, max)).ints());

        rejected(integers("<i8", ByteOrder.LITTLE_ENDIAN, 0, 0, min - 1), "element 2 (at [2] of shape [3]) is "
                + (min - 1), "'<i8'", "outside the range of INT32");
        rejected(integers(">i8", ByteOrder.BIG_ENDIAN, max + 1), "element 0 (at [0] of shape [1]) is " + (max + 1),
                "'>i8'");
        rejected(integers(">u4", ByteOrder.BIG_ENDIAN, 0, max + 1), "element 1", "is 2147483648", "'>u4'");
        rejected(integers("<u8", ByteOrder.LITTLE_ENDIAN, 0, Long.MIN_VALUE), "element 1",
                "is 9223372036854775808", "'<u8'");
        // '|' (no byte order) is for 1-byte types only
        rejected(npy(dict("|i8", "False", "(1,)"), 8), "'|i8' is not supported");
    }

    @Test
    void hugeShapesAreRejectedBeforeAnythingIsAllocated() throws IOException {
        // 4·10⁴ × 5·10⁴ floats would be 8 GB; the file has 8 bytes of data
        rejected(npy(dict("<f4", "False", "(40000, 50000)"), 8), "needs 8000000000 bytes", "holds 8");
        // more elements than a Java array, and than a long, can count
        rejected(npy(dict("<f4", "False", "(2147483647, 2147483647)"), 8), "more elements than a Java array");
        rejected(npy(dict("<f4", "False", "(2147483647, 2147483647, 2147483647)"), 8),
                "more elements than a Java array");
    }

    @Test
    void aVersion3HeaderMustBeValidUtf8() throws IOException {
        byte[] header = (dict("<f4", "False", "(2,)").strip() + "  \n").getBytes(StandardCharsets.ISO_8859_1);
        header[header.length - 2] = (byte) 0xC3;              // a UTF-8 lead byte followed by '\n'
        rejected(npy(3, header, 8), "byte 12", "not valid UTF-8");
        // the same bytes are fine latin-1 in version 2.0, where 'Ã' is just an unexpected character
        rejected(npy(2, header, 8), "after the header dictionary");
    }
}
