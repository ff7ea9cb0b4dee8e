package dev.nabla.cpu;

/**
 * Bit-for-bit moves of rows between arrays of any element type (float[], double[], int[], short[]): the strided 2-D copy that
 * core builds views, concatenation, transposition and broadcasting on, and the gather of rows by index. Rows whose
 * columns are adjacent in the source are one {@link System#arraycopy} each; other column strides (0: a broadcast
 * column, the source's row length: a transpose) walk the source element by element. Works on row ranges; {@link
 * CpuBackend} splits the rows over threads. Offsets and strides have been checked by core to address elements inside
 * the arrays, so every index computed here fits an int.
 */
final class RowCopies {
    private RowCopies() {
    }

    /**
     * dst[dstOffset + i·dstRowStride + j] ← src[srcOffset + i·srcRowStride + j·srcColStride] for rows i in
     * [rowFrom, rowTo), columns j in [0, cols). src and dst are distinct arrays of one element type.
     */
    static void copyStrided(CpuBuffer src, long srcOffset, long srcRowStride, long srcColStride, CpuBuffer dst,
                            long dstOffset, long dstRowStride, int cols, int rowFrom, int rowTo) {
        if (srcColStride == 1) {
            Object s = src.array();
            Object d = dst.array();
            for (int i = rowFrom; i < rowTo; i++) {
                System.arraycopy(s, (int) (srcOffset + i * srcRowStride), d, (int) (dstOffset + i * dstRowStride), cols);
            }
            return;
        }
        int cs = (int) srcColStride;              // ≤ the largest index addressed when cols > 1; unused when cols ≤ 1
        for (int i = rowFrom; i < rowTo; i++) {
            int s0 = (int) (srcOffset + i * srcRowStride);
            int d0 = (int) (dstOffset + i * dstRowStride);
            if (src.f != null) {
                float[] s = src.f, d = dst.f;
                for (int j = 0; j < cols; j++) {
                    d[d0 + j] = s[s0 + j * cs];
                }
            } else if (src.d != null) {
                double[] s = src.d, d = dst.d;
                for (int j = 0; j < cols; j++) {
                    d[d0 + j] = s[s0 + j * cs];
                }
            } else if (src.i != null) {
                int[] s = src.i, d = dst.i;
                for (int j = 0; j < cols; j++) {
                    d[d0 + j] = s[s0 + j * cs];
                }
            } else {
                short[] s = src.h, d = dst.h;
                for (int j = 0; j < cols; j++) {
                    d[d0 + j] = s[s0 + j * cs];
                }
            }
        }
    }

    /** dst row r ← src row indices[r] for r in [rowFrom, rowTo), rows of cols elements; any element type. */
    static void gatherRows(CpuBuffer src, int cols, int[] indices, CpuBuffer dst, int rowFrom, int rowTo) {
        Object s = src.array();
        Object d = dst.array();
        for (int r = rowFrom; r < rowTo; r++) {
            System.arraycopy(s, indices[r] * cols, d, r * cols, cols);
        }
    }
}
