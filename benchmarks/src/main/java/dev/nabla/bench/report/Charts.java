package dev.nabla.bench.report;

import dev.nabla.bench.measure.BenchResults;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench charts, as PNG (XChart, headless): GEMM GFLOP/s per size with one bar per backend, and training-step
 * examples per second per backend. Titles carry the machine, since the numbers mean nothing without it.
 */
public final class Charts {
    public static final String GEMM_PNG = "gemm.png";
    public static final String STEP_PNG = "training-step.png";
    static final int WIDTH = 900;
    static final int HEIGHT = 520;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd)};

    private Charts() {
    }

    static List<Path> write(BenchResults r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> out = new ArrayList<>();
        out.add(save(gemm(r), dir.resolve(GEMM_PNG)));
        out.add(save(step(r), dir.resolve(STEP_PNG)));
        return out;
    }

    static CategoryChart gemm(BenchResults r) {
        CategoryChart chart = base("SGEMM C = A·B (n×n, float32) on " + r.machine(), "n", "GFLOP/s (higher is better)");
        List<String> sizes = r.sizes().stream().map(String::valueOf).toList();
        for (BenchResults.BackendInfo b : r.backends()) {
            List<Double> values = new ArrayList<>();
            for (int n : r.sizes()) {
                BenchResults.GemmResult g = r.gemm(b.name(), n);
                values.add(g == null ? 0.0 : g.gflops());
            }
            chart.addSeries(b.name(), sizes, values);
        }
        return chart;
    }

    static CategoryChart step(BenchResults r) {
        BenchResults.StepResult any = r.steps().isEmpty() ? null : r.steps().get(0);
        String what = any == null ? "" : " (" + any.network() + ", batch " + any.batch() + ")";
        CategoryChart chart = base("Training step" + what + " on " + r.machine(), "backend",
                "examples per second (higher is better)");
        for (BenchResults.StepResult s : r.steps()) {
            chart.addSeries(s.backend(), List.of(s.backend()), List.of(s.examplesPerSecond()));
        }
        chart.getStyler().setOverlapped(true);
        return chart;
    }

    private static CategoryChart base(String title, String x, String y) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x)
                .yAxisTitle(y).build();
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setSeriesColors(PALETTE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0.#");
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    private static Path save(CategoryChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
