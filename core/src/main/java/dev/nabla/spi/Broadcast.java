package dev.nabla.spi;

/** How the second operand of a {@link BinaryOp} is laid over the first ({@code rows × cols}). Always explicit: Nabla never broadcasts silently. */
public enum Broadcast {
    /** b is rows × cols, element for element */
    NONE,
    /** b is 1 × cols and is added to (applied with) every row: the bias form 1_N·b */
    ROW,
    /** b is rows × 1 and is applied to every column: the per-row form used by softmax */
    COLUMN
}
