package dev.nabla.contract;

import dev.nabla.DType;

/**
 * THE tolerance rule of Nabla's tests, in one place. An actual value a matches its reference r when
 *
 * <pre>  |a − r| ≤ atol + rtol·|r|,   atol = rtol · √K · max|ref|</pre>
 *
 * where max|ref| is the largest magnitude in the reference tensor and K the length of the longest reduction behind
 * the values (1 for elementwise ops, k for a product, N for a column sum). The absolute part is a norm-wise bound:
 * rounding in a sum of K terms grows like √K times the terms' size, and an element that cancels to ~0 is judged
 * against the size of its neighbours, not against itself. rtol is {@value #RTOL_FLOAT32} for FLOAT32 and
 * {@value #RTOL_FLOAT64} for FLOAT64. NaN matches NaN only; infinities match themselves only.
 */
public final class Tolerance {
    public static final double RTOL_FLOAT32 = 1e-4;
    public static final double RTOL_FLOAT64 = 1e-10;

    private final double rtol;
    private final int reductionLength;

    private Tolerance(double rtol, int reductionLength) {
        this.rtol = rtol;
        this.reductionLength = Math.max(1, reductionLength);
    }

    /** The rule for values computed in {@code dtype} with reductions of length K. */
    public static Tolerance of(DType dtype, int reductionLength) {
        return new Tolerance(dtype == DType.FLOAT32 ? RTOL_FLOAT32 : RTOL_FLOAT64, reductionLength);
    }

    public double rtol() {
        return rtol;
    }

    /** atol for a reference whose largest magnitude is {@code maxAbsRef}. */
    public double atol(double maxAbsRef) {
        return rtol * Math.sqrt(reductionLength) * maxAbsRef;
    }

    /**
     * Asserts element by element that {@code actual} matches {@code reference}; the failure names the worst element
     * (index, and row/column when {@code cols} &gt; 0), both values, the allowed margin and how many elements fail.
     * Returns how close it came: the largest fraction of its allowed margin any element used (0 = exact, 1 = at the
     * limit) and the largest absolute difference.
     */
    public Match assertClose(String what, double[] reference, double[] actual, int cols) {
        if (reference.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + reference.length);
        }
        double maxAbs = 0;
        for (double r : reference) {
            if (Double.isFinite(r)) {
                maxAbs = Math.max(maxAbs, Math.abs(r));
            }
        }
        double atol = atol(maxAbs);
        int bad = 0;
        int worst = -1;
        double worstExcess = -1;
        double usedMargin = 0;
        double maxAbsDiff = 0;
        for (int i = 0; i < reference.length; i++) {
            double r = reference[i];
            double a = actual[i];
            double excess;
            if (Double.isNaN(r) || Double.isNaN(a) || Double.isInfinite(r) || Double.isInfinite(a)) {
                excess = (Double.compare(r, a) == 0 || (Double.isNaN(r) && Double.isNaN(a))) ? 0 : Double.POSITIVE_INFINITY;
            } else {
                double allowed = atol + rtol * Math.abs(r);
                excess = Math.abs(a - r) - allowed;
                maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a - r));
                usedMargin = Math.max(usedMargin, allowed > 0 ? Math.abs(a - r) / allowed : (a == r ? 0 : 1e300));
            }
            if (excess > 0) {
                bad++;
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = i;
                }
            }
        }
        if (bad > 0) {
            double r = reference[worst];
            double a = actual[worst];
            String at = cols > 0 ? " at (" + worst / cols + ", " + worst % cols + ")" : " at [" + worst + "]";
            throw new AssertionError(String.format(
                    "%s: %d of %d elements outside tolerance; worst%s: expected %.9g, got %.9g, |diff| %.3g > "
                            + "allowed %.3g (atol %.3g + rtol %.1g·|ref|, K = %d, max|ref| %.3g)",
                    what, bad, reference.length, at, r, a, Math.abs(a - r), atol + rtol * Math.abs(r), atol, rtol,
                    reductionLength, maxAbs));
        }
        return new Match(usedMargin, maxAbsDiff);
    }

    /** The outcome of a passing comparison: fraction of the margin used, and the largest absolute difference. */
    public record Match(double usedMargin, double maxAbsDiff) {
    }
}
