package dev.nabla.cpu;

import dev.nabla.spi.CompareOp;

/**
 * {@link FloatIndexKernels#compare} on INT32 operands, the one indexing kernel that reads int values (masks and labels
 * compared with each other or with a constant). Exact: ints are compared as ints.
 */
final class IntIndexKernels {
    private IntIndexKernels() {
    }

    /** out[o + j] = (a[ia + j] op b[ib + j·bStep]) ? 1 : 0 for j in [0, len); bStep 0 repeats b[ib]. */
    static void compare(CompareOp op, int[] a, int ia, int[] b, int ib, int bStep, int[] out, int o, int len) {
        switch (op) {
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
}
