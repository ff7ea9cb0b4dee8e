package dev.nabla.contract;

import dev.nabla.NablaException;

/**
 * One row of the bad-input matrix ({@link BadInputCases}): a public call made with one kind of bad input, the typed
 * exception it must throw, and what its message must say. In the message fragments {@code {be}} stands for the name
 * of the backend under test and {@code {other}} for the name of the second backend.
 *
 * @param op       the public operation, as users call it ({@code Tensor.matmul}, {@code Ops.gemm}, {@code NetworkBuilder.build})
 * @param kind     what is wrong: one of {@link #KINDS} ("index": an index or label outside its range)
 * @param expected the exception's exact class
 * @param message  fragments the message must contain, in any order
 * @param call     the call, made on a fresh {@link BadInputFixture}
 */
public record BadInput(String op, String kind, Class<? extends NablaException> expected, String[] message, Call call) {

    /** The kinds of bad input the matrix covers. */
    public static final String[] KINDS = {"shape", "dtype", "mixed backends", "closed tensor", "null", "negative size",
            "huge size", "hyper-parameter", "labels", "argument", "closed network", "closed backend", "index"};

    public BadInput {
        if (!java.util.Arrays.asList(KINDS).contains(kind)) {
            throw new IllegalArgumentException("unknown kind of bad input: " + kind);
        }
    }

    /** A call that must throw. */
    @FunctionalInterface
    public interface Call {
        void run(BadInputFixture f);
    }

    @Override
    public String toString() {
        return op + " — " + kind + " → " + expected.getSimpleName();
    }
}
