package dev.nabla.io;

/**
 * A strict, bounded pull parser for JSON text (RFC 8259), written for safetensors headers. Callers walk the
 * document with {@link #beginObject()}/{@link #hasMember()}/{@link #key()}, {@link #beginArray()}/
 * {@link #hasElement()} and the scalar readers, so no document tree is built: memory stays proportional to what the
 * caller keeps (the parser itself holds one string at a time). Bounds: nesting depth ≤ {@link #MAX_DEPTH},
 * number tokens ≤ {@link #MAX_NUMBER_CHARS} characters.
 * Strict: no comments, no trailing commas, no leading zeros, no control characters or unpaired surrogates in
 * strings, nothing but whitespace after the value. Duplicate keys are the caller's to detect (it knows the keys).
 *
 * <p>Errors go through {@link Errors}, which turns a character index into a located {@link WeightsFormatException}.
 */
final class JsonReader {
    static final int MAX_DEPTH = 16;
    static final int MAX_NUMBER_CHARS = 40;

    /** Makes the error for a problem at character {@code index} of the text. */
    interface Errors {
        WeightsFormatException at(int index, String what);
    }

    private final String text;
    private final Errors errors;
    private int pos;
    private int depth;
    /** Per open container: whether its first member/element is still to come. */
    private final boolean[] first = new boolean[MAX_DEPTH + 1];

    JsonReader(String text, Errors errors) {
        this.text = text;
        this.errors = errors;
    }

    /** Character index of the next token (after whitespace). */
    int position() {
        skipWhitespace();
        return pos;
    }

    /** The kind of the next value: '{', '[', '"', 'n' (number), 'b' (true/false), 'z' (null). */
    char peekKind() {
        skipWhitespace();
        if (pos >= text.length()) {
            throw errors.at(pos, "the JSON ends where a value was expected");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{', '[', '"' -> c;
            case 't', 'f' -> 'b';
            case 'n' -> 'z';
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield 'n';
                }
                throw errors.at(pos, "unexpected character " + describe(c) + " where a value was expected");
            }
        };
    }

    static String kindName(char kind) {
        return switch (kind) {
            case '{' -> "an object";
            case '[' -> "an array";
            case '"' -> "a string";
            case 'n' -> "a number";
            case 'b' -> "a boolean";
            default -> "null";
        };
    }

    void beginObject() {
        open('{');
    }

    /** Before each member: true when one follows (the ',' before it consumed), false at the closing '}' (consumed). */
    boolean hasMember() {
        return hasNext('}');
    }

    /** The key of the next member, and its ':'. */
    String key() {
        skipWhitespace();
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw errors.at(pos, "expected a string key" + found());
        }
        String key = string();
        expect(':');
        return key;
    }

    void beginArray() {
        open('[');
    }

    /** Before each element: true when one follows, false at the closing ']' (consumed). */
    boolean hasElement() {
        return hasNext(']');
    }

    String string() {
        skipWhitespace();
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw errors.at(pos, "expected a string" + found());
        }
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw errors.at(start, "unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw errors.at(pos, "control character " + describe(c) + " inside a string (it must be escaped)");
            }
            if (c == '\\') {
                escape(sb);
            } else {
                sb.append(c);
                pos++;
            }
        }
    }

    /** The text of a number token, checked against the JSON grammar; the caller interprets it. */
    String number() {
        skipWhitespace();
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw errors.at(pos, "expected a digit" + found());
        }
        if (peek() == '.') {
            pos++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            throw errors.at(start, "number of " + (pos - start) + " characters (the limit is " + MAX_NUMBER_CHARS
                    + ")");
        }
        if (isDigit(peek())) {                                // "01": a leading zero
            throw errors.at(start, "number with a leading zero");
        }
        return text.substring(start, pos);
    }

    boolean bool() {
        skipWhitespace();
        if (text.startsWith("true", pos)) {
            pos += 4;
            return true;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return false;
        }
        throw errors.at(pos, "expected true or false" + found());
    }

    /** Checks that only whitespace follows the top-level value. */
    void end() {
        skipWhitespace();
        if (pos < text.length()) {
            throw errors.at(pos, "unexpected " + describe(text.charAt(pos)) + " after the end of the JSON value"
                    + " (only whitespace may pad a header)");
        }
    }

    // ---- internals --------------------------------------------------------------------------------------------------

    private void open(char c) {
        skipWhitespace();
        if (peek() != c) {
            throw errors.at(pos, "expected '" + c + "'" + found());
        }
        if (depth == MAX_DEPTH) {
            throw errors.at(pos, "JSON nested deeper than " + MAX_DEPTH + " levels");
        }
        pos++;
        depth++;
        first[depth] = true;
    }

    private boolean hasNext(char close) {
        skipWhitespace();
        if (peek() == close) {
            pos++;
            depth--;
            return false;
        }
        if (!first[depth]) {
            if (peek() != ',') {
                throw errors.at(pos, "expected ',' or '" + close + "'" + found());
            }
            pos++;
            skipWhitespace();
            if (peek() == close) {
                throw errors.at(pos, "trailing comma before '" + close + "'");
            }
        }
        first[depth] = false;
        return true;
    }

    private void expect(char c) {
        skipWhitespace();
        if (peek() != c) {
            throw errors.at(pos, "expected '" + c + "'" + found());
        }
        pos++;
    }

    private void escape(StringBuilder sb) {
        int at = pos;
        pos++;                                                // the backslash
        if (pos >= text.length()) {
            throw errors.at(at, "unterminated escape");
        }
        char e = text.charAt(pos++);
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char u = hex4(at);
                if (Character.isHighSurrogate(u)) {
                    if (!text.startsWith("\\u", pos)) {
                        throw errors.at(at, "unpaired surrogate \\u" + hex(u));
                    }
                    int second = pos;
                    pos += 2;
                    char low = hex4(second);
                    if (!Character.isLowSurrogate(low)) {
                        throw errors.at(at, "unpaired surrogate \\u" + hex(u));
                    }
                    sb.append(u).append(low);
                } else if (Character.isLowSurrogate(u)) {
                    throw errors.at(at, "unpaired surrogate \\u" + hex(u));
                } else {
                    sb.append(u);
                }
            }
            default -> throw errors.at(at, "invalid escape \\" + describe(e));
        }
    }

    private char hex4(int escapeStart) {
        if (pos + 4 > text.length()) {
            throw errors.at(escapeStart, "truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char c = text.charAt(pos + i);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                throw errors.at(escapeStart, "invalid \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private void digits() {
        if (!isDigit(peek())) {
            throw errors.at(pos, "expected a digit" + found());
        }
        while (isDigit(peek())) {
            pos++;
        }
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private String found() {
        return pos < text.length() ? ", found " + describe(text.charAt(pos)) : ", found the end of the JSON";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String hex(char c) {
        return String.format("%04x", (int) c);
    }

    /** A character as an error message shows it: printable ASCII quoted, anything else as U+XXXX. */
    static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "U+" + String.format("%04X", (int) c);
    }
}
