package dev.nabla.io;

import dev.nabla.DType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The header dictionary of a {@code .npy} file, a Python literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and ended by '\n'.
 *
 * <p>Parsed strictly, without evaluating anything: exactly the keys {@code descr} (a string), {@code fortran_order}
 * ({@code True}/{@code False}) and {@code shape} (a tuple of non-negative integers, a one-element tuple written
 * {@code (n,)}), each once; strings in single or double quotes without escapes; an optional trailing comma;
 * whitespace around tokens and nothing else after the '}'. A structured dtype (a list as descr) is rejected.
 * Ranks up to {@link #MAX_RANK}, dimensions up to 2³¹ − 1.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {
    /** NumPy's own limit on dimensions. */
    static final int MAX_RANK = 64;

    /** Makes the error for a problem at character {@code index} of the header text. */
    interface Errors {
        WeightsFormatException at(int index, String what);
    }

    static NpyHeader parse(String text, Errors errors) {
        return new Parser(text, errors).dict();
    }

    /**
     * The header text NumPy would write for {@code dtype} and {@code shape} in C order, padded with spaces and a
     * final '\n' so that {@code preamble} + its length is a multiple of 64 (NumPy's alignment).
     */
    static byte[] encode(DType dtype, int[] shape, int preamble) {
        StringBuilder sb = new StringBuilder("{'descr': '").append(NpyDescr.forWriting(dtype))
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        sb.append(shape.length == 1 ? ",), }" : "), }");
        int total = preamble + sb.length() + 1;
        sb.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final class Parser {
        private final String text;
        private final Errors errors;
        private int pos;

        Parser(String text, Errors errors) {
            this.text = text;
            this.errors = errors;
        }

        NpyHeader dict() {
            Set<String> keys = new HashSet<>();
            String descr = null;
            Boolean fortran = null;
            int[] shape = null;
            skipWhitespace();
            expect('{');
            while (true) {
                skipWhitespace();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                int at = pos;
                String key = string();
                if (!keys.add(key)) {
                    throw errors.at(at, "duplicate key " + MessageText.quote(key));
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                switch (key) {
                    case "descr" -> {
                        if (peek() == '[') {
                            throw errors.at(pos, "structured dtypes (a list as descr) are not supported");
                        }
                        descr = string();
                    }
                    case "fortran_order" -> fortran = bool();
                    case "shape" -> shape = tuple();
                    default -> throw errors.at(at, "unexpected key " + MessageText.quote(key)
                            + " (a .npy header has exactly 'descr', 'fortran_order' and 'shape')");
                }
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw errors.at(pos, "expected ',' or '}'" + found());
                }
            }
            skipWhitespace();
            if (pos < text.length()) {
                throw errors.at(pos, "unexpected " + JsonReader.describe(text.charAt(pos)) + " after the header"
                        + " dictionary (only spaces and a newline may pad it)");
            }
            if (descr == null || fortran == null || shape == null) {
                throw errors.at(0, "the header has no '" + (descr == null ? "descr"
                        : fortran == null ? "fortran_order" : "shape") + "'");
            }
            return new NpyHeader(descr, fortran, shape);
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw errors.at(pos, "expected a quoted string" + found());
            }
            int start = ++pos;
            while (pos < text.length() && text.charAt(pos) != quote) {
                char c = text.charAt(pos);
                if (c == '\\' || c < 0x20) {
                    throw errors.at(pos, "unexpected " + JsonReader.describe(c) + " inside a string");
                }
                pos++;
            }
            if (pos >= text.length()) {
                throw errors.at(start - 1, "unterminated string");
            }
            return text.substring(start, pos++);
        }

        private boolean bool() {
            if (text.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw errors.at(pos, "expected True or False" + found());
        }

        /** {@code ()}, {@code (n,)}, {@code (a, b)}, {@code (a, b,)}...: a single element needs its comma. */
        private int[] tuple() {
            int open = pos;
            expect('(');
            int[] dims = new int[4];
            int rank = 0;
            boolean trailingComma = false;
            while (true) {
                skipWhitespace();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                if (rank == MAX_RANK) {
                    throw errors.at(open, "shape has more than " + MAX_RANK + " dimensions");
                }
                if (rank == dims.length) {
                    dims = Arrays.copyOf(dims, dims.length * 2);
                }
                dims[rank++] = integer();
                skipWhitespace();
                trailingComma = peek() == ',';
                if (trailingComma) {
                    pos++;
                } else if (peek() != ')') {
                    throw errors.at(pos, "expected ',' or ')' in the shape" + found());
                }
            }
            if (rank == 1 && !trailingComma) {
                throw errors.at(open, "shape (n) is an integer in Python, not a tuple: write (n,)");
            }
            return Arrays.copyOf(dims, rank);
        }

        /** A non-negative decimal integer ≤ 2³¹ − 1, no leading zeros, an optional Python 2 'L' suffix. */
        private int integer() {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
                if (pos - start > 10) {
                    throw errors.at(start, "dimension with more than 10 digits (the largest is " + Integer.MAX_VALUE
                            + ")");
                }
            }
            if (pos == start) {
                throw errors.at(pos, "expected a non-negative integer in the shape" + found());
            }
            if (text.charAt(start) == '0' && pos - start > 1) {
                throw errors.at(start, "dimension with a leading zero");
            }
            long v = Long.parseLong(text.substring(start, pos));
            if (v > Integer.MAX_VALUE) {
                throw errors.at(start, "dimension " + v + " exceeds " + Integer.MAX_VALUE + ", the largest Nabla reads");
            }
            if (peek() == 'L') {
                pos++;
            }
            return (int) v;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw errors.at(pos, "expected '" + c + "'" + found());
            }
            pos++;
        }

        private void skipWhitespace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\n'
                    || text.charAt(pos) == '\t' || text.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private String found() {
            return pos < text.length() ? ", found " + JsonReader.describe(text.charAt(pos))
                    : ", found the end of the header";
        }
    }
}
