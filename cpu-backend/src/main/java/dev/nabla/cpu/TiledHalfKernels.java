package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.spi.UnaryOp;

/**
 * {@link HalfKernels} composed from a {@link HalfCodec} and the {@link FloatKernels} of the same path: per tile of at
 * most {@link #TILE} elements, decode into float tiles, run the float kernel, encode. The plain path runs this, and
 * with the Vector API codec and kernels it is the oracle that {@link VectorHalfKernels} matches bit for bit.
 *
 * <p>Layout: three float tiles of {@link #TILE} elements per thread (24 KiB, in L1/L2), allocated on a thread's first
 * call and kept, so no call allocates.
 */
final class TiledHalfKernels implements HalfKernels {
    /** Elements of 16-bit storage converted per tile: a few KiB of floats, which stay in L1. */
    static final int TILE = 2048;

    /** Three float tiles per thread; a call uses them only on its own thread and never re-enters. */
    private static final ThreadLocal<float[][]> TILES = ThreadLocal.withInitial(() -> new float[3][TILE]);

    private final HalfCodec codec;
    private final FloatKernels fk;

    TiledHalfKernels(HalfCodec codec, FloatKernels fk) {
        this.codec = codec;
        this.fk = fk;
    }

    /** Per column tile the bias tile is decoded once, then each row's tile (before out, which may be z, is written). */
    @Override
    public void biasActivation(DType dtype, UnaryOp act, short[] z, short[] bias, short[] out, int cols, int rowFrom,
                               int rowTo) {
        float[][] t = TILES.get();
        float[] b = t[0], zt = t[1], ot = t[2];
        for (int c0 = 0; c0 < cols; c0 += TILE) {
            int len = Math.min(TILE, cols - c0);
            codec.decode(dtype, bias, c0, b, 0, len);
            for (int r = rowFrom; r < rowTo; r++) {
                int at = r * cols + c0;
                codec.decode(dtype, z, at, zt, 0, len);
                fk.biasActivation(act, zt, b, ot, len, 0, 1);
                codec.encode(dtype, ot, 0, out, at, len);
            }
        }
    }

    @Override
    public void activationBackward(DType dtype, UnaryOp gradFromOutput, short[] a, short[] d, short[] out, int from,
                                   int to) {
        float[][] t = TILES.get();
        float[] at = t[0], dt = t[1], ot = t[2];
        for (int i = from; i < to; i += TILE) {
            int len = Math.min(TILE, to - i);
            codec.decode(dtype, a, i, at, 0, len);
            codec.decode(dtype, d, i, dt, 0, len);
            fk.activationBackward(gradFromOutput, at, dt, ot, 0, len);
            codec.encode(dtype, ot, 0, out, i, len);
        }
    }

    /** Per tile of columns: each row's segment decoded and added to a float32 accumulator tile (axpy, α = 1). */
    @Override
    public void sumColumns(DType dtype, short[] x, int rows, int cols, float[] out, int colFrom, int colTo) {
        float[][] t = TILES.get();
        float[] acc = t[0], tile = t[1];
        for (int c0 = colFrom; c0 < colTo; c0 += TILE) {
            int width = Math.min(TILE, colTo - c0);
            java.util.Arrays.fill(acc, 0, width, 0f);
            for (int r = 0; r < rows; r++) {
                codec.decode(dtype, x, r * cols + c0, tile, 0, width);
                fk.axpy(1f, tile, acc, 0, width);
            }
            for (int j = 0; j < width; j++) {
                if (!Float.isFinite(acc[j])) {          // rare: only columns that overflowed or hold ∞/NaN
                    acc[j] = columnSumInDouble(dtype, x, rows, cols, c0 + j);
                }
            }
            System.arraycopy(acc, 0, out, c0, width);
        }
    }

    /** Σ_r x[r][j] in double, rounded once to float: the IEEE result of the exact sum when it is not finite in float. */
    static float columnSumInDouble(DType dtype, short[] x, int rows, int cols, int j) {
        double s = 0;
        for (int r = 0; r < rows; r++) {
            s += HalfFloats.toFloat(dtype, x[r * cols + j]);
        }
        return (float) s;
    }
}
