package dev.nabla.io;

import java.io.IOException;

/**
 * Reads the integer arrays a {@code .npy} file may hold ({@code i1 u1 i2 u2 i4 u4}, either byte order) into
 * FLOAT64: every integer of at most 32 bits is a double exactly, so nothing is rounded.
 */
final class NpyIntegers {
    private NpyIntegers() {
    }

    /** Reads {@code shape}'s elements (range and count checked by the caller) at {@code offset}. */
    static HostTensor read(BoundedFile f, long offset, int[] shape, NpyDescr descr) throws IOException {
        int n = Math.toIntExact(HostTensor.elements(shape));
        double[] values = new double[n];
        boolean signed = descr.kind() == 'i';
        f.readElements(offset, n, descr.size(), descr.order(), (chunk, first) -> {
            int count = chunk.remaining() / descr.size();
            for (int i = first; i < first + count; i++) {
                values[i] = switch (descr.size()) {
                    case 1 -> signed ? chunk.get() : chunk.get() & 0xFF;
                    case 2 -> signed ? chunk.getShort() : chunk.getShort() & 0xFFFF;
                    default -> signed ? chunk.getInt() : chunk.getInt() & 0xFFFFFFFFL;
                };
            }
        });
        return HostTensor.wrap(shape, null, values);
    }
}
