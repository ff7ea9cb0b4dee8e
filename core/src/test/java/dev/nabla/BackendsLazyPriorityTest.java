package dev.nabla;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Asking for a backend by name asks no other provider anything. A provider's priority() may load native libraries
 * (the opencl provider loads the OpenCL drivers to see whether its device is a GPU), and some drivers replace the
 * JVM's SIGSEGV handler: a program that only uses cpu must not load them. So only ranking (names(), best(), report())
 * asks priorities, and every call of the fake-missing provider's priority() must come from there, whichever test of
 * this JVM loaded the providers first.
 */
class BackendsLazyPriorityTest {

    @Test
    void probingAndCreatingByNameAskNoPriorityOnlyRankingDoes() {
        try (Backend owned = Backends.create("fake-ok")) {
            assertEquals("fake-ok", owned.name());
        }
        assertTrue(Backends.probe("fake-slow").available());
        Backends.get("fake-ok");
        assertEquals(List.of("fake-missing", "fake-throws", "fake-ok", "fake-slow"), Backends.names());

        List<StackTraceElement[]> calls = FakeProviders.MISSING_PRIORITY_CALLS;
        assertFalse(calls.isEmpty(), "names() ranks the providers, so it asks fake-missing its priority");
        for (StackTraceElement[] stack : calls) {
            assertTrue(Arrays.stream(stack).anyMatch(e -> e.getClassName().equals(Backends.class.getName())
                            && e.getMethodName().equals("ranked")),
                    "priority() asked outside ranking: " + Arrays.toString(Arrays.copyOf(stack, Math.min(8, stack.length))));
        }
        assertEquals(1, calls.size(), "each provider is asked its priority once per JVM");
    }
}
