package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.spi.UnaryOp;

/**
 * The fused kernels one cpu path runs on BFLOAT16/FLOAT16 storage (short[] of bit patterns), computing in float32 and
 * rounding each result once, bit for bit as decoding with {@link HalfCodec}, running the path's {@link FloatKernels}
 * op and encoding: that composition is {@link TiledHalfKernels} (the plain path) and the oracle of
 * {@link VectorHalfKernels}, which decodes, computes and encodes in Vector API registers. Neither allocates per call.
 * Ranges as in {@link FloatKernels}; {@link CpuBackend} splits the work over threads.
 */
interface HalfKernels {

    /** out[r][j] = act(z[r][j] + bias[j]) for rows in [rowFrom, rowTo); out may be z, or bias when there is one row. */
    void biasActivation(DType dtype, UnaryOp act, short[] z, short[] bias, short[] out, int cols, int rowFrom,
                        int rowTo);

    /** out[i] = d[i]·g′(a[i]) for i in [from, to), g′ from the stored output a; out may be a or d. */
    void activationBackward(DType dtype, UnaryOp gradFromOutput, short[] a, short[] d, short[] out, int from, int to);

    /**
     * out[j] (float32) = Σ_r x[r][j] for columns j in [colFrom, colTo), added row after row in float32 (each addition
     * rounds once); a column whose float32 sum is not finite is summed again in double, the IEEE result of the exact
     * sum, as {@link FloatKernels#sumColumns} does.
     */
    void sumColumns(DType dtype, short[] x, int rows, int cols, float[] out, int colFrom, int colTo);
}
