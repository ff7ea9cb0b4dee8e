package dev.nabla.spi;

/** Reductions along each row of a rows × cols matrix into a rows × 1 column (softmax needs MAX and SUM). */
public enum RowReduction {
    /** out[i] = max_j x[i][j]; −∞ for an empty row */
    MAX,
    /** out[i] = Σ_j x[i][j] */
    SUM,
    /** out[i] = min_j x[i][j]; +∞ for an empty row; NaN when the row holds a NaN (as MAX) */
    MIN
}
