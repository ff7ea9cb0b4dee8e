package dev.nabla.cpu;

import dev.nabla.spi.CompareOp;

/**
 * The indexing and mask kernels on float arrays (issue 13): comparisons into INT32 masks, where, argmax, one-hot rows
 * and the scatter-add of rows. Plain Java, shared by both cpu paths: they move and compare values without arithmetic
 * (scatter-add aside, whose additions are one per element in a fixed order), so the plain loop is the exact result and
 * the Vector API would only change their speed. Each works on a range of elements or rows; {@link CpuBackend} splits
 * the work over threads on disjoint ranges. Indices have been checked by core; Java's array bounds check stays as the
 * backstop, so nothing outside an array is ever read or written.
 *
 * <p>TEMPLATE: the build derives DoubleIndexKernels from this file (float → double); see cpu-backend/pom.xml.
 */
final class FloatIndexKernels {
    private FloatIndexKernels() {
    }

    /**
     * out[o + j] = (a[ia + j] op b[ib + j·bStep]) ? 1 : 0 for j in [0, len): bStep 1 walks a row of b, 0 repeats
     * b[ib] (a column broadcast). IEEE comparisons: with a NaN only NE is true; −0 equals +0.
     */
    static void compare(CompareOp op, float[] a, int ia, float[] b, int ib, int bStep, int[] out, int o, int len) {
        switch (op) {                                      // one loop per op: no dispatch per element
            case GT -> {
                for (int j = 0; j < len; j++) {
                    out[o + j] = a[ia + j] > b[ib + j * bStep] ? 1 : 0;
                }
            }
            case GE -> {
                for (int j = 0; j < len; j++) {
                    out[o + j] = a[ia + j] >= b[ib + j * bStep] ? 1 : 0;
                }
            }
            case LT -> {
                for (int j = 0; j < len; j++) {
                    out[o + j] = a[ia + j] < b[ib + j * bStep] ? 1 : 0;
                }
            }
            case LE -> {
                for (int j = 0; j < len; j++) {
                    out[o + j] = a[ia + j] <= b[ib + j * bStep] ? 1 : 0;
                }
            }
            case EQ -> {
                for (int j = 0; j < len; j++) {
                    out[o + j] = a[ia + j] == b[ib + j * bStep] ? 1 : 0;
                }
            }
            case NE -> {
                for (int j = 0; j < len; j++) {
                    out[o + j] = a[ia + j] != b[ib + j * bStep] ? 1 : 0;
                }
            }
        }
    }

    /**
     * out[i] = mask[i] ≠ 0 ? a[i] : b[i] for i in [from, to): a select, no arithmetic, so a NaN or ∞ in the operand
     * not chosen never reaches out. out may be a or b (each element is read before it is written).
     */
    static void where(int[] mask, float[] a, float[] b, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = mask[i] != 0 ? a[i] : b[i];
        }
    }

    /**
     * out[r] = the smallest j with x[r][j] = max_j x[r][j], for rows in [rowFrom, rowTo) of a matrix with cols ≥ 1
     * columns. A NaN is larger than every number: the first NaN of a row wins (PyTorch's argmax). Of equal values
     * (−0 and +0 included) the first wins.
     */
    static void argmaxRows(float[] x, int cols, int[] out, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            float best = x[base];
            int at = 0;
            if (best == best) {                            // a NaN in column 0 wins outright
                for (int j = 1; j < cols; j++) {
                    float v = x[base + j];
                    if (v > best) {
                        best = v;
                        at = j;
                    } else if (v != v) {                   // the first NaN: nothing later can beat it
                        at = j;
                        break;
                    }
                }
            }
            out[r] = at;
        }
    }

    /** Rows [rowFrom, rowTo) of out (n × classes) ← 1 at column labels[r], 0 elsewhere. */
    static void oneHot(int[] labels, int classes, float[] out, int rowFrom, int rowTo) {
        java.util.Arrays.fill(out, rowFrom * classes, rowTo * classes, 0);
        for (int r = rowFrom; r < rowTo; r++) {
            out[r * classes + labels[r]] = 1;
        }
    }

    /**
     * dst[indices[i]][j] += src[i][j] for i in [0, n), in increasing i, over the columns [colFrom, colTo): every
     * element receives its additions in the order of the SPI (increasing source row) whatever the column split, so
     * rows named several times get the same bits on any thread count.
     */
    static void scatterAddRows(float[] src, int[] indices, int n, int cols, float[] dst, int colFrom, int colTo) {
        for (int i = 0; i < n; i++) {
            int s = i * cols;
            int d = indices[i] * cols;
            for (int j = colFrom; j < colTo; j++) {
                dst[d + j] += src[s + j];
            }
        }
    }
}
