package dev.nabla.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
import java.util.Map;

import static dev.nabla.io.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Malformed and hostile safetensors files are rejected before any tensor is allocated, with a typed error naming
 * the file, the byte offset or tensor, and the problem.
 */
class SafetensorsValidationTest {
    @TempDir
    Path dir;

    /** A file: u64 {@code length} (little-endian), then {@code header} (UTF-8), then {@code data} zero bytes. */
    private Path file(long length, byte[] header, int data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array());
        out.write(header);
        out.write(new byte[data]);
        return write(out.toByteArray());
    }

    private Path file(String header, int data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, data);
    }

    private Path write(byte[] bytes) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, bytes);
        return f;
    }

    private static void rejected(Path file, String... parts) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> Safetensors.read(file));
        assertMessage(e, "safetensors " + file + ": ");
        assertMessage(e, parts);
        // the header-only reader applies the same checks
        assertEquals(e.getMessage(), assertThrows(WeightsFormatException.class,
                () -> Safetensors.readMetadata(file)).getMessage());
    }

    private static String tensor(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    @Test
    void aValidHandMadeFileReads() throws IOException {
        Map<String, HostTensor> t = Safetensors.read(file("{" + tensor("a", "F32", "[2,3]", "[0,24]") + "}  ", 24));
        assertEquals(6, t.get("a").size());
    }

    @Test
    void theHeaderLengthIsBoundedAndCheckedAgainstTheFile() throws IOException {
        rejected(write(new byte[0]), "byte 0", "the file has 0 bytes");
        rejected(write(new byte[7]), "byte 0", "the file has 7 bytes");
        rejected(file(-1L, new byte[0], 0), "byte 0", "header length 18446744073709551615 exceeds the limit of 100000000");
        rejected(file(Long.MIN_VALUE, new byte[0], 0), "header length 9223372036854775808 exceeds");
        rejected(file(100_000_001L, new byte[0], 0), "header length 100000001 exceeds the limit");
        // a legal length, but longer than the file: nothing is allocated for it
        rejected(file(100_000_000L, "{}".getBytes(StandardCharsets.UTF_8), 0), "byte 0",
                "header length 100000000 runs past the end of the file (10 bytes, so at most 2 bytes of header)");
        rejected(file(3, "{}".getBytes(StandardCharsets.UTF_8), 0), "header length 3 runs past the end");
    }

    @Test
    void theHeaderMustBeUtf8JsonStartingWithABrace() throws IOException {
        rejected(file("", 0), "byte 8", "must start with '{', found an empty header");
        rejected(file(" {}", 0), "byte 8", "must start with '{', found ' '");
        rejected(file("[]", 0), "byte 8", "found '['");
        byte[] h = "{\"a\u00ff\":1}".getBytes(StandardCharsets.ISO_8859_1);
        rejected(file(h.length, h, 0), "byte 11", "not valid UTF-8");
        byte[] overlong = {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};  // an overlong '/'
        rejected(file(overlong.length, overlong, 0), "byte 10", "not valid UTF-8");
        byte[] surrogate = {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};  // UTF-8 of U+D800
        rejected(file(surrogate.length, surrogate, 0), "not valid UTF-8");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{                                  | byte 9 | expected a string key",
            "{\"a\"                             | byte 12 | expected ':'",
            "{\"a\":{\"dtype\":\"F32\",}}       | byte 28 | trailing comma",
            "{} {}                              | byte 11 | after the end of the JSON value",
            "{\"a\\x\":1}                        | byte 11 | invalid escape \\'x'",
            "{\"\\ud800\":1}                     | byte 10 | unpaired surrogate \\ud800",
            "{\"\\udc00x\":1}                    | byte 10 | unpaired surrogate \\udc00",
            "{\"\\u12\":1}                       | byte 10 | invalid \\u escape",
            "{\"__metadata__\":{}, \"__metadata__\":{}} | byte 28 | duplicate key '__metadata__'",
            "{/* comment */}                    | byte 9 | expected a string key",
            "{'a':1}                            | byte 9 | expected a string key"})
    void theJsonIsStrict(String header, String at, String problem) throws IOException {
        rejected(file(header, 0), at, "header: ", problem);
    }

    @Test
    void controlCharactersAreNotWhitespaceAndNotAllowedInStrings() throws IOException {
        rejected(file("{}\u0000", 0), "byte 10", "unexpected U+0000 after the end of the JSON value");
        rejected(file("{\"a\u0001\":1}", 0), "byte 11", "control character U+0001 inside a string");
        rejected(file("{\"a\n\":1}", 0), "byte 11", "control character U+000A");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`\"a\":[]`                                                   | must be an object {dtype, shape, data_offsets}, found an array",
            "`\"a\":{\"shape\":[],\"data_offsets\":[0,4]}`                | tensor 'a' (header byte 9): missing field 'dtype'",
            "`\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}`           | missing field 'shape'",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[]}`                     | missing field 'data_offsets'",
            "`\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\"}`                | duplicate field 'dtype'",
            "`\"a\":{\"dtype\":\"F32\",\"offsets\":[0,4]}`                | unknown field 'offsets'",
            "`\"a\":{\"dtype\":32,\"shape\":[],\"data_offsets\":[0,4]}`   | dtype must be a string, found a number",
            "`\"a\":{\"dtype\":\"f32\",\"shape\":[],\"data_offsets\":[0,4]}` | unknown dtype 'f32'",
            "`\"a\":{\"dtype\":\"F128\",\"shape\":[],\"data_offsets\":[0,4]}` | unknown dtype 'F128'",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":3,\"data_offsets\":[0,4]}` | shape must be an array of integers, found a number",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]}` | shape must hold integers, found an array",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}` | shape holds -1; it must be ≥ 0",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}` | shape holds 1.0; it must be an integer",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[1e0],\"data_offsets\":[0,4]}` | shape holds 1e0; it must be an integer",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]}` | leading zero",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}` | shape must hold integers, found a string",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[null],\"data_offsets\":[0,4]}` | shape must hold integers, found null",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[2147483648],\"data_offsets\":[0,4]}` | dimension 2147483648 exceeds 2147483647",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,4]}` | more bytes than 64 bits can count",
            "`\"a\":{\"dtype\":\"F64\",\"shape\":[1073741824,1073741824,8],\"data_offsets\":[0,4]}` | more bytes than 64 bits can count",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0]}` | data_offsets has 1 numbers, not two",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4,8]}` | data_offsets has more than two numbers",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":{}}` | data_offsets must be an array [begin, end], found an object",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,0]}` | data_offsets [4, 0] end before they begin",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}` | data_offsets [0, 4] hold 4 bytes but F32 [2] needs 8",
            "`\"a\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,4]}` | data_offsets [0, 4] hold 4 bytes but I32 [2] needs 8",
            "`\"a\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,4]}` | data_offsets [0, 4] hold 4 bytes but I64 [] needs 8",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,18446744073709551615]}` | more than 9223372036854775807",
            "`\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,123456789012345678901234567890123456789012]}` | number of 42 characters",
            "`\"__metadata__\":[]`                                      | '__metadata__' must be an object of strings, found an array",
            "`\"__metadata__\":{\"k\":1}`                               | __metadata__['k'] must be a string, found a number",
            "`\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}`               | duplicate key 'k' in __metadata__"})
    void eachTensorEntryIsCheckedFieldByField(String entry, String problem) throws IOException {
        rejected(file("{" + entry + "}", 4), problem);
    }

    /** A file: u64 header length, {@code header}, then {@code values} as little-endian int64. */
    private Path int64File(String header, long... values) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (long v : values) {
            b.putLong(v);
        }
        return write(b.array());
    }

    /** I64 reads into INT32 exactly up to the int range's ends, and one step past either end is a typed error. */
    @Test
    void int64ValuesAreRangeCheckedAtBothEndsOfTheInt32Range() throws IOException {
        String header = "{" + tensor("y", "I64", "[2,2]", "[0,32]") + "}";
        long min = Integer.MIN_VALUE;
        long max = Integer.MAX_VALUE;
        assertArrayEquals(new int[]{Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1},
                Safetensors.read(int64File(header, min, max, 0, -1)).get("y").ints());
        long[][] cases = {{min - 1, max, 0, 0}, {0, max + 1, 0, 0}, {0, 0, Long.MAX_VALUE, 0}, {0, 0, 0, 1L << 32}};
        String[] where = {"element 0 (at [0, 0]", "element 1 (at [0, 1]", "element 2 (at [1, 0]",
                "element 3 (at [1, 1]"};
        for (int c = 0; c < cases.length; c++) {
            Path file = int64File(header, cases[c]);
            long value = cases[c][c];
            WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> Safetensors.read(file));
            long byteOffset = 8 + header.length() + 8L * c;
            assertMessage(e, "safetensors " + file + ": tensor 'y' (byte " + byteOffset + "): ", where[c],
                    "of shape [2, 2]) is " + value + ", outside the range of INT32");
            // the header alone is valid: only reading the values finds the problem
            assertEquals(Map.of(), Safetensors.readMetadata(file));
        }
    }

    /** Valid safetensors dtypes Nabla does not read are named, with the tensor, before anything is read. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"I16, 4", "U8, 2", "U32, 8", "U64, 16", "I8, 2", "BOOL, 2", "F8_E4M3, 2"})
    void otherIntegerAndHalfDtypesAreValidatedButNotRead(String dtype, int bytes) throws IOException {
        Path file = file("{" + tensor("t", dtype, "[2]", "[0," + bytes + "]") + "}", bytes);
        assertEquals(Map.of(), Safetensors.readMetadata(file), "the header is valid");
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> Safetensors.read(file));
        assertMessage(e, "safetensors " + file + ": tensor 't': dtype " + dtype + " is valid safetensors but Nabla"
                + " reads only F32, F64, BF16, F16, I32 and I64");
    }

    @Test
    void aRankAboveTheLimitIsRejected() throws IOException {
        String shape = "[" + "1,".repeat(64) + "1]";
        rejected(file("{" + tensor("deep", "F32", shape, "[0,4]") + "}", 4), "tensor 'deep'",
                "more than 64 dimensions");
        String ok = "[" + "1,".repeat(63) + "1]";
        assertEquals(64, Safetensors.read(file("{" + tensor("deep", "F32", ok, "[0,4]") + "}", 4)).get("deep").rank());
    }

    @Test
    void theTensorsMustTileTheDataSectionExactly() throws IOException {
        String a = tensor("a", "F32", "[2]", "[0,8]");
        String b = tensor("b", "F32", "[2]", "[8,16]");
        Map<String, HostTensor> ok = Safetensors.read(file("{" + b + "," + a + "}", 16));   // any header order
        assertEquals(2, ok.size());

        rejected(file("{" + a + "," + tensor("b", "F32", "[2]", "[4,12]") + "}", 12), "tensor 'b'",
                "data_offsets [4, 12] overlap tensor 'a' at [0, 8]");
        rejected(file("{" + a + "," + tensor("b", "F32", "[2]", "[12,20]") + "}", 20), "tensor 'b'",
                "leave bytes 8..12 of the data section to no tensor (tensor 'a' ends at 8)");
        rejected(file("{" + tensor("b", "F32", "[2]", "[8,16]") + "}", 16), "tensor 'b'",
                "leave bytes 0..8", "the data section starts at 0");
        rejected(file("{" + a + "," + b + "}", 12), "tensor 'b'", "data_offsets [8, 16] run past the end of the"
                + " data section, which holds 12 bytes");
        String header = "{" + a + "," + b + "}";
        rejected(file(header, 17), "byte " + (8 + header.length() + 16), "1 trailing bytes after the last tensor");
        rejected(file("{}", 3), "byte 10", "3 trailing bytes");
    }

    @Test
    void zeroSizedTensorsMayShareAnOffset() throws IOException {
        String header = "{" + tensor("e1", "F32", "[0,3]", "[8,8]") + "," + tensor("a", "F64", "[1]", "[0,8]") + ","
                + tensor("e2", "F64", "[5,0]", "[8,8]") + "}";
        Map<String, HostTensor> t = Safetensors.read(file(header, 8));
        assertEquals(0, t.get("e1").size());
        assertEquals(0, t.get("e2").size());
        assertEquals(1, t.get("a").size());
    }

    /** A header may claim any size; nothing is allocated for it before it is checked against the file. */
    @Test
    void claimsOfHugeTensorsAreRejectedWithoutAllocatingThem() throws IOException {
        rejected(file("{" + tensor("huge", "F32", "[100000,100000]", "[0,40000000000]") + "}", 16),
                "tensor 'huge'", "data_offsets [0, 40000000000] run past the end of the data section, which holds 16");
        rejected(file("{" + tensor("huge", "F32", "[1000000,1000000,1000000]", "[0,4000000000000000000]") + "}", 16),
                "run past the end");
    }

    /** 50,000 tensors (a 3 MB header) read in seconds: no check is quadratic, an empty tensor costs no buffer. */
    @Test
    @Timeout(60)
    void aHeaderOfManyTensorsReads() throws IOException {
        int n = 50_000;
        // one 4-byte scalar at [0, 4], and 49,999 empty tensors at [4, 4]
        StringBuilder sb = new StringBuilder("{").append(tensor("scalar", "F32", "[]", "[0,4]"));
        for (int i = 1; i < n; i++) {
            sb.append(',').append(tensor("e" + i, "F32", "[0,7]", "[4,4]"));
        }
        String header = sb.append('}').toString();
        Map<String, HostTensor> t = Safetensors.read(file(header, 4));
        assertEquals(n, t.size());
    }

    @Test
    void namesInMessagesAreEscapedAndCut() throws IOException {
        String name = "line\\nbreak" + "x".repeat(1000);
        WeightsFormatException e = assertThrows(WeightsFormatException.class,
                () -> Safetensors.read(file("{" + tensor(name, "F32", "[2]", "[0,4]") + "}", 4)));
        assertMessage(e, "tensor 'line\\u000abreakxxx", "xxx'… (1010 characters)");
        assertEquals(false, e.getMessage().contains("\n"), "no raw newline in " + e.getMessage());
        assertEquals(true, e.getMessage().length() < 300, "a short message: " + e.getMessage());
    }

    @Test
    void errorsGiveTheByteOffsetOfNonAsciiHeaders() throws IOException {
        // "π" is 2 bytes in UTF-8: the ':' expected at character 5 is at byte 8 + 6 = 14
        rejected(file("{\"π\" 1}", 0), "byte 14", "expected ':'");
    }
}
