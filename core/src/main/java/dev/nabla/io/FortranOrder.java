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
        int[] source = sourceIndices(shape);
        if (t.floatsView() != null) {
            float[] in = t.floatsView();
            float[] out = new float[in.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = in[source[i]];
            }
            return HostTensor.wrap(shape, out, null);
        }
        double[] in = t.doublesView();
        double[] out = new double[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[source[i]];
        }
        return HostTensor.wrap(shape, null, out);
    }

    /**
     * For each row-major position, the Fortran-order position of the same element: walks the row-major index
     * (i0, ..., ik) like an odometer (last index fastest) and keeps the Fortran position in step with it.
     */
    private static int[] sourceIndices(int[] shape) {
        int rank = shape.length;
        int[] stride = new int[rank];                          // Fortran strides: 1, d0, d0·d1, ...
        stride[0] = 1;
        for (int k = 1; k < rank; k++) {
            stride[k] = stride[k - 1] * shape[k - 1];         // ≤ the element count, which fits an int
        }
        int n = stride[rank - 1] * shape[rank - 1];
        int[] source = new int[n];
        int[] index = new int[rank];
        int position = 0;
        for (int i = 0; i < n; i++) {
            source[i] = position;
            for (int k = rank - 1; k >= 0; k--) {
                index[k]++;
                position += stride[k];
                if (index[k] < shape[k]) {
                    break;
                }
                position -= stride[k] * shape[k];
                index[k] = 0;
            }
        }
        return source;
    }
}
