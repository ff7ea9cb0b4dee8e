package dev.nabla.bench.report;

import dev.nabla.bench.measure.BenchResults;

/** {@code bench.md}: where it ran, the table, the charts, and which backends could not run and why. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String render(BenchResults r) {
        StringBuilder sb = new StringBuilder("# nabla bench\n\n");
        sb.append("Run on ").append(r.date()).append(", ").append(r.machine()).append(".  \n");
        sb.append(r.environment()).append(".  \n");
        sb.append(r.quick() ? "Quick run (`--quick`): short warm-up and measurement." : "Normal run.")
                .append(" Each number is the median of single timed runs after a warm-up, each run waiting for its "
                        + "result; JMH (`nabla jmh`) gives the careful figures.\n\n");
        sb.append("Backends measured:\n\n");
        for (BenchResults.BackendInfo b : r.backends()) {
            sb.append("* `").append(b.name()).append("`: ").append(b.description()).append('\n');
        }
        if (!r.unavailable().isEmpty()) {
            sb.append("\nNot measured (unavailable here):\n\n");
            for (String u : r.unavailable()) {
                sb.append("* ").append(u).append('\n');
            }
        }
        sb.append('\n').append(ResultTable.markdown(r)).append('\n');
        sb.append("![GEMM throughput](").append(Charts.GEMM_PNG).append(")\n\n");
        sb.append("![Training step throughput](").append(Charts.STEP_PNG).append(")\n");
        return sb.toString();
    }
}
