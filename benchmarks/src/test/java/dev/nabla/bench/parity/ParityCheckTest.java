package dev.nabla.bench.parity;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.contract.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParityCheckTest {
    private final Tolerance tol = Tolerance.of(DType.FLOAT32, 100);   // rtol 1e-4, atol = 1e-4·10·max|r|

    @Test
    void theWorstElementIsMeasuredAgainstTheToleranceRule() {
        double[] ref = {1.0, -2.0, 0.5};
        // allowed at element 1: atol 1e-4·10·2 = 2e-3, plus rtol·2 = 2e-4 → 2.2e-3; a diff of 1.1e-3 uses half
        var w = ParityCheck.worst(tol, ref, new double[]{1.0, -2.0011, 0.5});
        assertEquals(0.5, w.fraction(), 1e-9);
        assertEquals(1.1e-3, w.absDiff(), 1e-12);
        assertEquals(1, w.index());
        assertTrue(ParityCheck.worst(tol, ref, new double[]{1.0, -2.0, 0.5 + 4.4e-3}).fraction() > 1);
        assertEquals(0, ParityCheck.worst(tol, ref, ref.clone()).fraction());
    }

    @Test
    void aNaNOnOneSideIsInfinitelyWrong() {
        var w = ParityCheck.worst(tol, new double[]{1, 2}, new double[]{1, Double.NaN});
        assertEquals(Double.POSITIVE_INFINITY, w.fraction());
        assertEquals(0, ParityCheck.worst(tol, new double[]{Double.NaN}, new double[]{Double.NaN}).fraction());
    }

    @Test
    void cpuAgreesWithTheReferenceAndAPairIsReportedOnce() {
        try (Backend reference = Backend.wrap(new ReferenceBackend())) {
            List<ParityCheck.PairResult> r = ParityCheck.run(List.of(reference, Backends.get("cpu")), 2, 11L, m -> { });
            assertEquals(1, r.size());
            assertEquals("cpu", r.get(0).backend());
            assertEquals("reference", r.get(0).baseline());
            assertTrue(r.get(0).passed(), r.get(0).toString());
            assertTrue(r.get(0).worstFraction() > 0, "float32 differs from float64 somewhere");
            assertTrue(ParityCheck.table(r).contains("cpu        reference"), ParityCheck.table(r));
        }
    }
}
