package dev.nabla;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Leak detection in the program a user writes first: the shared backend of {@link Backends#get} (whose close does
 * nothing), no scopes. A tensor the garbage collector finds unclosed must be reported there too; it used to wait for
 * a scope or the backend to close, and so was never reported.
 */
class SharedBackendLeakTest {

    @Test
    void anUnclosedTensorOnTheSharedBackendWithoutScopesIsReported() throws InterruptedException {
        System.setProperty(Backend.LEAK_DETECTION_PROPERTY, "true");
        Backend shared;
        try {
            shared = Backends.get("fake-slow");   // created here, by this test alone, so with leak detection on
        } finally {
            System.clearProperty(Backend.LEAK_DETECTION_PROPERTY);
        }
        assertTrue(shared.leakDetection(), "another test created the shared fake-slow backend first");
        int line = dropOne(shared);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<LeakReport> reports = List.of();
        while (reports.isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
            shared.zeros(1, 1).close();            // the program goes on creating tensors, never a scope
            reports = shared.leakReports();
        }
        if (reports.isEmpty()) {
            fail("no leak report within 20 s although the dropped tensor is unreachable");
        }
        LeakReport r = reports.get(0);
        assertEquals("tensor created", r.when());
        assertEquals(1, r.leaks().size(), r::describe);
        LeakReport.Leak leak = r.leaks().get(0);
        assertEquals(LeakReport.Kind.COLLECTED_UNCLOSED, leak.kind());
        assertEquals("3×4 FLOAT32 [fake-slow]", leak.tensor());
        assertEquals("dev.nabla.SharedBackendLeakTest.dropOne(SharedBackendLeakTest.java:" + line + ")",
                leak.createdAt());
    }

    /** Creates a 3×4 tensor and drops it unclosed; returns the line that created it. */
    private static int dropOne(Backend be) {
        be.zeros(3, 4);
        return StackWalker.getInstance().walk(s -> s.findFirst()).orElseThrow().getLineNumber() - 1;
    }
}
