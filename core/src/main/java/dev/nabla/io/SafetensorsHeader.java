package dev.nabla.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of a safetensors file, read and checked completely before any tensor data is allocated.
 *
 * <pre>
 * byte 0        8-byte little-endian unsigned N: the header's length
 * byte 8        N bytes of UTF-8 JSON, starting with '{', possibly padded with trailing spaces:
 *               {"__metadata__": {"key": "value", ...},                        (optional, strings only)
 *                "NAME": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [BEGIN, END]}, ...}
 * byte 8 + N    the data section: each tensor's bytes at [BEGIN, END) of it, little-endian, row-major (C order)
 * </pre>
 *
 * What is checked, in this order, each with an error that names the byte offset or the tensor: the file holds the
 * 8-byte length; N ≤ {@link #MAX_HEADER_BYTES} and N ≤ file size − 8; the header is valid UTF-8 and starts with
 * '{'; the JSON is strict ({@link JsonReader}) with no duplicate key; each tensor has exactly dtype, shape and
 * data_offsets; the dtype is one the format defines; the rank is ≤ {@link #MAX_RANK}, every dimension and offset a
 * non-negative integer (dimensions ≤ 2³¹ − 1); the element count and byte count do not overflow 64 bits and the
 * byte count equals END − BEGIN; sorted by offset, the tensors tile the data section exactly: no gap, no overlap,
 * nothing past its end and no trailing byte after the last tensor (the rules of the reference implementation).
 */
final class SafetensorsHeader {
    /** The reference implementation's limit on N. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Tensors of higher rank are rejected (bounds what one header entry can make the parser hold). */
    static final int MAX_RANK = 64;
    static final String METADATA_KEY = "__metadata__";
    static final String FORMAT = "safetensors";

    /** One tensor: its bytes are [begin, end) of the data section. */
    record Entry(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {
        long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;                                       // checked when the header was read
            }
            return n;
        }

        String describe() {
            return dtype + " " + Arrays.toString(shape);
        }
    }

    private final List<Entry> entries;
    private final Map<String, String> metadata;
    private final long dataStart;

    private SafetensorsHeader(List<Entry> entries, Map<String, String> metadata, long dataStart) {
        this.entries = entries;
        this.metadata = metadata;
        this.dataStart = dataStart;
    }

    /** The tensors in the order of their data. */
    List<Entry> entries() {
        return entries;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    Map<String, String> metadata() {
        return metadata;
    }

    /** File offset of the data section: 8 + N. */
    long dataStart() {
        return dataStart;
    }

    // ---- reading ----------------------------------------------------------------------------------------------------

    static SafetensorsHeader read(BoundedFile file) throws IOException {
        long size = file.size();
        if (size < 8) {
            throw file.errorAt(0, "the file has " + size + " bytes; a safetensors file starts with an 8-byte header"
                    + " length");
        }
        long n = ByteBuffer.wrap(file.readBytes(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {                  // n < 0: an unsigned value ≥ 2⁶³
            throw file.errorAt(0, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw file.errorAt(0, "header length " + n + " runs past the end of the file (" + size
                    + " bytes, so at most " + (size - 8) + " bytes of header)");
        }
        String json = decodeUtf8(file, file.readBytes(8, (int) n));
        if (json.isEmpty() || json.charAt(0) != '{') {
            throw file.errorAt(8, "the header must start with '{', found "
                    + (json.isEmpty() ? "an empty header" : JsonReader.describe(json.charAt(0))));
        }
        Parser parser = new Parser(file, json);
        parser.parse();
        long dataStart = 8 + n;
        List<Entry> sorted = checkLayout(file, parser.entries, dataStart, size - dataStart);
        return new SafetensorsHeader(sorted, Collections.unmodifiableMap(parser.metadata), dataStart);
    }

    /**
     * The header as a String, after checking that it is valid UTF-8 with a small rolling buffer (so that the check
     * costs no memory proportional to N; the String itself is compact when the header is ASCII).
     */
    private static String decodeUtf8(BoundedFile file, byte[] raw) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate(4096);
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
        } while (result.isOverflow());
        if (result.isError()) {
            throw file.errorAt(8 + in.position(), "the header is not valid UTF-8");
        }
        do {
            out.clear();
            result = decoder.flush(out);
        } while (result.isOverflow());
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** Sorts the entries by offset and checks that they tile the data section [0, dataLength) exactly. */
    private static List<Entry> checkLayout(BoundedFile file, List<Entry> entries, long dataStart, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long cursor = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.end() > dataLength) {
                throw layoutError(file, e, "run past the end of the data section, which holds " + dataLength
                        + " bytes (file bytes " + dataStart + ".." + (dataStart + dataLength) + ")");
            }
            if (e.begin() < cursor) {
                throw layoutError(file, e, "overlap tensor " + MessageText.quote(previous.name()) + " at ["
                        + previous.begin() + ", " + previous.end() + "]");
            }
            if (e.begin() > cursor) {
                throw layoutError(file, e, "leave bytes " + cursor + ".." + e.begin() + " of the data section"
                        + " to no tensor (" + (previous == null ? "the data section starts at 0"
                        : "tensor " + MessageText.quote(previous.name()) + " ends at " + cursor) + ")");
            }
            cursor = e.end();
            previous = e;
        }
        if (cursor != dataLength) {
            throw file.errorAt(dataStart + cursor, (dataLength - cursor) + " trailing bytes after the last tensor's"
                    + " data (the tensors cover " + cursor + " of the " + dataLength + " bytes after the header)");
        }
        return List.copyOf(sorted);
    }

    private static WeightsFormatException layoutError(BoundedFile file, Entry e, String what) {
        return file.error("tensor " + MessageText.quote(e.name()),
                "data_offsets [" + e.begin() + ", " + e.end() + "] " + what);
    }

    /** Walks the header JSON into entries and metadata, checking each field as it goes. */
    private static final class Parser {
        private final BoundedFile file;
        private final String json;
        private final JsonReader reader;
        final List<Entry> entries = new ArrayList<>();
        final Map<String, String> metadata = new LinkedHashMap<>();

        Parser(BoundedFile file, String json) {
            this.file = file;
            this.json = json;
            this.reader = new JsonReader(json, (index, what) -> file.errorAt(byteOffset(index), "header: " + what));
        }

        /** File offset of character {@code index} of the header (UTF-8 lengths counted without a copy). */
        long byteOffset(int index) {
            long bytes = 8;
            int end = Math.min(index, json.length());
            for (int i = 0; i < end; i++) {
                char c = json.charAt(i);
                if (c < 0x80) {
                    bytes += 1;
                } else if (c < 0x800) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(json.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else {
                    bytes += 3;
                }
            }
            return bytes;
        }

        void parse() {
            Set<String> keys = new HashSet<>();
            reader.beginObject();
            while (reader.hasMember()) {
                int at = reader.position();
                String key = reader.key();
                if (!keys.add(key)) {
                    throw file.errorAt(byteOffset(at), "header: duplicate key " + MessageText.quote(key));
                }
                if (key.equals(METADATA_KEY)) {
                    metadata(at);
                } else {
                    entries.add(entry(key, at));
                }
            }
            reader.end();
        }

        private void metadata(int keyAt) {
            expectKind('{', "'" + METADATA_KEY + "' must be an object of strings");
            reader.beginObject();
            while (reader.hasMember()) {
                int at = reader.position();
                String key = reader.key();
                if (metadata.containsKey(key)) {
                    throw file.errorAt(byteOffset(at), "header: duplicate key " + MessageText.quote(key) + " in "
                            + METADATA_KEY);
                }
                expectKind('"', METADATA_KEY + "[" + MessageText.quote(key) + "] must be a string");
                metadata.put(key, reader.string());
            }
        }

        private Entry entry(String name, int keyAt) {
            expectKind('{', "tensor " + MessageText.quote(name) + " must be an object {dtype, shape, data_offsets}");
            reader.beginObject();
            String dtypeName = null;
            int[] shape = null;
            long[] offsets = null;
            while (reader.hasMember()) {
                int at = reader.position();
                String field = reader.key();
                boolean duplicate = switch (field) {
                    case "dtype" -> dtypeName != null;
                    case "shape" -> shape != null;
                    case "data_offsets" -> offsets != null;
                    default -> throw tensorError(name, at, "unknown field " + MessageText.quote(field)
                            + " (a tensor has exactly dtype, shape and data_offsets)");
                };
                if (duplicate) {
                    throw tensorError(name, at, "duplicate field '" + field + "'");
                }
                switch (field) {
                    case "dtype" -> {
                        expectKind('"', "tensor " + MessageText.quote(name) + ": dtype must be a string");
                        dtypeName = reader.string();
                    }
                    case "shape" -> shape = shape(name, at);
                    default -> offsets = offsets(name, at);
                }
            }
            if (dtypeName == null || shape == null || offsets == null) {
                throw tensorError(name, keyAt, "missing field '" + (dtypeName == null ? "dtype"
                        : shape == null ? "shape" : "data_offsets") + "'");
            }
            SafetensorsDType dtype = SafetensorsDType.parse(dtypeName);
            if (dtype == null) {
                throw tensorError(name, keyAt, "unknown dtype " + MessageText.quote(dtypeName) + " (the format defines "
                        + Arrays.toString(SafetensorsDType.values()) + ")");
            }
            long bytes = byteCount(name, keyAt, dtype, shape);
            long begin = offsets[0];
            long end = offsets[1];
            if (end < begin) {
                throw tensorError(name, keyAt, "data_offsets [" + begin + ", " + end + "] end before they begin");
            }
            if (end - begin != bytes) {
                throw tensorError(name, keyAt, "data_offsets [" + begin + ", " + end + "] hold " + (end - begin)
                        + " bytes but " + dtype + " " + Arrays.toString(shape) + " needs " + bytes);
            }
            return new Entry(name, dtype, shape, begin, end);
        }

        /** Elements × element size, failing (as the reference does) when a partial product overflows 64 bits. */
        private long byteCount(String name, int at, SafetensorsDType dtype, int[] shape) {
            try {
                long n = 1;
                for (int d : shape) {
                    n = Math.multiplyExact(n, d);
                }
                return Math.multiplyExact(n, dtype.bytes());
            } catch (ArithmeticException e) {
                throw tensorError(name, at, "shape " + Arrays.toString(shape) + " of " + dtype
                        + " has more bytes than 64 bits can count");
            }
        }

        private int[] shape(String name, int at) {
            expectKind('[', "tensor " + MessageText.quote(name) + ": shape must be an array of integers");
            reader.beginArray();
            int[] dims = new int[4];
            int rank = 0;
            while (reader.hasElement()) {
                if (rank == MAX_RANK) {
                    throw tensorError(name, at, "shape has more than " + MAX_RANK + " dimensions");
                }
                long d = integer(name, "shape");
                if (d > Integer.MAX_VALUE) {
                    throw tensorError(name, at, "dimension " + d + " exceeds " + Integer.MAX_VALUE
                            + ", the largest Nabla reads");
                }
                if (rank == dims.length) {
                    dims = Arrays.copyOf(dims, dims.length * 2);
                }
                dims[rank++] = (int) d;
            }
            return Arrays.copyOf(dims, rank);
        }

        private long[] offsets(String name, int at) {
            expectKind('[', "tensor " + MessageText.quote(name) + ": data_offsets must be an array [begin, end]");
            reader.beginArray();
            long[] offsets = new long[2];
            int count = 0;
            while (reader.hasElement()) {
                if (count == 2) {
                    throw tensorError(name, at, "data_offsets has more than two numbers");
                }
                offsets[count++] = integer(name, "data_offsets");
            }
            if (count != 2) {
                throw tensorError(name, at, "data_offsets has " + count + " numbers, not two [begin, end]");
            }
            return offsets;
        }

        /** A non-negative integer token that fits a long (anything larger exceeds every file we can read). */
        private long integer(String name, String field) {
            int at = reader.position();
            expectKind('n', "tensor " + MessageText.quote(name) + ": " + field + " must hold integers");
            String token = reader.number();
            if (token.startsWith("-")) {
                throw tensorError(name, at, field + " holds " + token + "; it must be ≥ 0");
            }
            for (int i = 0; i < token.length(); i++) {
                if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                    throw tensorError(name, at, field + " holds " + token + "; it must be an integer");
                }
            }
            try {
                return Long.parseLong(token);
            } catch (NumberFormatException e) {
                throw tensorError(name, at, field + " holds " + token + ", more than " + Long.MAX_VALUE);
            }
        }

        private void expectKind(char kind, String message) {
            char found = reader.peekKind();
            if (found != kind) {
                throw file.errorAt(byteOffset(reader.position()), "header: " + message + ", found "
                        + JsonReader.kindName(found));
            }
        }

        private WeightsFormatException tensorError(String name, int at, String what) {
            return file.error("tensor " + MessageText.quote(name) + " (header byte " + byteOffset(at) + ")", what);
        }
    }

    // ---- writing ----------------------------------------------------------------------------------------------------

    /**
     * The header bytes for {@code entries} (in order) and {@code metadata}, padded with spaces to a multiple of 8 so
     * that the data section starts 8-byte aligned (as the reference writer does). Keys are written in the order
     * given; {@code __metadata__} first when not empty.
     */
    static byte[] encode(List<Entry> entries, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            JsonWriter.quote(sb, METADATA_KEY).append(":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                JsonWriter.quote(sb, m.getKey()).append(':');
                JsonWriter.quote(sb, m.getValue());
            }
            sb.append('}');
        }
        for (Entry e : entries) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            JsonWriter.quote(sb, e.name()).append(":{\"dtype\":\"").append(e.dtype()).append("\",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) {
                sb.append(i == 0 ? "" : ",").append(e.shape()[i]);
            }
            sb.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
