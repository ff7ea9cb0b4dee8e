package dev.nabla.bench.report;

import dev.nabla.bench.measure.BenchResults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench results as a table: one row per measurement with the median time, the rate (GFLOP/s or examples/s) and
 * the rate relative to the cpu backend. The same rows serve the terminal (aligned text) and Markdown.
 */
public final class ResultTable {
    static final String[] HEADER = {"benchmark", "backend", "median", "fastest", "runs", "rate", "vs cpu"};

    private ResultTable() {
    }

    static List<String[]> rows(BenchResults r) {
        List<String[]> rows = new ArrayList<>();
        for (int n : r.sizes()) {
            BenchResults.GemmResult cpu = r.gemm("cpu", n);
            for (BenchResults.BackendInfo b : r.backends()) {
                BenchResults.GemmResult g = r.gemm(b.name(), n);
                if (g != null) {
                    rows.add(new String[]{"gemm " + n + "×" + n + "·" + n + "×" + n, g.backend(),
                            ms(g.sample().medianSeconds()), ms(g.sample().minSeconds()),
                            Integer.toString(g.sample().runs()), String.format(Locale.ROOT, "%.1f GFLOP/s", g.gflops()),
                            cpu == null ? "" : String.format(Locale.ROOT, "%.2f×", g.gflops() / cpu.gflops())});
                }
            }
        }
        BenchResults.StepResult cpuStep = r.step("cpu");
        for (BenchResults.BackendInfo b : r.backends()) {
            BenchResults.StepResult s = r.step(b.name());
            if (s != null) {
                rows.add(new String[]{"train step " + s.network() + ", batch " + s.batch(), s.backend(),
                        ms(s.sample().medianSeconds()), ms(s.sample().minSeconds()),
                        Integer.toString(s.sample().runs()),
                        String.format(Locale.ROOT, "%,.0f ex/s", s.examplesPerSecond()),
                        cpuStep == null ? "" : String.format(Locale.ROOT, "%.2f×",
                                s.examplesPerSecond() / cpuStep.examplesPerSecond())});
            }
        }
        return rows;
    }

    static String ms(double seconds) {
        return String.format(Locale.ROOT, "%.3f ms", seconds * 1e3);
    }

    /** Aligned text for the terminal. */
    public static String text(BenchResults r) {
        List<String[]> rows = rows(r);
        int[] w = new int[HEADER.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = HEADER[c].length();
            for (String[] row : rows) {
                w[c] = Math.max(w[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, HEADER, w);
        String[] rule = new String[w.length];
        for (int c = 0; c < w.length; c++) {
            rule[c] = "-".repeat(w[c]);
        }
        line(sb, rule, w);
        for (String[] row : rows) {
            line(sb, row, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        for (int c = 0; c < cells.length; c++) {
            boolean right = c >= 2;
            String pad = " ".repeat(w[c] - cells[c].length());
            sb.append(c == 0 ? "" : "  ").append(right ? pad + cells[c] : cells[c] + (c == cells.length - 1 ? "" : pad));
        }
        sb.append('\n');
    }

    /** A Markdown table. */
    public static String markdown(BenchResults r) {
        StringBuilder sb = new StringBuilder("| " + String.join(" | ", HEADER) + " |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (String[] row : rows(r)) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }
}
