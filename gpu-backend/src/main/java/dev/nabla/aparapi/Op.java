package dev.nabla.aparapi;

import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

/**
 * The integer codes the dispatcher kernels ({@link FloatKernel}, DoubleKernel) switch on. Aparapi translates one
 * {@code run()} per Kernel class and a kernel's device buffers belong to that one Kernel instance, so every operation
 * lives in one kernel and is chosen by {@code op}; {@code code} picks the elementwise function inside it.
 *
 * <p>All constants are compile-time constants: javac inlines them into the kernel's bytecode, which is what Aparapi
 * reads (a kernel may not touch another class's fields).
 */
final class Op {
    private Op() {
    }

    // ---- what the kernel runs (field op) ---------------------------------------------------------------------------
    static final int NOTHING = 0;
    static final int FILL = 1;
    static final int COPY = 2;
    static final int TO_STAGE = 3;
    static final int FROM_STAGE = 4;
    static final int UNARY = 5;
    static final int BINARY = 6;
    static final int AXPY = 7;
    static final int GEMM = 8;
    static final int SUM_COLUMNS = 9;
    static final int REDUCE_ROWS = 10;
    static final int SUM_PARTIALS = 11;
    static final int FINISH_SUM = 12;
    static final int BIAS_ACTIVATION = 13;
    static final int SOFTMAX_ROWS = 14;
    static final int ACTIVATION_BACKWARD = 15;
    static final int LOSS_PARTIALS = 16;
    static final int SGD_STEP = 17;
    static final int ADAM_STEP = 18;
    // indexing and masks (issue 13); an I_ prefix: the op works on the INT32 arena (field ints)
    static final int I_FILL = 19;
    static final int I_COPY = 20;
    static final int I_TO_STAGE = 21;
    static final int I_FROM_STAGE = 22;
    static final int COPY_STRIDED = 23;
    static final int I_COPY_STRIDED = 24;
    static final int CAST_TO_INT = 25;
    static final int CAST_FROM_INT = 26;
    static final int GATHER_ROWS = 27;
    static final int I_GATHER_ROWS = 28;
    static final int SCATTER_ADD_ROWS = 29;
    static final int ARGMAX_ROWS = 30;
    static final int ONE_HOT = 31;
    static final int COMPARE = 32;
    static final int I_COMPARE = 33;
    static final int WHERE = 34;
    // BFLOAT16 and FLOAT16 (issue 16); an H_ prefix: the op reads or writes the 16-bit arena (field halves)
    static final int H_FILL = 35;
    static final int H_COPY = 36;
    static final int H_TO_STAGE = 37;
    static final int H_FROM_STAGE = 38;
    static final int H_COPY_STRIDED = 39;
    static final int H_GATHER_ROWS = 40;
    static final int H_CAST = 41;
    static final int H_GEMM = 42;
    static final int H_BIAS_ACTIVATION = 43;
    static final int H_ACTIVATION_BACKWARD = 44;

    // ---- the 16-bit type of a launch's 16-bit operands (field half) ---------------------------------------------------
    static final int HALF_BF16 = 1;
    static final int HALF_F16 = 2;

    // ---- casts on the 16-bit arena (field code of H_CAST) ----------------------------------------------------------
    /** 16-bit (field half) → this launcher's dtype, exactly. */
    static final int HC_TO_REAL = 0;
    /** This launcher's dtype → 16-bit (field half), rounded once to nearest even. */
    static final int HC_FROM_REAL = 1;
    /** 16-bit (field half) → the other 16-bit type (field code2), rounded once. */
    static final int HC_TO_HALF = 2;
    /** 16-bit (field half) → INT32: toward zero, saturating (Java's (int) cast of the exact value). */
    static final int HC_TO_INT = 3;

    // ---- elementwise unary functions (field code): UnaryOp, one for one ---------------------------------------------
    static final int U_IDENTITY = 0;
    static final int U_SCALE = 1;
    static final int U_ADD_SCALAR = 2;
    static final int U_SQUARE = 3;
    static final int U_SQRT = 4;
    static final int U_EXP = 5;
    static final int U_LOG = 6;
    static final int U_SIGMOID = 7;
    static final int U_TANH = 8;
    static final int U_RELU = 9;
    static final int U_SIGMOID_GRAD = 10;
    static final int U_TANH_GRAD = 11;
    static final int U_RELU_GRAD = 12;
    static final int U_IDENTITY_GRAD = 13;
    static final int U_ABS = 14;
    static final int U_POW = 15;
    static final int U_MAX_SCALAR = 16;
    static final int U_MIN_SCALAR = 17;

    // ---- elementwise binary functions (field code): BinaryOp, one for one -------------------------------------------
    static final int B_ADD = 0;
    static final int B_SUB = 1;
    static final int B_MUL = 2;
    static final int B_DIV = 3;
    static final int B_MAX = 4;
    static final int B_MIN = 5;
    static final int B_HALF_SQUARED_ERROR = 6;
    static final int B_BINARY_CROSS_ENTROPY = 7;
    static final int B_CROSS_ENTROPY = 8;

    // ---- broadcast of b (field broadcast) and row reductions (field code) -------------------------------------------
    static final int BC_NONE = 0;
    static final int BC_ROW = 1;
    static final int BC_COLUMN = 2;
    static final int R_SUM = 0;
    static final int R_MAX = 1;
    static final int R_MIN = 2;

    // ---- comparisons (field code): CompareOp, one for one -------------------------------------------------------------
    static final int C_GT = 0;
    static final int C_GE = 1;
    static final int C_LT = 2;
    static final int C_LE = 3;
    static final int C_EQ = 4;
    static final int C_NE = 5;

    private static final String[] UNARY_NAMES = new String[UnaryOp.values().length];
    private static final String[] BINARY_NAMES = new String[BinaryOp.values().length];

    static {
        for (UnaryOp u : UnaryOp.values()) {
            UNARY_NAMES[of(u)] = u.name();
        }
        for (BinaryOp b : BinaryOp.values()) {
            BINARY_NAMES[of(b)] = b.name();
        }
    }

    /** The UnaryOp name of a unary code (for messages). */
    static String unaryName(int code) {
        return UNARY_NAMES[code];
    }

    /** The BinaryOp name of a binary code (for messages). */
    static String binaryName(int code) {
        return BINARY_NAMES[code];
    }

    /** The Broadcast name of a broadcast code (for messages). */
    static String broadcastName(int code) {
        return Broadcast.values()[code].name();
    }

    static int of(UnaryOp op) {
        return switch (op) {
            case IDENTITY -> U_IDENTITY;
            case SCALE -> U_SCALE;
            case ADD_SCALAR -> U_ADD_SCALAR;
            case SQUARE -> U_SQUARE;
            case SQRT -> U_SQRT;
            case EXP -> U_EXP;
            case LOG -> U_LOG;
            case SIGMOID -> U_SIGMOID;
            case TANH -> U_TANH;
            case RELU -> U_RELU;
            case SIGMOID_GRAD_FROM_OUTPUT -> U_SIGMOID_GRAD;
            case TANH_GRAD_FROM_OUTPUT -> U_TANH_GRAD;
            case RELU_GRAD_FROM_OUTPUT -> U_RELU_GRAD;
            case IDENTITY_GRAD_FROM_OUTPUT -> U_IDENTITY_GRAD;
            case ABS -> U_ABS;
            case POW -> U_POW;
            case MAX_SCALAR -> U_MAX_SCALAR;
            case MIN_SCALAR -> U_MIN_SCALAR;
        };
    }

    static int of(BinaryOp op) {
        return switch (op) {
            case ADD -> B_ADD;
            case SUB -> B_SUB;
            case MUL -> B_MUL;
            case DIV -> B_DIV;
            case MAX -> B_MAX;
            case MIN -> B_MIN;
            case HALF_SQUARED_ERROR -> B_HALF_SQUARED_ERROR;
            case BINARY_CROSS_ENTROPY -> B_BINARY_CROSS_ENTROPY;
            case CROSS_ENTROPY -> B_CROSS_ENTROPY;
        };
    }

    static int of(Broadcast broadcast) {
        return switch (broadcast) {
            case NONE -> BC_NONE;
            case ROW -> BC_ROW;
            case COLUMN -> BC_COLUMN;
        };
    }

    static int of(CompareOp op) {
        return switch (op) {
            case GT -> C_GT;
            case GE -> C_GE;
            case LT -> C_LT;
            case LE -> C_LE;
            case EQ -> C_EQ;
            case NE -> C_NE;
        };
    }

    /** The RowReduction name of a reduction code (for messages). */
    static String reductionName(int code) {
        return code == R_MAX ? "MAX" : (code == R_MIN ? "MIN" : "SUM");
    }

    /** The CompareOp name of a comparison code (for messages). */
    static String compareName(int code) {
        for (CompareOp c : CompareOp.values()) {
            if (of(c) == code) {
                return c.name();
            }
        }
        return "comparison " + code;
    }

    static int of(RowReduction reduction) {
        return switch (reduction) {
            case SUM -> R_SUM;
            case MAX -> R_MAX;
            case MIN -> R_MIN;
        };
    }
}
