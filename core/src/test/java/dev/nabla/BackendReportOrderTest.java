package dev.nabla;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report a user reads first lists what can run: available backends, highest priority first, then the unavailable
 * ones with their reasons (highest priority first). Discovery order is priority alone, so an unavailable provider of
 * high priority (a GPU backend without a driver) used to head the list.
 */
class BackendReportOrderTest {

    @Test
    void availableBackendsComeFirstByPriorityThenTheUnavailableOnes() {
        BackendReport report = Backends.report();
        List<String> order = new ArrayList<>();
        for (BackendReport.Entry e : report.entries()) {
            order.add(e.name() + (e.available() ? "" : " (unavailable)"));
        }
        assertEquals(List.of("fake-ok", "fake-slow", "fake-missing (unavailable)", "fake-throws (unavailable)"), order);
        assertEquals("fake-ok", report.chosen(), "best() is the first line");
    }

    @Test
    void theTableFollowsTheSameOrder() {
        String[] lines = Backends.report().toString().split("\n");
        assertEquals("Nabla backends (available first, highest priority first):", lines[0]);
        assertTrue(lines[1].trim().startsWith("fake-ok "), lines[1]);
        assertTrue(lines[2].trim().startsWith("fake-slow "), lines[2]);
        assertTrue(lines[3].trim().startsWith("fake-missing "), lines[3]);
        assertTrue(lines[4].trim().startsWith("fake-throws "), lines[4]);
    }
}
