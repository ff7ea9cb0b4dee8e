package dev.nabla.io;

import dev.nabla.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves FLOAT32/FLOAT64 values (and BFLOAT16/FLOAT16 bit patterns) between files and Java arrays in chunks, as raw bits: a value's bytes are copied,
 * never computed on, so every bit pattern (NaN payloads, signaling NaNs, −0, subnormals) survives. Writes INT32
 * values too (reading integers, which may need a range check, is {@link IntegerElements}). Files are little-endian
 * when written; reads take the file's byte order.
 */
final class Elements {
    /** The most elements a Java array may have on every JVM. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Elements() {
    }

    /**
     * Reads a row-major tensor of {@code shape} (elements ≤ {@link #MAX_ARRAY}, range checked by the caller) at
     * {@code offset}, its values stored in {@code order}.
     */
    static HostTensor read(BoundedFile f, long offset, int[] shape, DType dtype, ByteOrder order) throws IOException {
        if (dtype == DType.INT32) {
            throw new IllegalStateException("Elements.read: integers are read by IntegerElements");
        }
        int n = Math.toIntExact(HostTensor.elements(shape));
        if (dtype.isHalf()) {
            short[] bits = new short[n];
            f.readElements(offset, n, 2, order, (chunk, first) ->
                    chunk.asShortBuffer().get(bits, first, chunk.remaining() / 2));
            return HostTensor.wrapHalves(dtype, shape, bits);
        }
        if (dtype == DType.FLOAT32) {
            float[] values = new float[n];
            f.readElements(offset, n, 4, order, (chunk, first) ->
                    chunk.asFloatBuffer().get(values, first, chunk.remaining() / 4));
            return HostTensor.wrap(shape, values, null);
        }
        double[] values = new double[n];
        f.readElements(offset, n, 8, order, (chunk, first) ->
                chunk.asDoubleBuffer().get(values, first, chunk.remaining() / 8));
        return HostTensor.wrap(shape, null, values);
    }

    /** Appends the values of {@code t}, row-major, little-endian. */
    static void write(AtomicFile.Output out, HostTensor t) throws IOException {
        short[] halves = t.halvesView();
        if (halves != null) {
            for (int i = 0; i < halves.length; ) {
                out.ensure(2);
                ByteBuffer b = out.buffer();
                int n = Math.min(b.remaining() / 2, halves.length - i);
                b.asShortBuffer().put(halves, i, n);
                b.position(b.position() + n * 2);
                i += n;
            }
            return;
        }
        int[] ints = t.intsView();
        if (ints != null) {
            for (int i = 0; i < ints.length; ) {
                out.ensure(4);
                ByteBuffer b = out.buffer();
                int n = Math.min(b.remaining() / 4, ints.length - i);
                b.asIntBuffer().put(ints, i, n);
                b.position(b.position() + n * 4);
                i += n;
            }
            return;
        }
        float[] floats = t.floatsView();
        if (floats != null) {
            for (int i = 0; i < floats.length; ) {
                out.ensure(4);
                ByteBuffer b = out.buffer();
                int n = Math.min(b.remaining() / 4, floats.length - i);
                b.asFloatBuffer().put(floats, i, n);
                b.position(b.position() + n * 4);
                i += n;
            }
            return;
        }
        double[] doubles = t.doublesView();
        for (int i = 0; i < doubles.length; ) {
            out.ensure(8);
            ByteBuffer b = out.buffer();
            int n = Math.min(b.remaining() / 8, doubles.length - i);
            b.asDoubleBuffer().put(doubles, i, n);
            b.position(b.position() + n * 8);
            i += n;
        }
    }
}
