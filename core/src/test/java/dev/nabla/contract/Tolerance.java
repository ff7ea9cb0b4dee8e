package dev.nabla.contract;

import dev.nabla.DType;

/**
 * THE tolerance rule of Nabla's tests, in one place. It has two forms, one for each kind of result.
 *
 * <p><b>Reductions</b> ({@link #assertReduction}): a value r = Σ_k t_k of K terms (a dot product, a column or row
 * sum, a full sum, a loss) matches when
 *
 * <pre>  |a − r| ≤ u · (c + λ·√K) · Σ_k |t_k|  (+ c·the smallest subnormal)</pre>
 *
 * per output element, where u is the dtype's unit roundoff ({@link #unitRoundoff}: 2⁻²⁴ for FLOAT32, 2⁻⁵³ for
 * FLOAT64), λ·√K the growth of rounding errors in a sum of K terms (the probabilistic bound of Higham and Mary, 2019,
 * with λ = {@value #LAMBDA}: any summation order, blocked, pairwise or recursive; a recursive float64 sum of 32,639
 * positive terms was measured at 1.24·√K) and c = {@value #TERM_ULPS} the ulps each term may
 * carry of its own (inputs rounded to the dtype, a product, a log or exp in a loss term). Σ|t_k| is the size of the
 * terms, not of the result: a sum that cancels to ~0 is judged by what was added, and a sum of positive terms by
 * itself. The caller computes it on the float64 reference by running the same op on |x| (Σ|x| is the sum of |x|);
 * where every term is ≥ 0, as in a loss, it is the reference result itself.
 *
 * <p><b>Elementwise and row-wise results</b> ({@link #assertClose}): a value matches when
 *
 * <pre>  |a − r| ≤ rtol·|r| + rtol·√K·max|ref in its row|  (+ c·the smallest subnormal)</pre>
 *
 * with rtol {@value #RTOL_FLOAT32} for FLOAT32 and {@value #RTOL_FLOAT64} for FLOAT64 (it covers the accuracy of
 * exp, log, tanh and σ on every device), and K the longest reduction behind the values (1 for elementwise ops,
 * cols for a softmax row). The absolute part is the scale of the element's own row ({@code cols} elements; the whole
 * array when {@code cols} is 0): a row of a softmax whose logits are 200 times larger does not loosen the judgement
 * of the others.
 *
 * <p><b>Compositions</b> ({@link #assertCloseNormwise}): a network's loss, dW, db, and its weights after training
 * come out of many ops in a row; an element's error is set by the sizes of the intermediate terms (a hidden unit
 * whose activation cancelled to ~0 carries a large relative error into its whole row of dW), which the test does not
 * see. They are judged by the same formula with the scale of the whole array, K their longest reduction.
 *
 * <p>NaN matches NaN only; infinities match themselves only. A failure names the worst element (index, and
 * row/column when {@code cols} &gt; 0), both values, the allowed margin and how many elements fail.
 */
public final class Tolerance {
    public static final double RTOL_FLOAT32 = 1e-4;
    public static final double RTOL_FLOAT64 = 1e-10;
    /** The ulps each term of a reduction may carry before it is added (rounded inputs, a product, a log). */
    public static final double TERM_ULPS = 16;
    /** λ of the √K growth of a sum's rounding error. */
    public static final double LAMBDA = 2;

    private final DType dtype;
    private final double rtol;
    private final int reductionLength;

    /**
     * With {@code -Dnabla.tolerance.report=FILE}, the largest fraction of its margin each kind of check used (the
     * label up to its first digit or '['), appended to FILE when the test JVM exits: how the rule was calibrated.
     */
    private static final java.util.Map<String, Double> REPORT = System.getProperty("nabla.tolerance.report") != null
            ? reportAtExit(System.getProperty("nabla.tolerance.report")) : null;

    private static java.util.Map<String, Double> reportAtExit(String file) {
        java.util.Map<String, Double> report = new java.util.concurrent.ConcurrentSkipListMap<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            StringBuilder sb = new StringBuilder();
            report.forEach((k, v) -> sb.append(String.format("%8.4f  %s%n", v, k)));
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(file), sb, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                System.err.println("Tolerance report: " + e);
            }
        }));
        return report;
    }

    private static void report(String form, String what, DType dtype, Match m) {
        if (REPORT != null) {
            String key = what.replaceAll("[0-9\\[].*", "").trim() + " (" + form + ", " + dtype + ")";
            REPORT.merge(key, m.usedMargin(), Math::max);
        }
    }

    private Tolerance(DType dtype, int reductionLength) {
        this.dtype = dtype;
        this.rtol = dtype == DType.FLOAT32 ? RTOL_FLOAT32 : RTOL_FLOAT64;
        this.reductionLength = Math.max(1, reductionLength);
    }

    /** The rule for values computed in {@code dtype} with reductions of length K. */
    public static Tolerance of(DType dtype, int reductionLength) {
        if (dtype.isHalf()) {           // rtol and the underflow floor below know FLOAT32 and FLOAT64 only
            throw new IllegalArgumentException("Tolerance: no rule for " + dtype + " (16-bit results are judged within"
                    + " one ulp of their type, see IndexingContract)");
        }
        return new Tolerance(dtype, reductionLength);
    }

    /** u, half the distance from 1 to the next value of {@code dtype}: 2⁻²⁴ for FLOAT32, 2⁻⁵³ for FLOAT64. */
    public static double unitRoundoff(DType dtype) {
        // an INT32 case's floating roles (e.g. the values beside an index) are judged by the float64 rule, as before
        return dtype == DType.INT32 ? DType.FLOAT64.unitRoundoff() : dtype.unitRoundoff();
    }

    public double rtol() {
        return rtol;
    }

    /** atol of the elementwise form for a row whose largest magnitude is {@code maxAbsRef}. */
    public double atol(double maxAbsRef) {
        return rtol * Math.sqrt(reductionLength) * maxAbsRef;
    }

    /** The relative bound of a reduction: u·(c + λ·√K); times Σ|terms| it is the allowed |a − r|. */
    public double reductionBound() {
        return unitRoundoff(dtype) * (TERM_ULPS + LAMBDA * Math.sqrt(reductionLength));
    }

    /**
     * The absolute floor of both forms, c·(the dtype's smallest subnormal): below the normal range a value keeps
     * fewer digits than u promises (σ(−100) is a float32 subnormal), so no relative bound holds there.
     */
    public double underflowFloor() {
        return TERM_ULPS * (dtype == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE);
    }

    /**
     * Asserts element by element that {@code actual} matches {@code reference} under the elementwise/row-wise form:
     * each element is judged by the largest magnitude of its own row of {@code cols} elements (of the whole array
     * when {@code cols} is 0). Returns how close it came: the largest fraction of its allowed margin any element used
     * (0 = exact, 1 = at the limit) and the largest absolute difference.
     */
    public Match assertClose(String what, double[] reference, double[] actual, int cols) {
        checkLengths(what, reference, actual);
        int rowLength = cols > 0 ? cols : Math.max(1, reference.length);
        double[] allowed = new double[reference.length];
        double[] rowScale = new double[reference.length];
        for (int from = 0; from < reference.length; from += rowLength) {
            int to = Math.min(reference.length, from + rowLength);
            double maxAbs = 0;
            for (int i = from; i < to; i++) {
                if (Double.isFinite(reference[i])) {
                    maxAbs = Math.max(maxAbs, Math.abs(reference[i]));
                }
            }
            for (int i = from; i < to; i++) {
                rowScale[i] = maxAbs;
                allowed[i] = atol(maxAbs) + rtol * Math.abs(reference[i]) + underflowFloor();
            }
        }
        return judge("elementwise", what, reference, actual, allowed, cols, worst -> String.format(
                "atol %.3g + rtol %.1g·|ref|, K = %d, max|ref| of its %s %.3g", atol(rowScale[worst]), rtol,
                reductionLength, cols > 0 ? "row" : "array", rowScale[worst]));
    }

    /**
     * Asserts element by element that {@code actual} matches {@code reference}, each element judged by the largest
     * magnitude of the whole array: for the results of compositions (a network's loss, dW, db, trained weights);
     * {@code cols} only names the row and column of a failure.
     */
    public Match assertCloseNormwise(String what, double[] reference, double[] actual, int cols) {
        checkLengths(what, reference, actual);
        double maxAbs = 0;
        for (double r : reference) {
            if (Double.isFinite(r)) {
                maxAbs = Math.max(maxAbs, Math.abs(r));
            }
        }
        double[] allowed = new double[reference.length];
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = atol(maxAbs) + rtol * Math.abs(reference[i]) + underflowFloor();
        }
        double scale = maxAbs;
        return judge("normwise", what, reference, actual, allowed, cols, worst -> String.format(
                "atol %.3g + rtol %.1g·|ref|, K = %d, max|ref| %.3g", atol(scale), rtol, reductionLength, scale));
    }

    /**
     * Asserts element by element that each reduction in {@code actual} matches {@code reference} under the reduction
     * form: |a − r| ≤ u·(c + √K)·Σ|terms|, where {@code absTerms[i]} is Σ|terms| of element i (the same reduction
     * over the absolute values of its terms, computed on the float64 reference). Returns how close it came.
     */
    public Match assertReduction(String what, double[] reference, double[] actual, double[] absTerms, int cols) {
        checkLengths(what, reference, actual);
        if (absTerms.length != reference.length) {
            throw new AssertionError(what + ": " + absTerms.length + " Σ|terms| for " + reference.length + " values");
        }
        double bound = reductionBound();
        double[] allowed = new double[reference.length];
        for (int i = 0; i < allowed.length; i++) {
            if (!(absTerms[i] >= 0) && Double.isFinite(reference[i])) {
                throw new AssertionError(what + ": Σ|terms| of element " + i + " is " + absTerms[i]);
            }
            allowed[i] = bound * absTerms[i] + underflowFloor();
        }
        return judge("reduction", what, reference, actual, allowed, cols, worst -> String.format(
                "u·(c + λ·√K)·Σ|terms| = %.3g·(%.0f + %.0f·√%d)·%.6g", unitRoundoff(dtype), TERM_ULPS, LAMBDA,
                reductionLength, absTerms[worst]));
    }

    /** {@link #assertReduction} for one value: a full sum or a loss. */
    public Match assertReduction(String what, double reference, double actual, double absTerms) {
        return assertReduction(what, new double[]{reference}, new double[]{actual}, new double[]{absTerms}, 0);
    }

    private static void checkLengths(String what, double[] reference, double[] actual) {
        if (reference.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + reference.length);
        }
    }

    private Match judge(String form, String what, double[] reference, double[] actual, double[] allowed, int cols,
                        java.util.function.IntFunction<String> rule) {
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
                excess = Math.abs(a - r) - allowed[i];
                maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a - r));
                usedMargin = Math.max(usedMargin, allowed[i] > 0 ? Math.abs(a - r) / allowed[i] : (a == r ? 0 : 1e300));
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
                            + "allowed %.3g (%s)",
                    what, bad, reference.length, at, r, a, Math.abs(a - r), allowed[worst], rule.apply(worst)));
        }
        Match m = new Match(usedMargin, maxAbsDiff);
        report(form, what, dtype, m);
        return m;
    }

    /** The outcome of a passing comparison: fraction of the margin used, and the largest absolute difference. */
    public record Match(double usedMargin, double maxAbsDiff) {
    }
}
