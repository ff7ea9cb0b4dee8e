package dev.nabla.contract;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reference's compensated sum gives what IEEE arithmetic gives on the exact sum (it once computed ∞ − ∞ = NaN). */
class CompensatedSumTest {

    private static void assertSum(double expected, double... terms) {
        CompensatedSum s = new CompensatedSum();
        for (double t : terms) {
            s.add(t);
        }
        assertEquals(expected, s.value(), 0.0, () -> "Σ " + java.util.Arrays.toString(terms));
    }

    @Test
    void infinitiesAndNaNFollowIeee() {
        double inf = Double.POSITIVE_INFINITY;
        assertSum(inf, inf, 1, 2);
        assertSum(inf, 1, inf);
        assertSum(-inf, 1, -inf, 3);
        assertSum(Double.NaN, inf, -inf);
        assertSum(Double.NaN, Double.NaN, 1);
        assertSum(Double.NaN, 1, Double.NaN, inf);
    }

    @Test
    void finiteSumsStayCompensated() {
        assertSum(3e38, 3e38, 3e38, -3e38);
        assertSum(1.0, 1e100, 1.0, -1e100);                          // Neumaier keeps the 1
        assertSum(0.0);
    }

    @Test
    void aSumBeyondTheDoubleRangeIsInfinite() {
        assertSum(Double.POSITIVE_INFINITY, Double.MAX_VALUE, Double.MAX_VALUE);
    }
}
