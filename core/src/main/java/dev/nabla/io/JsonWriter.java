package dev.nabla.io;

/** The little JSON the writers emit: strings quoted and escaped per RFC 8259, everything else appended as is. */
final class JsonWriter {
    private JsonWriter() {
    }

    /**
     * Appends {@code s} as a JSON string: '"' and '\' escaped, control characters as {@code \}{@code u00XX}, the
     * rest verbatim (the header is UTF-8). The caller has checked that {@code s} has no unpaired surrogate.
     */
    static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** True when {@code s} is well-formed UTF-16 (every surrogate paired), so that it encodes to UTF-8 unchanged. */
    static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
