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
    static final double LOG_RATIO = 20;
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
        chart.getStyler().setDecimalPattern("#,##0.#");
        scale(chart, r.gemm().stream().mapToDouble(BenchResults.GemmResult::gflops).toArray());
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

    /** Like {@link #gemm}: one group (the batch size), one bar per backend in that backend's colour. */
    static CategoryChart step(BenchResults r) {
        BenchResults.StepResult any = r.steps().isEmpty() ? null : r.steps().get(0);
        String network = any == null ? "" : " " + any.network();
        CategoryChart chart = base("Training step of the" + network + " network on " + r.machine(), "batch",
                "examples per second (higher is better)");
        chart.getStyler().setDecimalPattern("#,##0");
        scale(chart, r.steps().stream().mapToDouble(BenchResults.StepResult::examplesPerSecond).toArray());
        for (BenchResults.StepResult s : r.steps()) {
            chart.addSeries(s.backend(), List.of(String.valueOf(s.batch())), List.of(s.examplesPerSecond()));
        }
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
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);   // dark text: readable on short bars too
        chart.getStyler().setLabelsFontColor(new Color(0x202020));
        chart.getStyler().setLabelsPosition(0.9);
        return chart;
    }

    /**
     * A linear axis from 0 to a round top; a logarithmic one when the largest value is more than
     * {@value #LOG_RATIO}× the smallest (a GPU against a CPU), so that the short bars stay visible.
     */
    static void scale(CategoryChart chart, double[] values) {
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v) && v > 0) {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }
        if (max > LOG_RATIO * min) {
            chart.getStyler().setYAxisLogarithmic(true);   // bars start at the decade below the smallest value
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max * 1.5))));
            chart.setYAxisTitle(chart.getYAxisTitle() + ", log scale");
        } else {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(niceMax(max));
        }
    }

    /** The axis top: the first of 1, 2, 2.5, 5 × 10^k above 1.1 × max, so that the axis gets round ticks. */
    static double niceMax(double max) {
        double target = Double.isFinite(max) && max > 0 ? max * 1.1 : 1;
        double decade = Math.pow(10, Math.floor(Math.log10(target)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) {
            if (m * decade >= target) {
                return m * decade;
            }
        }
        return 10 * decade;
    }

    private static Path save(CategoryChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
