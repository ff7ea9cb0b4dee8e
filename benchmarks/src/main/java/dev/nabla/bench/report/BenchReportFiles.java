package dev.nabla.bench.report;

import dev.nabla.bench.measure.BenchResults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a {@link BenchResults} as {@code bench.json}, {@code bench.md} and the PNG charts into one folder. */
public final class BenchReportFiles {
    public static final String JSON = "bench.json";
    public static final String MARKDOWN = "bench.md";

    private BenchReportFiles() {
    }

    /** Writes every file; returns their paths. */
    public static List<Path> write(BenchResults results, Path dir) {
        try {
            Files.createDirectories(dir);
            List<Path> written = new ArrayList<>();
            written.add(Files.writeString(dir.resolve(JSON), Json.write(toMap(results)), StandardCharsets.UTF_8));
            written.addAll(Charts.write(results, dir));
            written.add(Files.writeString(dir.resolve(MARKDOWN), MarkdownReport.render(results), StandardCharsets.UTF_8));
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the report: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> toMap(BenchResults r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "nabla bench");
        m.put("date", r.date());
        m.put("machine", r.machine());
        m.put("environment", r.environment());
        m.put("quick", r.quick());
        List<Object> backends = new ArrayList<>();
        for (BenchResults.BackendInfo b : r.backends()) {
            backends.add(map("name", b.name(), "description", b.description()));
        }
        m.put("backends", backends);
        m.put("unavailable", r.unavailable());
        List<Object> gemm = new ArrayList<>();
        for (BenchResults.GemmResult g : r.gemm()) {
            gemm.add(map("backend", g.backend(), "n", g.n(), "dtype", "float32", "medianMs",
                    g.sample().medianSeconds() * 1e3, "minMs", g.sample().minSeconds() * 1e3, "runs",
                    g.sample().runs(), "gflops", g.gflops()));
        }
        m.put("gemm", gemm);
        List<Object> steps = new ArrayList<>();
        for (BenchResults.StepResult s : r.steps()) {
            steps.add(map("backend", s.backend(), "network", s.network(), "batch", s.batch(), "medianMs",
                    s.sample().medianSeconds() * 1e3, "minMs", s.sample().minSeconds() * 1e3, "runs",
                    s.sample().runs(), "examplesPerSecond", s.examplesPerSecond()));
        }
        m.put("trainingStep", steps);
        return m;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
