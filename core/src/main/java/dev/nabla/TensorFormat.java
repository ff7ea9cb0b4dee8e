package dev.nabla;

import java.util.Locale;

/**
 * {@link Tensor#toString()}: a header with shape, dtype and backend, then the values laid out as PyTorch prints them.
 * Up to {@link #FULL_LIMIT} elements are printed whole; a larger tensor shows its first and last {@link #EDGE} rows
 * and columns around {@code ...}, and only those rows are read from the device.
 */
final class TensorFormat {
    /** Tensors with at most this many elements are printed whole (PyTorch's default threshold). */
    static final int FULL_LIMIT = 1000;
    /** Rows and columns shown at each edge of a summarised tensor. */
    static final int EDGE = 3;

    private TensorFormat() {
    }

    static String format(Tensor t) {
        String header = "Tensor(" + t.shape() + " " + t.dtype() + ", " + t.backend().name();
        if (t.isClosed()) {
            return header + ", closed)";
        }
        header += t.isView() ? ", view)" : ")";
        int rows = t.rows(), cols = t.cols();
        boolean summarise = t.size() > FULL_LIMIT;
        int[] rowIdx = indices(rows, summarise);
        int[] colIdx = indices(cols, summarise);
        double[][] values;
        try {
            values = read(t, rowIdx);
        } catch (NablaException e) {
            return header + " <values unavailable: " + e.getMessage() + ">";
        }
        String[][] cells = new String[rowIdx.length][colIdx.length];
        boolean integral = t.dtype() == DType.INT32;
        Style style = integral ? Style.INTEGER : Style.of(values, colIdx);
        int width = 0;
        for (int i = 0; i < rowIdx.length; i++) {
            for (int j = 0; j < colIdx.length; j++) {
                cells[i][j] = style.format(values[i][colIdx[j]]);
                width = Math.max(width, cells[i][j].length());
            }
        }
        StringBuilder sb = new StringBuilder(header).append('\n').append('[');
        for (int i = 0; i < rowIdx.length; i++) {
            if (i > 0) {
                sb.append(",\n ");
                if (summarise && rows > 2 * EDGE && i == EDGE) {
                    sb.append("...,\n ");
                }
            }
            sb.append('[');
            for (int j = 0; j < colIdx.length; j++) {
                if (j > 0) {
                    sb.append(", ");
                    if (summarise && cols > 2 * EDGE && j == EDGE) {
                        sb.append("..., ");
                    }
                }
                sb.append(" ".repeat(width - cells[i][j].length())).append(cells[i][j]);
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    /** 0..n−1, or the first and last EDGE of them when summarising a long dimension. */
    private static int[] indices(int n, boolean summarise) {
        if (!summarise || n <= 2 * EDGE) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] edges = new int[2 * EDGE];
        for (int i = 0; i < EDGE; i++) {
            edges[i] = i;
            edges[EDGE + i] = n - EDGE + i;
        }
        return edges;
    }

    /** The requested rows, each whole, read through row views (so a summarised tensor reads 6 rows, not all). */
    private static double[][] read(Tensor t, int[] rowIdx) {
        double[][] out = new double[rowIdx.length][];
        if (rowIdx.length == t.rows()) {
            double[] all = t.toDoubleArray();
            for (int i = 0; i < rowIdx.length; i++) {
                out[i] = new double[t.cols()];
                System.arraycopy(all, i * t.cols(), out[i], 0, t.cols());
            }
            return out;
        }
        for (int i = 0; i < rowIdx.length; i++) {
            try (Tensor row = t.sliceRows(rowIdx[i], rowIdx[i] + 1)) {
                out[i] = row.toDoubleArray();
            }
        }
        return out;
    }

    /** How numbers are written: as PyTorch chooses between fixed and scientific notation. */
    private enum Style {
        INTEGER, WHOLE, FIXED, SCIENTIFIC;

        static Style of(double[][] values, int[] colIdx) {
            double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
            boolean whole = true;
            boolean any = false;
            for (double[] row : values) {
                for (int j : colIdx) {
                    double v = row[j];
                    if (!Double.isFinite(v)) {
                        continue;
                    }
                    any = true;
                    whole &= v == Math.rint(v);
                    double a = Math.abs(v);
                    maxAbs = Math.max(maxAbs, a);
                    if (a > 0) {
                        minAbs = Math.min(minAbs, a);
                    }
                }
            }
            if (!any) {
                return FIXED;
            }
            if (whole && maxAbs < 1e8) {
                return WHOLE;
            }
            if (maxAbs >= 1e8 || (minAbs < 1e-4) || (minAbs != Double.POSITIVE_INFINITY && maxAbs / minAbs > 1000)) {
                return SCIENTIFIC;
            }
            return FIXED;
        }

        String format(double v) {
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            return switch (this) {
                case INTEGER -> Long.toString((long) v);
                case WHOLE -> String.format(Locale.ROOT, "%.0f.", v);
                case FIXED -> String.format(Locale.ROOT, "%.4f", v);
                case SCIENTIFIC -> String.format(Locale.ROOT, "%.4e", v);
            };
        }
    }
}
