package dev.nabla.io;

import dev.nabla.DType;

import java.nio.ByteOrder;

/**
 * The {@code descr} of a {@code .npy} header for the element types Nabla reads: a byte-order character
 * ({@code <} little, {@code >} big, {@code |} not applicable), a kind ({@code f} float, {@code i} signed,
 * {@code u} unsigned integer) and a size in bytes.
 *
 * <ul>
 *   <li>{@code <f4 >f4} read as FLOAT32 and {@code <f8 >f8} as FLOAT64, bit for bit (byte order converted);</li>
 *   <li>{@code |i1 |u1 <i2 >i2 <u2 >u2 <i4 >i4 <u4 >u4} read as FLOAT64: every such integer is a double exactly;</li>
 *   <li>anything else is rejected: 64-bit integers (not exact in float64), float16, complex, bool, strings,
 *       datetimes, structured dtypes, native order {@code =}, and object arrays (which hold pickles; Nabla never
 *       unpickles).</li>
 * </ul>
 */
record NpyDescr(String text, ByteOrder order, char kind, int size) {

    /** The descr {@code text}, or null when Nabla does not read it ({@link #rejection} says why). */
    static NpyDescr parse(String text) {
        if (text.length() != 3) {
            return null;
        }
        char orderChar = text.charAt(0);
        char kind = text.charAt(1);
        int size = switch (text.charAt(2)) {
            case '1' -> 1;
            case '2' -> 2;
            case '4' -> 4;
            case '8' -> 8;
            default -> -1;
        };
        boolean orderOk = orderChar == '<' || orderChar == '>' || (orderChar == '|' && size == 1);
        boolean kindOk = kind == 'f' ? size == 4 || size == 8 : (kind == 'i' || kind == 'u') && size >= 1 && size <= 4;
        if (!orderOk || !kindOk) {
            return null;
        }
        return new NpyDescr(text, orderChar == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, kind, size);
    }

    /** Why {@code text} is not read. */
    static String rejection(String text) {
        String why;
        if (text.equals("|O")) {
            why = " (an object array holds pickled Python objects; Nabla never unpickles)";
        } else if (text.startsWith("=")) {
            why = " (native byte order '=' does not say which order the file has)";
        } else if (text.length() == 3 && (text.charAt(1) == 'i' || text.charAt(1) == 'u') && text.charAt(2) == '8') {
            why = " (64-bit integers are not all exact in float64)";
        } else {
            why = "";
        }
        return "dtype " + MessageText.quote(text) + " is not supported" + why
                + "; Nabla reads '<f4', '>f4', '<f8', '>f8' and integers of at most 32 bits (as FLOAT64): convert with arr.astype(numpy.float32)";
    }

    /** The dtype the values are read into: FLOAT32 for f4, FLOAT64 for f8 and the integers. */
    DType target() {
        return kind == 'f' && size == 4 ? DType.FLOAT32 : DType.FLOAT64;
    }

    boolean isFloat() {
        return kind == 'f';
    }

    /** The descr Nabla writes for {@code dtype}: little-endian float. */
    static String forWriting(DType dtype) {
        return dtype == DType.FLOAT32 ? "<f4" : "<f8";
    }
}
