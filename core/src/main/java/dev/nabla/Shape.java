package dev.nabla;

/**
 * The shape of a 2-D row-major tensor: {@code rows × cols}. Either may be zero.
 * Prints as {@code 64×128}, the form every error message uses.
 */
public record Shape(int rows, int cols) {

    /**
     * Checks that neither dimension is negative.
     *
     * @param rows the number of rows, ≥ 0
     * @param cols the number of columns, ≥ 0
     */
    public Shape {
        if (rows < 0 || cols < 0) {
            throw new InvalidShapeException("shape: dimensions must be ≥ 0, got " + rows + "×" + cols);
        }
    }

    /**
     * Number of elements, rows·cols, as a long so that it never overflows.
     *
     * @return rows·cols
     */
    public long size() {
        return (long) rows * cols;
    }

    /**
     * The transposed shape, cols × rows.
     *
     * @return the transposed shape
     */
    public Shape transposed() {
        return new Shape(cols, rows);
    }

    @Override
    public String toString() {
        return rows + "×" + cols;
    }
}
