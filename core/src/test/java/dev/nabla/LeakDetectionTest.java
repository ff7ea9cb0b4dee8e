package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Leak detection: off unless asked; when on, every tensor still open when its backend closes, and every tensor the
 * garbage collector finds unclosed, is reported with the line and thread that created it, as a {@link LeakReport}
 * that tests can read ({@link Backend#leakReports()}), not only as a log line.
 */
class LeakDetectionTest {

    /** The line number of the caller: {@code Tensor t = be.zeros(2, 2); int line = here();} names the line of t. */
    private static int here() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
    }

    private static String site(String method, int line) {
        return "dev.nabla.LeakDetectionTest." + method + "(LeakDetectionTest.java:" + line + ")";
    }

    @Test
    void isOffUnlessAskedForAndThenRecordsNothing() {
        assertFalse(Boolean.getBoolean(Backend.LEAK_DETECTION_PROPERTY), "the test JVM must not set the property");
        Backend be = Backend.wrap(new ReferenceBackend());
        assertFalse(be.leakDetection());
        Tensor open = be.zeros(2, 2);
        assertEquals(List.of("2×2 FLOAT32 [reference]"), be.liveTensorDescriptions());
        be.close();
        assertTrue(open.isClosed(), "closing the backend released the tensor anyway");
        assertEquals(List.of(), be.leakReports());
    }

    @Test
    void tensorsOpenWhenTheBackendClosesAreReportedWithTheLineAndThreadThatMadeThem() throws Exception {
        Backend be = Backend.wrap(new ReferenceBackend(), true);
        assertTrue(be.leakDetection());
        be.zeros(1, 1).close();                                            // closed: not a leak
        try (Scope s = be.scope()) {
            be.zeros(5, 5).relu();                                         // closed by the scope: not a leak
            s.keep(be.zeros(6, 6)).close();                                // kept, then closed: not a leak
        }
        Tensor first = be.zeros(2, 3); int firstLine = here();
        Tensor[] fromThread = new Tensor[1];
        int[] threadLine = new int[1];
        Thread t = new Thread(() -> {
            fromThread[0] = be.full(4, 1, 2.0, DType.FLOAT64); threadLine[0] = here();
        }, "leaky-worker");
        t.start();
        t.join();
        Network net = Network.builder().input(3).dense(2, Activation.SIGMOID).loss(Loss.MSE).build(be);
        int netLine = here() - 1;
        List<String> live = be.liveTensorDescriptions();
        assertTrue(live.contains("2×3 FLOAT32 [reference] created at " + site("tensorsOpenWhenTheBackendClosesAreReported"
                + "WithTheLineAndThreadThatMadeThem", firstLine) + " on thread " + Thread.currentThread().getName()), live::toString);

        be.close();

        List<LeakReport> reports = be.leakReports();
        assertEquals(1, reports.size(), reports::toString);
        LeakReport r = reports.get(0);
        assertEquals("reference", r.backend());
        assertEquals("backend reference closed", r.when());
        assertEquals(0, r.omitted());
        List<LeakReport.Leak> leaks = r.leaks();
        assertEquals(4, leaks.size(), r::describe);                        // first, the thread's, the net's W and b
        String method = "tensorsOpenWhenTheBackendClosesAreReportedWithTheLineAndThreadThatMadeThem";
        assertLeak(leaks.get(0), "2×3 FLOAT32 [reference]", Thread.currentThread().getName(), site(method, firstLine));
        assertLeak(leaks.get(1), "4×1 FLOAT64 [reference]", "leaky-worker",
                "dev.nabla.LeakDetectionTest.lambda$" + method);
        assertTrue(leaks.get(1).createdAt().endsWith("(LeakDetectionTest.java:" + threadLine[0] + ")"),
                leaks.get(1).createdAt());
        // the network's weights were allocated by dev.nabla.nn.NetworkBuilder: the report names the caller's line
        assertLeak(leaks.get(2), "3×2 FLOAT32 [reference]", Thread.currentThread().getName(), site(method, netLine));
        assertLeak(leaks.get(3), "1×2 FLOAT32 [reference]", Thread.currentThread().getName(), site(method, netLine));
        assertTrue(leaks.get(2).creationStack().stream().anyMatch(e -> e.getClassName().equals("dev.nabla.nn.NetworkBuilder")),
                "the whole stack is kept: " + leaks.get(2).creationStack());
        for (LeakReport.Leak l : leaks) {
            assertEquals(LeakReport.Kind.OPEN_AT_BACKEND_CLOSE, l.kind());
            assertTrue(r.describe().contains(l.tensor() + " (open at backend close) created at " + l.createdAt()),
                    r.describe());
        }
        assertTrue(first.isClosed() && fromThread[0].isClosed());
        assertEquals(0, be.stats().liveTensors());
        net.close();                                                       // closing after the backend is harmless
    }

    private static void assertLeak(LeakReport.Leak leak, String tensor, String thread, String createdAtStart) {
        assertEquals(tensor, leak.tensor());
        assertEquals(thread, leak.thread());
        assertTrue(leak.createdAt().startsWith(createdAtStart), leak.createdAt() + " should start with " + createdAtStart);
        assertEquals("dev.nabla.Backend", leak.creationStack().get(0).getClassName(),
                "the stack starts in the allocation: " + leak.creationStack());
    }

    /** Creates a tensor and drops it unclosed; returns the line that created it. */
    private static int dropOne(Backend be) {
        be.zeros(3, 4); return here();
    }

    /** A network's workspace created by trainStep, dropped with the network unclosed; returns the trainStep line. */
    private static int dropATrainedNetwork(Backend be) {
        Network net = Network.builder().input(2).dense(1, Activation.IDENTITY).loss(Loss.MSE).build(be);
        Tensor x = be.zeros(4, 2);
        Tensor t = be.zeros(4, 1);
        net.trainStep(x, t, Optimizers.sgd(0.1)); int line = here();
        x.close();
        t.close();
        return line;
    }

    @Test
    void aTensorTheGarbageCollectorFindsUnclosedIsReportedWhenAScopeCloses() throws Exception {
        Backend be = Backend.wrap(new ReferenceBackend(), true);
        int line = dropOne(be);
        LeakReport r = awaitReport(be);
        assertEquals("scope closed", r.when());
        assertEquals(1, r.leaks().size(), r::describe);
        LeakReport.Leak leak = r.leaks().get(0);
        assertEquals(LeakReport.Kind.COLLECTED_UNCLOSED, leak.kind());
        assertEquals("3×4 FLOAT32 [reference]", leak.tensor());
        assertEquals(site("dropOne", line), leak.createdAt());
        assertTrue(r.describe().contains("3×4 FLOAT32 [reference] (garbage-collected unclosed) created at "
                + site("dropOne", line)), r.describe());
        assertEquals(0, be.stats().liveTensors(), "the cleaner released it");
        be.close();
        assertEquals(1, be.leakReports().size(), "nothing was open at close: no second report");
    }

    @Test
    void aLostNetworksTensorsAreReportedAtTheCallersLine() throws Exception {
        Backend be = Backend.wrap(new ReferenceBackend(), true);
        int line = dropATrainedNetwork(be);
        int expected = 2 + 4 * 1 + 1;                            // W, b; workspace A, δ, dW, db; loss
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int found = 0;
        while (found < expected && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
            try (Scope s = be.scope()) {
                // closing a scope is a reporting point
            }
            found = be.leakReports().stream().mapToInt(r -> r.leaks().size()).sum();
        }
        assertEquals(expected, found, () -> be.leakReports().toString());
        long atTrainStep = be.leakReports().stream().flatMap(r -> r.leaks().stream())
                .filter(l -> l.createdAt().equals(site("dropATrainedNetwork", line))).count();
        assertEquals(5, atTrainStep, "the workspace's tensors name the trainStep line: " + be.leakReports());
        be.close();
    }

    @Test
    void withoutLeakDetectionTheCleanerStillFreesButNothingIsReported() throws Exception {
        Backend be = Backend.wrap(new ReferenceBackend(), false);
        dropOne(be);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (be.stats().liveTensors() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, be.stats().liveTensors(), "the garbage collector's cleaner released the dropped tensor");
        try (Scope s = be.scope()) {
            be.zeros(1, 1);
        }
        be.close();
        assertEquals(List.of(), be.leakReports());
    }

    @Test
    void thePropertyIsReadWhenABackendIsCreated() {
        Backend before = Backend.wrap(new ReferenceBackend());
        System.setProperty(Backend.LEAK_DETECTION_PROPERTY, "true");
        Backend during;
        try {
            during = Backend.wrap(new ReferenceBackend());
            try (Backend owned = Backends.create("fake-ok")) {
                assertTrue(owned.leakDetection(), "Backends.create reads it too");
            }
            assertFalse(Backend.wrap(new ReferenceBackend(), false).leakDetection(), "an explicit off wins");
        } finally {
            System.clearProperty(Backend.LEAK_DETECTION_PROPERTY);
        }
        assertFalse(before.leakDetection());
        assertTrue(during.leakDetection(), "fixed at creation: clearing the property later changes nothing");
        during.zeros(1, 2);
        during.close();
        before.close();
        assertEquals(1, during.leakReports().size());
    }

    /** Runs the garbage collector and closes scopes until the backend reports, for at most 20 s. */
    private static LeakReport awaitReport(Backend be) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
            try (Scope s = be.scope()) {
                // closing a scope is a reporting point
            }
            List<LeakReport> reports = be.leakReports();
            if (!reports.isEmpty()) {
                return reports.get(0);
            }
        }
        fail("no leak report within 20 s although the dropped tensor is unreachable");
        return null;
    }
}
