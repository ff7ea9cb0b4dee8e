package dev.nabla.io;

/**
 * Text taken from a file, made safe to put in an error message: quoted, control characters escaped (a name cannot
 * forge a log line) and cut to {@link #MAX_CHARS} characters (a 50 MB tensor name does not make a 50 MB message).
 */
final class MessageText {
    static final int MAX_CHARS = 80;

    private MessageText() {
    }

    /** {@code s} as {@code 'text'}, escaped and cut: {@code 'abc…' (1234 characters)}. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        int end = Math.min(s.length(), MAX_CHARS);
        if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('\'');
        if (end < s.length()) {
            sb.append("… (").append(s.length()).append(" characters)");
        }
        return sb.toString();
    }
}
