package dev.nabla.contract;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * On CI ({@code CI=true}) an aborted assumption is a failure, not a skip: the tests that exist to run there
 * (OpenCL on PoCL, the Vector API path) can never pass by not running. Off CI, skips stay skips, loudly.
 */
public final class NoSkipOnCi implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static void rethrow(Throwable t) throws Throwable {
        if (onCi() && t instanceof TestAbortedException) {
            throw new AssertionError("CI=true: this test must run here, but it was skipped: " + t.getMessage(), t);
        }
        throw t;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        rethrow(throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        rethrow(throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        rethrow(throwable);
    }
}
