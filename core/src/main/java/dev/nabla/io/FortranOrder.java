package dev.nabla.io;

/**
 * Converts values stored in Fortran (column-major) order to row-major. For shape (d0, d1, ..., dk) the element at
 * index (i0, ..., ik) sits at position i0 + d0·(i1 + d1·(i2 + ...)) in Fortran order and at
 * ((i0·d1 + i1)·d2 + ...) + ik in row-major order; for a matrix, row-major[i·cols + j] = fortran[j·rows + i].
 * Values are copied, never computed on, so their bits are kept.
 */
final class FortranOrder {
    private FortranOrder() {
    }

    static HostTensor toRowMajor(HostTensor t) {
        int[] shape = t.shape();
        if (shape.length < 2 || t.size() == 0) {
            return t;                                          // rank 0 and 1: both orders are the same
        }
        Walk walk = new Walk(shape);
        if (t.intsView() != null) {
            int[] in = t.intsView();
            int[] out = new int[in.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = in[walk.next()];
            }
            return HostTensor.wrapInts(shape, out);
        }
        if (t.halvesView() != null) {
            short[] in = t.halvesView();
            short[] out = new short[in.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = in[walk.next()];
            }
            return HostTensor.wrapHalves(t.dtype(), shape, out);
        }
        if (t.floatsView() != null) {
            float[] in = t.floatsView();
            float[] out = new float[in.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = in[walk.next()];
            }
            return HostTensor.wrap(shape, out, null);
        }
        double[] in = t.doublesView();
        double[] out = new double[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[walk.next()];
        }
        return HostTensor.wrap(shape, null, out);
    }

    /**
     * Walks the row-major index (i0, ..., ik) like an odometer, last index fastest, and keeps the Fortran position
     * of the same element in step with it; {@link #next()} returns the Fortran position of each row-major position
     * in turn. Nothing proportional to the element count is allocated.
     */
    private static final class Walk {
        private final int[] shape;
        private final int[] stride;                            // Fortran strides: 1, d0, d0·d1, ...
        private final int[] index;
        private int position;

        Walk(int[] shape) {
            this.shape = shape;
            stride = new int[shape.length];
            stride[0] = 1;
            for (int k = 1; k < shape.length; k++) {
                stride[k] = stride[k - 1] * shape[k - 1];     // ≤ the element count, which fits an int
            }
            index = new int[shape.length];
        }

        int next() {
            int current = position;
            for (int k = shape.length - 1; k >= 0; k--) {
                index[k]++;
                position += stride[k];
                if (index[k] < shape[k]) {
                    break;
                }
                position -= stride[k] * shape[k];
                index[k] = 0;
            }
            return current;
        }
    }
}
