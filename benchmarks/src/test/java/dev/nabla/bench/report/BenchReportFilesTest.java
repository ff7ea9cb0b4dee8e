package dev.nabla.bench.report;

import dev.nabla.bench.measure.BenchResults;
import dev.nabla.bench.measure.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report of a CPU-versus-GPU run, from made-up measurements of three backends (this machine has no GPU): the
 * numbers derived from the timings, the table, and that each backend's bar is drawn in its own colour.
 */
class BenchReportFilesTest {
    static BenchResults results() {
        List<BenchResults.BackendInfo> backends = List.of(new BenchResults.BackendInfo("cpu", "Vector API, 2 threads"),
                new BenchResults.BackendInfo("opencl", "NVIDIA H100"), new BenchResults.BackendInfo("aparapi", "H100"));
        // n = 1000: 2e9 FLOP; 100 ms → 20 GFLOP/s, 1 ms → 2000, 4 ms → 500
        List<BenchResults.GemmResult> gemm = List.of(
                new BenchResults.GemmResult("cpu", 1000, new Timing.Sample(0.100, 0.090, 12)),
                new BenchResults.GemmResult("opencl", 1000, new Timing.Sample(0.001, 0.0009, 900)),
                new BenchResults.GemmResult("aparapi", 1000, new Timing.Sample(0.004, 0.0035, 300)));
        // batch 128: 10 ms → 12,800 ex/s, 0.5 ms → 256,000, 1 ms → 128,000
        List<BenchResults.StepResult> steps = List.of(
                new BenchResults.StepResult("cpu", "784-256-10 ReLU/softmax", 128, new Timing.Sample(0.010, 0.009, 50)),
                new BenchResults.StepResult("opencl", "784-256-10 ReLU/softmax", 128,
                        new Timing.Sample(0.0005, 0.0004, 900)),
                new BenchResults.StepResult("aparapi", "784-256-10 ReLU/softmax", 128,
                        new Timing.Sample(0.001, 0.0009, 500)));
        return new BenchResults("Test CPU, 2 cores", "Java 17", "2025-11-22T12:00:00Z", false, backends,
                List.of("metal: not on Linux"), gemm, steps);
    }

    @Test
    void ratesAndSpeedUpsComeFromTheMedians() {
        BenchResults r = results();
        assertEquals(20.0, r.gemm("cpu", 1000).gflops(), 1e-9);
        assertEquals(2000.0, r.gemm("opencl", 1000).gflops(), 1e-9);
        assertEquals(256_000.0, r.step("opencl").examplesPerSecond(), 1e-6);
        String table = ResultTable.text(r);
        assertTrue(table.matches("(?s).*\ngemm 1000×1000·1000×1000 +opencl +1\\.000 ms +0\\.900 ms +900 +2000\\.0 "
                + "GFLOP/s +100\\.00×\n.*"), table);
        assertTrue(table.matches("(?s).*\ntrain step 784-256-10 ReLU/softmax, batch 128 +aparapi +1\\.000 ms +0\\.900 ms "
                + "+500 +128,000 ex/s +10\\.00×\n.*"), table);
    }

    @Test
    void writesJsonMarkdownAndOneColouredBarPerBackend(@TempDir Path dir) throws IOException {
        List<Path> files = BenchReportFiles.write(results(), dir);
        assertEquals(List.of("bench.json", "gemm.png", "training-step.png", "bench.md"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        String json = Files.readString(dir.resolve("bench.json"));
        assertTrue(json.contains("\"gflops\": 2000\n"), json);
        assertTrue(json.contains("\"unavailable\": [\n    \"metal: not on Linux\"\n  ],"), json);
        String md = Files.readString(dir.resolve("bench.md"));
        assertTrue(md.contains("* metal: not on Linux"), md);
        assertTrue(md.contains("| train step 784-256-10 ReLU/softmax, batch 128 | opencl | 0.500 ms | 0.400 ms | 900 "
                + "| 256,000 ex/s | 20.00× |"), md);
        for (String png : List.of("gemm.png", "training-step.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            for (int rgb : new int[]{0x1f77b4, 0xff7f0e, 0x2ca02c}) {   // cpu, opencl, aparapi
                assertTrue(pixelsOf(image, rgb) > 200, png + " has a bar of colour " + Integer.toHexString(rgb));
            }
        }
    }

    @Test
    void aGpuHundredTimesFasterGetsALogAxisSoThatTheCpuBarStaysVisible() {
        assertTrue(Charts.gemm(results()).getStyler().isYAxisLogarithmic(), "2000 vs 20 GFLOP/s");
        assertFalse(Charts.step(results()).getStyler().isYAxisLogarithmic(), "256,000 vs 12,800 ex/s: 20×, linear");
        assertEquals(0.0, Charts.step(results()).getStyler().getYAxisMin());
    }

    @Test
    void theAxisTopIsRound() {
        assertEquals(25.0, Charts.niceMax(20.1));
        assertEquals(2000.0, Charts.niceMax(1500));
        assertEquals(1e6, Charts.niceMax(900_000));
        assertEquals(2e6, Charts.niceMax(910_000));
        assertEquals(1.0, Charts.niceMax(Double.NaN));
    }

    static int pixelsOf(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
