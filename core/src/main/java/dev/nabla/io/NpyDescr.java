package dev.nabla.io;

import dev.nabla.DType;

import java.nio.ByteOrder;

/**
 * The {@code descr} of a {@code .npy} header for the element types Nabla reads: a byte-order character
 * ({@code <} little, {@code >} big, {@code |} not applicable), a kind ({@code f} float, {@code i} signed,
 * {@code u} unsigned integer) and a size in bytes.
 *
 * <ul>
 *   <li>{@code <f2 >f2} read as FLOAT16, {@code <f4 >f4} as FLOAT32 and {@code <f8 >f8} as FLOAT64, bit for bit
 *       (byte order converted);</li>
 *   <li>{@code |i1 |u1 <i2 >i2 <u2 >u2 <i4 >i4} read as INT32: every such integer is an int exactly;</li>
 *   <li>{@code <u4 >u4 <i8 >i8 <u8 >u8} read as INT32 with a range check: a value outside [−2³¹, 2³¹ − 1] is an
 *       error naming the element and the value, never wrapped ({@code <i8} is NumPy's default integer, so labels
 *       usually arrive as it);</li>
 *   <li>anything else is rejected: complex, bool, strings, datetimes, structured dtypes, native order
 *       {@code =}, and object arrays (which hold pickles; Nabla never unpickles).</li>
 * </ul>
 * BFLOAT16 has no NumPy dtype: writing it is refused (save it with safetensors, or cast to FLOAT32).
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
        boolean kindOk = kind == 'f' ? size == 2 || size == 4 || size == 8 : (kind == 'i' || kind == 'u') && size > 0;
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
        } else {
            why = "";
        }
        return "dtype " + MessageText.quote(text) + " is not supported" + why
                + "; Nabla reads '<f2', '>f2', '<f4', '>f4', '<f8', '>f8' and integers of 1 to 8 bytes (as INT32): convert with"
                + " arr.astype(numpy.float32) or arr.astype(numpy.int32)";
    }

    /** The dtype the values are read into: FLOAT16 for f2, FLOAT32 for f4, FLOAT64 for f8, INT32 for the integers. */
    DType target() {
        return kind != 'f' ? DType.INT32 : size == 2 ? DType.FLOAT16 : size == 4 ? DType.FLOAT32 : DType.FLOAT64;
    }

    boolean isFloat() {
        return kind == 'f';
    }

    /** How the integers of this descr are stored, for {@link IntegerElements}. */
    IntegerElements.Layout integerLayout() {
        return new IntegerElements.Layout(MessageText.quote(text), size, kind == 'i', order,
                "convert with arr.astype(numpy.float64) to read the values as floats, or store values that fit");
    }

    /**
     * The descr Nabla writes for {@code dtype}: little-endian float or int32, as {@code numpy.save} writes them; null
     * for BFLOAT16, which NumPy has no dtype for.
     */
    static String forWriting(DType dtype) {
        return switch (dtype) {
            case FLOAT16 -> "<f2";
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT32 -> "<i4";
            case BFLOAT16 -> null;
        };
    }
}
