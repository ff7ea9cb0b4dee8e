package dev.nabla.bench.tune;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.NablaException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.Tolerance;
import dev.nabla.cpu.CpuBackend;
import dev.nabla.opencl.ClDevice;
import dev.nabla.opencl.GemmConfig;
import dev.nabla.opencl.OpenClBackend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tunes the opencl backend's GEMM on one device: every configuration of {@link GemmConfig#searchSpace()} the device
 * can run is built, checked against the cpu backend on edge-cutting shapes with all transposes (a wrong kernel is
 * never chosen, however fast), then timed on size³ products in the three forms training uses — NN (X·W), TN
 * (Aᵀ·δ) and NT (δ·Wᵀ). The best by the geometric mean of the three rates wins. Then the candidates with smaller
 * tiles are timed again on (size/4)³ products, where the big tiles leave compute units idle; the best of those is
 * what the backend uses for products with fewer tiles than the device has compute units.
 */
public final class GemmTuner {

    /** One configuration's outcome; rates in GFLOP/s, 0 when it failed. */
    public record Candidate(GemmConfig config, double nn, double tn, double nt, String status) {
        public boolean ok() {
            return status.equals("ok");
        }

        /** Geometric mean of the three rates. */
        public double score() {
            return ok() ? Math.cbrt(nn * tn * nt) : 0;
        }
    }

    public record Result(ClDevice device, int size, List<Candidate> candidates, Candidate best,
                         int smallSize, List<Candidate> smallCandidates, Candidate bestSmall) {
    }

    private static final int[][] CHECK_SHAPES = {{129, 131, 67}, {1, 200, 33}, {70, 3, 129}};

    private GemmTuner() {
    }

    public static Result tune(ClDevice device, int size, int reps, Consumer<String> progress) {
        List<double[]> expected = expectedProducts();
        List<Candidate> results = new ArrayList<>();
        Candidate best = null;
        for (GemmConfig config : GemmConfig.searchSpace()) {
            if (!config.fits(device.maxWorkGroupSize(), device.localMemBytes(), 4)) {
                continue;
            }
            Candidate c = measure(device, config, size, reps, expected);
            results.add(c);
            progress.accept(String.format("%-60s %s", config, c.ok()
                    ? String.format("NN %8.1f  TN %8.1f  NT %8.1f GFLOP/s", c.nn(), c.tn(), c.nt()) : c.status()));
            if (c.ok() && (best == null || c.score() > best.score())) {
                best = c;
            }
        }
        if (best == null) {
            throw new NablaException("tune: no GEMM configuration both builds and computes correctly on "
                    + device.name());
        }
        int smallSize = Math.max(64, size / 4);
        List<Candidate> small = new ArrayList<>();
        Candidate bestSmall = null;
        for (Candidate c : results) {
            GemmConfig g = c.config();
            if (c.ok() && g.tm() * g.tn() < best.config().tm() * best.config().tn()) {
                Candidate s = measure(device, g, smallSize, reps, expected);
                small.add(s);
                progress.accept(String.format("%-60s %s", g + " at " + smallSize, s.ok()
                        ? String.format("NN %8.1f  TN %8.1f  NT %8.1f GFLOP/s", s.nn(), s.tn(), s.nt()) : s.status()));
                if (s.ok() && (bestSmall == null || s.score() > bestSmall.score())) {
                    bestSmall = s;
                }
            }
        }
        return new Result(device, size, results, best, smallSize, small, bestSmall);
    }

    /** op(A)·op(B) on the cpu backend for every check shape and transpose (the oracle of the candidates). */
    private static List<double[]> expectedProducts() {
        List<double[]> out = new ArrayList<>();
        try (Backend cpu = Backend.wrap(new CpuBackend())) {
            forEachCheck((s, ta, tb) -> {
                try (Scope sc = cpu.scope()) {
                    Tensor c = product(cpu, s, ta, tb);
                    out.add(c.toDoubleArray());
                }
            });
        }
        return out;
    }

    private interface Check {
        void run(int[] shape, boolean transA, boolean transB);
    }

    private static void forEachCheck(Check check) {
        for (int[] s : CHECK_SHAPES) {
            for (int t = 0; t < 4; t++) {
                check.run(s, (t & 1) != 0, (t & 2) != 0);
            }
        }
    }

    private static Tensor product(Backend be, int[] s, boolean ta, boolean tb) {
        int m = s[0], n = s[1], k = s[2];
        Tensor a = be.fromArray(HostData.uniform(m + 3L * k, m * k, -1, 1), ta ? k : m, ta ? m : k, DType.FLOAT32);
        Tensor b = be.fromArray(HostData.uniform(n + 7L * k, k * n, -1, 1), tb ? n : k, tb ? k : n, DType.FLOAT32);
        Tensor c = be.zeros(m, n, DType.FLOAT32);
        be.ops().gemm(ta, tb, 1, a, b, 0, c);
        return c;
    }

    private static Candidate measure(ClDevice device, GemmConfig config, int size, int reps, List<double[]> expected) {
        try (Backend be = Backend.wrap(new OpenClBackend(device, config, false))) {
            int[] index = {0};
            forEachCheck((s, ta, tb) -> {
                try (Scope sc = be.scope()) {
                    Tolerance.of(DType.FLOAT32, s[2]).assertClose("gemm " + Arrays.toString(s) + " transA=" + ta
                            + " transB=" + tb, expected.get(index[0]++), product(be, s, ta, tb).toDoubleArray(), s[1]);
                }
            });
            try (Scope sc = be.scope()) {
                Tensor a = be.rand(size, size, 1L);
                Tensor b = be.rand(size, size, 2L);
                Tensor c = be.empty(size, size, DType.FLOAT32);
                double nn = rate(be, a, b, c, false, false, size, reps);
                double tn = rate(be, a, b, c, true, false, size, reps);
                double nt = rate(be, a, b, c, false, true, size, reps);
                return new Candidate(config, nn, tn, nt, "ok");
            }
        } catch (NablaException | AssertionError e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new Candidate(config, 0, 0, 0, (e instanceof AssertionError ? "WRONG: " : "failed: ") + msg);
        }
    }

    /** GFLOP/s of one size³ product: the median of {@code reps} timed runs after two warm-ups. */
    private static double rate(Backend be, Tensor a, Tensor b, Tensor c, boolean ta, boolean tb, int size, int reps) {
        long[] ns = new long[reps];
        for (int i = -2; i < reps; i++) {
            long t0 = System.nanoTime();
            be.ops().gemm(ta, tb, 1, a, b, 0, c);
            be.synchronize();
            if (i >= 0) {
                ns[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(ns);
        return 2.0 * size * size * (double) size / ns[reps / 2];
    }
}
