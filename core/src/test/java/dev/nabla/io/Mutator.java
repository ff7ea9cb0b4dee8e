package dev.nabla.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded mutations of valid weights files, for {@link WeightsFuzzTest}. Byte-level ones (bit flips, byte sets,
 * truncation, extension, random files) know nothing of the format; structure-aware ones rewrite the header length
 * field, edit the header text (JSON for safetensors, the Python dict for .npy) and then fix the length field up so
 * that the edit reaches the deeper checks, or edit offsets, shapes and dtypes directly.
 */
final class Mutator {
    enum Format { SAFETENSORS, NPY }

    /** Every mutation, by the name the fuzz report uses. */
    static final List<String> KINDS = List.of("bitflip", "header-bitflip", "byte-set", "truncate", "extend",
            "length-field", "random-file", "text-number", "text-delete", "text-insert", "text-duplicate",
            "text-string", "text-nesting", "text-unicode", "offsets", "shape", "dtype", "combined");

    private static final byte[] INTERESTING_BYTES = "{}[]\",:-0123456789 \\e.\n\u0000".getBytes(StandardCharsets.ISO_8859_1);
    private static final String[] NUMBERS = {"0", "1", "-1", "2", "3", "4", "8", "01", "1.5", "1e3", "-0",
            "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
            "18446744073709551615", "18446744073709551616", "100000000", "99999999999999999999999999999999999999999999"};
    private static final String[] TOKENS = {"{", "}", "[", "]", "\"", ",", ":", "\\", "\u0000", "\t", "null", "true",
            "1", "-", "\"__metadata__\":{},", "\"__metadata__\":{\"k\":1},", "\"dtype\":\"F32\",",
            "\"x\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},", "'descr': '<f4', ", "'shape': (), ",
            "True", "False", "(", ")", "'", "L", "(1,)", "\\u0000", "\\ud800", "/*", "\ufeff"};
    private static final String[] STRINGS = {"F16", "BF16", "I64", "U8", "BOOL", "F32", "F64", "f32", "", "F8_E4M3",
            "dense.0.weight", "dense.9.bias", "__metadata__", "<f4", ">f8", "<i8", "|O", "<f2", "|u1", "=f4", "<U3",
            "|b1", "<c16", ">i4", "<u4", "|i1", "<f16"};
    private static final String[] UNICODE = {"é", "π", "\uD83D\uDE00", "\u2028", "\u00ff", "\uFFFD"};
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"\\\\]*\"|'[^'\\\\]*'");
    private static final Pattern OFFSETS = Pattern.compile("\"data_offsets\":\\s*\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\]");
    private static final Pattern SHAPE = Pattern.compile("\"shape\":\\s*\\[([^\\]]*)\\]|'shape':\\s*\\(([^)]*)\\)");
    private static final Pattern DTYPE = Pattern.compile("\"dtype\":\\s*\"([^\"]*)\"|'descr':\\s*'([^']*)'");

    private final SplittableRandom rng;

    Mutator(long seed) {
        rng = new SplittableRandom(seed);
    }

    /** A mutation of {@code file}: its kind and bytes. */
    record Mutant(String kind, byte[] bytes) {
    }

    Mutant mutate(Format format, byte[] file) {
        String kind = KINDS.get(rng.nextInt(KINDS.size()));
        if (kind.equals("combined")) {
            byte[] b = file;
            for (int i = 0, n = 2 + rng.nextInt(2); i < n; i++) {
                b = apply(KINDS.get(rng.nextInt(KINDS.size() - 1)), format, b);
            }
            return new Mutant(kind, b);
        }
        return new Mutant(kind, apply(kind, format, file));
    }

    private byte[] apply(String kind, Format format, byte[] file) {
        return switch (kind) {
            case "bitflip" -> flip(file, file.length);
            case "header-bitflip" -> flip(file, Math.min(file.length, headerEnd(format, file)));
            case "byte-set" -> setBytes(file);
            case "truncate" -> Arrays.copyOf(file, file.length == 0 ? 0 : rng.nextInt(file.length));
            case "extend" -> extend(file);
            case "length-field" -> lengthField(format, file);
            case "random-file" -> randomFile(format);
            case "text-number" -> editText(format, file, this::replaceNumber);
            case "text-delete" -> editText(format, file, this::delete);
            case "text-insert" -> editText(format, file, t -> insert(t, pick(TOKENS)));
            case "text-duplicate" -> editText(format, file, this::duplicate);
            case "text-string" -> editText(format, file, this::replaceString);
            case "text-nesting" -> editText(format, file, this::nest);
            case "text-unicode" -> editText(format, file, t -> insert(t, pick(UNICODE)));
            case "offsets" -> editText(format, file, this::offsets);
            case "shape" -> editText(format, file, this::shape);
            case "dtype" -> editText(format, file, this::dtype);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    // ---- byte level -------------------------------------------------------------------------------------------------

    private byte[] flip(byte[] file, int range) {
        byte[] b = file.clone();
        if (range == 0) {
            return b;
        }
        for (int i = 0, n = 1 + rng.nextInt(8); i < n; i++) {
            int at = rng.nextInt(range);
            b[at] ^= (byte) (1 << rng.nextInt(8));
        }
        return b;
    }

    private byte[] setBytes(byte[] file) {
        byte[] b = file.clone();
        for (int i = 0, n = 1 + rng.nextInt(4); i < n && b.length > 0; i++) {
            int at = rng.nextInt(b.length);
            b[at] = rng.nextBoolean() ? (byte) rng.nextInt(256)
                    : INTERESTING_BYTES[rng.nextInt(INTERESTING_BYTES.length)];
        }
        return b;
    }

    private byte[] extend(byte[] file) {
        byte[] extra = new byte[1 + rng.nextInt(64)];
        rng.nextBytes(extra);
        byte[] b = Arrays.copyOf(file, file.length + extra.length);
        System.arraycopy(extra, 0, b, file.length, extra.length);
        return b;
    }

    private byte[] randomFile(Format format) {
        byte[] b = new byte[rng.nextInt(513)];
        rng.nextBytes(b);
        if (rng.nextBoolean() && b.length >= 10) {              // a plausible start, to get past the first check
            if (format == Format.SAFETENSORS) {
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(rng.nextInt(b.length - 7));
                b[8] = '{';
            } else {
                System.arraycopy(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, 0, b, 0, 8);
            }
        }
        return b;
    }

    /** Rewrites the header length field with a value near the truth, at a boundary, or random. */
    private byte[] lengthField(Format format, byte[] file) {
        byte[] b = file.clone();
        long truth = headerLength(format, b);
        long[] candidates = {0, 1, truth - 1, truth + 1, truth + 1 + rng.nextInt(16), truth - 1 - rng.nextInt(16),
                b.length, b.length - 8L, b.length - 7L, 100_000_000L, 100_000_001L, 10_000, 10_001, 65_535,
                1L << 31, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, -1L, rng.nextLong()};
        long v = candidates[rng.nextInt(candidates.length)];
        setHeaderLength(format, b, v);
        return b;
    }

    // ---- header text ------------------------------------------------------------------------------------------------

    private interface TextEdit {
        String apply(String text);
    }

    /** Applies {@code edit} to the header text and writes the header length field to match the new text. */
    private byte[] editText(Format format, byte[] file, TextEdit edit) {
        int start = headerStart(format, file);
        int end = headerEnd(format, file);
        if (start < 0 || end > file.length || end < start) {
            return flip(file, file.length);
        }
        String text = new String(file, start, end - start, StandardCharsets.UTF_8);
        byte[] edited = edit.apply(text).getBytes(StandardCharsets.UTF_8);
        if (rng.nextInt(8) == 0) {                             // now and then, an invalid UTF-8 byte as well
            edited = Arrays.copyOf(edited, edited.length + 1);
            edited[rng.nextInt(edited.length)] = (byte) (0x80 + rng.nextInt(128));
        }
        byte[] out = new byte[start + edited.length + file.length - end];
        System.arraycopy(file, 0, out, 0, start);
        System.arraycopy(edited, 0, out, start, edited.length);
        System.arraycopy(file, end, out, start + edited.length, file.length - end);
        setHeaderLength(format, out, edited.length);
        return out;
    }

    private String replaceNumber(String text) {
        return replaceOne(text, DIGITS, m -> rng.nextBoolean() ? pick(NUMBERS)
                : Long.toString(Long.parseLong(m.group().length() > 18 ? "1" : m.group()) + rng.nextInt(17) - 8));
    }

    private String delete(String text) {
        if (text.isEmpty()) {
            return text;
        }
        int at = rng.nextInt(text.length());
        int n = 1 + rng.nextInt(Math.min(16, text.length() - at));
        return text.substring(0, at) + text.substring(at + n);
    }

    private String insert(String text, String token) {
        int at = rng.nextInt(text.length() + 1);
        return text.substring(0, at) + token + text.substring(at);
    }

    private String duplicate(String text) {
        if (text.isEmpty()) {
            return text;
        }
        int from = rng.nextInt(text.length());
        int to = Math.min(text.length(), from + 1 + rng.nextInt(80));
        return insert(text, text.substring(from, to));
    }

    private String replaceString(String text) {
        return replaceOne(text, QUOTED, m -> {
            char q = m.group().charAt(0);
            return q + pick(STRINGS) + q;
        });
    }

    private String nest(String text) {
        int depth = 1 + rng.nextInt(200);
        String open = rng.nextBoolean() ? "[" : "{\"k\":";
        String close = open.equals("[") ? "]" : "}";
        return insert(text, open.repeat(depth) + "1" + close.repeat(depth));
    }

    /** Moves a tensor's data_offsets: swapped, shifted, onto another tensor's range, or huge. */
    private String offsets(String text) {
        return replaceOne(text, OFFSETS, m -> {
            long begin = Long.parseLong(m.group(1));
            long end = Long.parseLong(m.group(2));
            long d = 1 + rng.nextInt(16);
            long[][] choices = {{end, begin}, {begin + d, end + d}, {begin - d, end}, {begin, end + d},
                    {begin, end - d}, {0, end}, {begin, begin}, {0, 0}, {begin, Long.MAX_VALUE},
                    {1L << 40, (1L << 40) + (end - begin)}, {begin + d, end},
                    {begin - (end - begin), begin}, {end, end + (end - begin)}};   // onto a neighbour
            long[] c = choices[rng.nextInt(choices.length)];
            return "\"data_offsets\":[" + c[0] + "," + c[1] + "]";
        });
    }

    /** Changes a shape: a dimension scaled, zeroed, made huge; one added or removed; dimensions swapped. */
    private String shape(String text) {
        return replaceOne(text, SHAPE, m -> {
            boolean json = m.group(1) != null;
            String inside = json ? m.group(1) : m.group(2);
            List<String> dims = new ArrayList<>();
            for (String s : inside.split(",")) {
                if (!s.isBlank()) {
                    dims.add(s.trim());
                }
            }
            String[] values = {"0", "1", "2", "3", "7", "65536", "2147483647", "2147483648", "1000000"};
            switch (rng.nextInt(4)) {
                case 0 -> dims.add(rng.nextInt(dims.size() + 1), pick(values));
                case 1 -> {
                    if (!dims.isEmpty()) {
                        dims.remove(rng.nextInt(dims.size()));
                    }
                }
                case 2 -> {
                    if (!dims.isEmpty()) {
                        dims.set(rng.nextInt(dims.size()), pick(values));
                    }
                }
                default -> java.util.Collections.reverse(dims);
            }
            String joined = String.join(json ? "," : ", ", dims);
            return json ? "\"shape\":[" + joined + "]"
                    : "'shape': (" + joined + (dims.size() == 1 ? ",)" : ")");
        });
    }

    private String dtype(String text) {
        return replaceOne(text, DTYPE, m -> m.group(1) != null ? "\"dtype\":\"" + pick(STRINGS) + "\""
                : "'descr': '" + pick(STRINGS) + "'");
    }

    private interface Replacement {
        String of(Matcher m);
    }

    /** Replaces one randomly chosen match of {@code pattern}; the text unchanged when there is none. */
    private String replaceOne(String text, Pattern pattern, Replacement replacement) {
        Matcher m = pattern.matcher(text);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[]{m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return text;
        }
        int[] span = spans.get(rng.nextInt(spans.size()));
        m = pattern.matcher(text);
        m.find(span[0]);
        return text.substring(0, span[0]) + replacement.of(m) + text.substring(span[1]);
    }

    private String pick(String[] values) {
        return values[rng.nextInt(values.length)];
    }

    // ---- header location --------------------------------------------------------------------------------------------

    /** Where the header text starts: after the 8-byte length (safetensors) or the preamble (.npy). */
    private static int headerStart(Format format, byte[] b) {
        if (format == Format.SAFETENSORS) {
            return 8;
        }
        return b.length >= 8 && b[6] == 1 ? 10 : 12;
    }

    /** Where the header text ends according to the length field, clamped to [start, file length]. */
    private static int headerEnd(Format format, byte[] b) {
        int start = headerStart(format, b);
        if (b.length < start) {
            return b.length;
        }
        long n = headerLength(format, b);
        return (int) Math.max(start, Math.min(b.length, start + Math.max(0, n)));
    }

    private static long headerLength(Format format, byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (format == Format.SAFETENSORS) {
            return b.length >= 8 ? buf.getLong(0) : 0;
        }
        if (b.length < 12) {
            return 0;
        }
        return b[6] == 1 ? buf.getShort(8) & 0xFFFF : buf.getInt(8) & 0xFFFFFFFFL;
    }

    private static void setHeaderLength(Format format, byte[] b, long v) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (format == Format.SAFETENSORS) {
            if (b.length >= 8) {
                buf.putLong(0, v);
            }
        } else if (b.length >= 12) {
            if (b[6] == 1) {
                buf.putShort(8, (short) v);
            } else {
                buf.putInt(8, (int) v);
            }
        }
    }
}
