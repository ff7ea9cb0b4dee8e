package dev.nabla.contract;

/**
 * Neumaier's compensated summation: the error stays O(u) independent of the number of terms.
 *
 * <p>Non-finite terms follow IEEE arithmetic, as a plain sum does: any NaN, or +∞ and −∞ together, give NaN; otherwise
 * a ±∞ term gives ±∞. They are counted apart from the finite terms, because the compensation step would compute
 * ∞ − ∞ = NaN for a sum that is exactly ±∞. The finite terms' sum rounds to ±∞ only if it overflows float64.
 */
final class CompensatedSum {
    private double sum;
    private double compensation;
    private boolean nan;
    private boolean positiveInfinity;
    private boolean negativeInfinity;

    void add(double x) {
        if (!Double.isFinite(x)) {
            nan |= Double.isNaN(x);
            positiveInfinity |= x == Double.POSITIVE_INFINITY;
            negativeInfinity |= x == Double.NEGATIVE_INFINITY;
            return;
        }
        double t = sum + x;
        if (Math.abs(sum) >= Math.abs(x)) {
            compensation += (sum - t) + x;
        } else {
            compensation += (x - t) + sum;
        }
        sum = t;
    }

    double value() {
        if (nan || (positiveInfinity && negativeInfinity)) {
            return Double.NaN;
        }
        if (positiveInfinity) {
            return Double.POSITIVE_INFINITY;
        }
        if (negativeInfinity) {
            return Double.NEGATIVE_INFINITY;
        }
        return Double.isFinite(sum) ? sum + compensation : sum;   // an overflowed running sum is ±∞, not ∞ − ∞
    }
}
