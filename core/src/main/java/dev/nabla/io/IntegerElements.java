package dev.nabla.io;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads integer arrays from a file into INT32: signed or unsigned, 1, 2, 4 or 8 bytes, either byte order. Narrower
 * types widen exactly; a value outside [−2³¹, 2³¹ − 1] (only an unsigned 32-bit or a 64-bit type can hold one) is a
 * {@link WeightsFormatException} naming the file, the element's byte, its index and its value: never wrapped,
 * clamped or rounded. The whole array is checked before it is returned, so a caller never sees a partial read.
 */
final class IntegerElements {
    private IntegerElements() {
    }

    /**
     * An integer element type as a file stores it.
     *
     * @param name   how the format spells it ({@code '<i8'}, {@code I64}), for messages
     * @param size   bytes per element: 1, 2, 4 or 8
     * @param signed two's complement when true
     * @param order  the byte order of each element
     * @param hint   what the user can do about a value out of range, for messages
     */
    record Layout(String name, int size, boolean signed, ByteOrder order, String hint) {
    }

    /** Says where in the file something is, given the byte offset of the element: "byte 136", "tensor 'y' (byte 80)". */
    interface Where {
        String at(long byteOffset);
    }

    /**
     * Reads {@code shape}'s elements (count and byte range checked by the caller) at {@code offset}, stored in
     * Fortran order when {@code fortranOrder} (the values come back in file order; the caller reorders them, but an
     * error names the element's row-major index).
     */
    static HostTensor read(BoundedFile f, long offset, int[] shape, boolean fortranOrder, Layout layout, Where where)
            throws IOException {
        int n = Math.toIntExact(HostTensor.elements(shape));
        int[] values = new int[n];
        int size = layout.size();
        boolean signed = layout.signed();
        f.readElements(offset, n, size, layout.order(), (chunk, first) -> {
            int count = chunk.remaining() / size;
            if (size == 4 && signed) {
                chunk.asIntBuffer().get(values, first, count);    // the same type: a copy of the bits
                return;
            }
            for (int i = first; i < first + count; i++) {
                long v = switch (size) {
                    case 1 -> signed ? chunk.get() : chunk.get() & 0xFF;
                    case 2 -> signed ? chunk.getShort() : chunk.getShort() & 0xFFFF;
                    case 4 -> chunk.getInt() & 0xFFFFFFFFL;     // unsigned: signed took the copy above
                    default -> chunk.getLong();
                };
                // an unsigned 64-bit value ≥ 2⁶³ reads as a negative long: out of range too
                boolean outOfRange = signed ? v < Integer.MIN_VALUE || v > Integer.MAX_VALUE
                        : v < 0 || v > Integer.MAX_VALUE;
                if (outOfRange) {
                    throw outOfRange(f, where.at(offset + (long) i * size), shape, fortranOrder, i,
                            signed ? Long.toString(v) : Long.toUnsignedString(v), layout);
                }
                values[i] = (int) v;
            }
        });
        return HostTensor.wrapInts(shape, values);
    }

    private static WeightsFormatException outOfRange(BoundedFile f, String where, int[] shape, boolean fortranOrder,
                                                     int position, String value, Layout layout) {
        int[] index = index(shape, fortranOrder, position);
        long rowMajor = 0;
        for (int k = 0; k < shape.length; k++) {
            rowMajor = rowMajor * shape[k] + index[k];
        }
        StringBuilder at = new StringBuilder("[");
        for (int k = 0; k < index.length; k++) {
            at.append(k == 0 ? "" : ", ").append(index[k]);
        }
        return f.error(where, "element " + rowMajor + " (at " + at.append(']') + " of shape "
                + Arrays.toString(shape) + ") is " + value + ", outside the range of INT32 ["
                + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]; " + layout.name()
                + " is read into INT32 and a value is never wrapped or clamped: " + layout.hint());
    }

    /** The (i0, ..., ik) of the element at {@code position} in the file's order. */
    private static int[] index(int[] shape, boolean fortranOrder, int position) {
        int[] index = new int[shape.length];
        long rest = position;
        for (int j = 0; j < shape.length; j++) {
            int k = fortranOrder ? j : shape.length - 1 - j;   // the fastest-varying dimension first
            index[k] = (int) (rest % shape[k]);
            rest /= shape[k];
        }
        return index;
    }
}
