package dev.nabla.bench.parity;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.contract.RandomNetworkSpec;
import dev.nabla.contract.Tolerance;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Gradient parity across backends, outside JUnit: the same seeded random networks ({@link RandomNetworkSpec}, the
 * parity suite's generator) with the same weights, inputs and targets, on every backend in float32; the loss and
 * every dW, db are compared for every pair of backends under THE tolerance rule ({@link Tolerance}):
 * {@code |a − r| ≤ atol + rtol·|r|, atol = rtol·√K·max|r|}, K the network's longest reduction, r the baseline.
 * The result per pair is the worst element over all networks, as a fraction of what the rule allows (≤ 1 passes).
 */
public final class ParityCheck {

    /** The worst disagreement of {@code backend} with {@code baseline} over every network and quantity. */
    public record PairResult(String backend, String baseline, double worstFraction, double worstAbsDiff,
                             String where, int networks) {
        public boolean passed() {
            return worstFraction <= 1.0;
        }
    }

    private ParityCheck() {
    }

    /**
     * Compares every later backend of {@code backends} with every earlier one (so put the baselines first: the
     * float64 reference, then cpu). Returns one result per pair.
     */
    public static List<PairResult> run(List<Backend> backends, int networks, long seed, Consumer<String> progress) {
        int pairs = backends.size() * (backends.size() - 1) / 2;
        double[] worst = new double[pairs];
        double[] worstAbs = new double[pairs];
        String[] where = new String[pairs];
        for (int i = 0; i < networks; i++) {
            RandomNetworkSpec spec = RandomNetworkSpec.draw(seed, i);
            progress.accept("network " + (i + 1) + "/" + networks + ": " + spec);
            List<Gradients> grads = new ArrayList<>();
            for (Backend b : backends) {
                grads.add(gradients(spec, b));
            }
            Tolerance tol = Tolerance.of(DType.FLOAT32, spec.longestReduction());
            int p = 0;
            for (int later = 1; later < backends.size(); later++) {
                for (int earlier = 0; earlier < later; earlier++, p++) {
                    for (Map.Entry<String, double[][]> q : quantities(grads.get(earlier), grads.get(later)).entrySet()) {
                        Worst w = worst(tol, q.getValue()[0], q.getValue()[1]);
                        if (where[p] == null || w.fraction > worst[p]) {
                            worst[p] = w.fraction;
                            worstAbs[p] = w.absDiff;
                            where[p] = spec + " " + q.getKey() + " [" + w.index + "]";
                        }
                    }
                }
            }
        }
        List<PairResult> results = new ArrayList<>();
        int p = 0;
        for (int later = 1; later < backends.size(); later++) {
            for (int earlier = 0; earlier < later; earlier++, p++) {
                results.add(new PairResult(backends.get(later).name(), backends.get(earlier).name(), worst[p],
                        worstAbs[p], where[p], networks));
            }
        }
        return results;
    }

    private static Gradients gradients(RandomNetworkSpec spec, Backend on) {
        try (Network net = spec.build(on, DType.FLOAT32); Scope s = on.scope()) {
            return net.gradients(on.fromArray(spec.inputs(), spec.batch(), spec.widths()[0], DType.FLOAT32),
                    on.fromArray(spec.targets(), spec.batch(), spec.widths()[spec.depth()], DType.FLOAT32));
        }
    }

    /** loss, dW0, db0, dW1, ...: baseline values first, then the backend's. */
    private static Map<String, double[][]> quantities(Gradients baseline, Gradients other) {
        Map<String, double[][]> q = new LinkedHashMap<>();
        q.put("loss", new double[][]{{baseline.loss()}, {other.loss()}});
        for (int l = 0; l < baseline.layers(); l++) {
            q.put("dW" + l, new double[][]{baseline.dW(l), other.dW(l)});
            q.put("db" + l, new double[][]{baseline.db(l), other.db(l)});
        }
        return q;
    }

    record Worst(double fraction, double absDiff, int index) {
    }

    /** The element using the largest fraction of its allowed error (∞ where only one side is NaN or infinite). */
    static Worst worst(Tolerance tol, double[] reference, double[] actual) {
        double maxAbs = 0;
        for (double r : reference) {
            if (Double.isFinite(r)) {
                maxAbs = Math.max(maxAbs, Math.abs(r));
            }
        }
        double atol = tol.atol(maxAbs);
        double worst = 0;
        double worstAbs = 0;
        int at = 0;
        for (int i = 0; i < reference.length; i++) {
            double r = reference[i];
            double a = actual[i];
            double fraction;
            double diff;
            if (!Double.isFinite(r) || !Double.isFinite(a)) {
                boolean same = Double.compare(r, a) == 0 || (Double.isNaN(r) && Double.isNaN(a));
                fraction = same ? 0 : Double.POSITIVE_INFINITY;
                diff = same ? 0 : Double.POSITIVE_INFINITY;
            } else {
                diff = Math.abs(a - r);
                double allowed = atol + tol.rtol() * Math.abs(r);
                fraction = allowed > 0 ? diff / allowed : (diff == 0 ? 0 : Double.POSITIVE_INFINITY);
            }
            if (fraction > worst) {
                worst = fraction;
                worstAbs = diff;
                at = i;
            }
        }
        return new Worst(worst, worstAbs, at);
    }

    /** A table of the pairs: backend, baseline, worst fraction of the tolerance, worst |difference|, verdict. */
    public static String table(List<PairResult> results) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %-10s %14s %14s  %s%n", "backend",
                "vs", "worst/allowed", "worst |diff|", "result"));
        for (PairResult r : results) {
            sb.append(String.format(Locale.ROOT, "%-10s %-10s %14.4f %14.3g  %s%n", r.backend(), r.baseline(),
                    r.worstFraction(), r.worstAbsDiff(), r.passed() ? "ok" : "FAILED at " + r.where()));
        }
        return sb.toString();
    }
}
