package dev.nabla;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery: ServiceLoader, cheap probes with reasons, best(), the property override, and the report. */
class BackendsTest {

    @AfterEach
    void clearChoice() {
        System.clearProperty(Backends.BACKEND_PROPERTY);
    }

    @Test
    void findsEveryProviderHighestPriorityFirst() {
        assertEquals(java.util.List.of("fake-missing", "fake-throws", "fake-ok", "fake-slow"), Backends.names());
    }

    @Test
    void bestIsTheHighestPriorityAvailableBackend() {
        Backend best = Backends.best();
        assertEquals("fake-ok", best.name());
        assertSame(best, Backends.get("fake-ok"), "get() and best() share one instance");
        best.close(); // a shared backend ignores close
        assertFalse(best.isClosed());
    }

    @Test
    void theReportGivesEveryReasonAndTheChoice() {
        BackendReport report = Backends.report();
        assertEquals("fake-ok", report.chosen());
        assertFalse(report.entry("fake-missing").available());
        assertEquals("no device: libFake.so.1 not found", report.entry("fake-missing").detail());
        assertTrue(report.entry("fake-throws").detail().contains("UnsatisfiedLinkError"),
                "a probe that throws is reported, not propagated");
        String text = report.toString();
        assertTrue(text.contains("fake-missing") && text.contains("unavailable") && text.contains("libFake.so.1"), text);
        assertTrue(text.contains("best(): fake-ok"), text);
    }

    @Test
    void anUnavailableBackendFailsWithItsReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.get("fake-missing"));
        assertTrue(e.getMessage().contains("backend fake-missing is unavailable: no device: libFake.so.1 not found"),
                e.getMessage());
        BackendUnavailableException unknown = assertThrows(BackendUnavailableException.class, () -> Backends.get("tpu"));
        assertTrue(unknown.getMessage().contains("no backend named 'tpu'; found [fake-missing, fake-throws, fake-ok, fake-slow]"),
                unknown.getMessage());
    }

    @Test
    void thePropertyChoosesTheBackend() {
        System.setProperty(Backends.BACKEND_PROPERTY, "fake-missing");
        assertThrows(BackendUnavailableException.class, Backends::best, "a requested backend is never silently replaced");
        assertTrue(Backends.report().chosenBecause().contains("requested by -Dnabla.backend, but it is unavailable"));
        System.setProperty(Backends.BACKEND_PROPERTY, " FAKE-OK ");
        assertEquals("fake-ok", Backends.best().name());
    }

    @Test
    void createGivesAnInstanceTheCallerOwns() {
        Backend mine = Backends.create("fake-ok");
        Tensor t = mine.zeros(2, 2);
        mine.close();
        assertTrue(mine.isClosed() && t.isClosed());
    }
}
