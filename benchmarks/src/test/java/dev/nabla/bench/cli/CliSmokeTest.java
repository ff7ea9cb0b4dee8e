package dev.nabla.bench.cli;

import dev.nabla.Backends;
import dev.nabla.bench.data.FashionMnist;
import dev.nabla.bench.fakes.NoGpuProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each subcommand, in this JVM, with small bounds: what CI runs of the command line. */
class CliSmokeTest {

    @Test
    void devicesListsEveryBackendAndOpenCl() {
        Cli.Result r = Cli.run("devices");
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        assertEquals("", r.err());
        for (String name : Backends.names()) {
            assertTrue(Pattern.compile("(?m)^  " + name + " +(available|unavailable) +priority").matcher(r.out()).find(),
                    () -> name + " is listed:\n" + r.out());
        }
        assertTrue(Pattern.compile("(?m)^  cpu +available +priority  10  (Vector API|plain Java)").matcher(r.out()).find(),
                r::toString);
        assertTrue(Pattern.compile("(?m)^  nogpu +unavailable +priority +50  " + Pattern.quote(NoGpuProvider.REASON) + "$")
                .matcher(r.out()).find(), "an unavailable backend is listed with its reason:\n" + r.out());
        // the real GPU backends join where an OpenCL driver is installed (PoCL on CI): best is whatever ranks first
        assertTrue(r.out().contains("\nbest: " + dev.nabla.Backends.best().name()
                + " (highest priority of the available ones)"), r::toString);
        assertTrue(r.out().contains("OpenCL platforms and devices") || r.out().contains("OpenCL: none ("), r::toString);
    }

    @Test
    void trainEndsWithTheTestAccuracy() {
        Cli.Result r = Cli.run("train", "--epochs", "1", "--limit", "2000", "--backend", "cpu");
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        assertTrue(r.out().contains("backend: cpu ("), r::toString);
        assertTrue(Pattern.compile("(?m)^epoch 1/1 \\[#{30}] +\\d+/\\d+  loss \\d+\\.\\d{4}  test acc +\\d+\\.\\d\\d%"
                + " +[\\d,]+ ex/s +\\d+\\.\\d\\d s$").matcher(r.out()).find(), r::toString);
        Matcher m = Pattern.compile("(?m)^test accuracy (\\d+\\.\\d\\d)% \\((\\d+)/(\\d+)\\) after 1 epoch; training "
                + "[\\d.]+ s \\([\\d.]+ s per epoch, [\\d,]+ examples/s\\) on cpu").matcher(r.out());
        assertTrue(m.find(), r::toString);
        int tested = Integer.parseInt(m.group(3));
        assertEquals(Math.min(2000, FashionMnist.load((Path) null).test().count()), tested);
        // one epoch on at most 2,000 images: far from 85%, far above the 10% of guessing
        assertTrue(Double.parseDouble(m.group(1)) > 40, r::toString);
    }

    @Test
    void trainOnAGivenDirectoryWithAdam(@TempDir Path dir) throws IOException {
        for (String f : FashionMnist.FILES) {
            Files.write(dir.resolve(f + ".gz"), FashionMnist.class.getResourceAsStream(
                    "/dev/nabla/bench/data/fashion-mnist-subset/" + f + ".gz").readAllBytes());
        }
        Cli.Result r = Cli.run("train", "--data", dir.toString(), "-e", "2", "--optimizer", "adam", "--hidden", "32");
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        assertTrue(r.out().contains("data: Fashion-MNIST from " + dir + ": 500 training, 200 test images of 784 pixels"),
                r::toString);
        assertTrue(r.out().contains("784 → 32 RELU → 10 SOFTMAX, cross-entropy, float32; Adam lr 0.001, batch 64, "
                + "2 epochs, seed 7"), r::toString);
        assertTrue(r.out().contains("\nepoch 2/2 ["), r::toString);
        assertTrue(r.out().contains("\ntest accuracy "), r::toString);
    }

    @Test
    void benchWritesTheTableJsonMarkdownAndCharts(@TempDir Path out) throws IOException {
        Cli.Result r = Cli.run("bench", "--quick", "--sizes", "32,64", "--batch", "16", "--out", out.toString());
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        assertTrue(Pattern.compile("(?m)^gemm 64×64·64×64 +cpu +[\\d.]+ ms +[\\d.]+ ms +\\d+ +[\\d.]+ GFLOP/s +1\\.00×$")
                .matcher(r.out()).find(), r::toString);
        assertTrue(Pattern.compile("(?m)^train step 784-256-10 ReLU/softmax, batch 16 +cpu .* ex/s +1\\.00×$")
                .matcher(r.out()).find(), r::toString);
        // every available backend is measured, relative to cpu; the unavailable one is reported, not dropped
        assertTrue(Pattern.compile("(?m)^gemm 64×64·64×64 +twin +.* GFLOP/s +\\d+\\.\\d\\d×$").matcher(r.out()).find(),
                r::toString);
        assertTrue(r.out().contains("not measured, unavailable: nogpu: " + NoGpuProvider.REASON + "\n"), r::toString);
        String json = Files.readString(out.resolve("bench.json"));
        assertTrue(json.contains("\"backend\": \"cpu\",\n      \"n\": 64,"), json);
        assertTrue(json.contains("\"trainingStep\": ["), json);
        assertTrue(json.contains("\"unavailable\": [\n    \"nogpu: " + NoGpuProvider.REASON + "\"\n  ]"), json);
        assertTrue(json.contains("\"name\": \"twin\","), json);
        String md = Files.readString(out.resolve("bench.md"));
        assertTrue(md.contains("| gemm 32×32·32×32 | cpu |"), md);
        assertTrue(md.contains("![GEMM throughput](gemm.png)"), md);
        for (String png : List.of("gemm.png", "training-step.png")) {
            BufferedImage image = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(image, png + " is a PNG");
            assertEquals(900, image.getWidth());
            assertEquals(520, image.getHeight());
            for (int rgb : new int[]{0x1f77b4, 0xff7f0e}) {   // cpu's and twin's bars
                assertTrue(pixelsOf(image, rgb) > 0,
                        png + " has a bar of " + Integer.toHexString(rgb));
            }
        }
    }

    @Test
    void parityComparesCpuWithTheReference() {
        Cli.Result r = Cli.run("parity", "--networks", "2");
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        // the reference, then the available backends from the lowest priority up (twin is the lowest; the GPU
        // backends come before or after cpu depending on whether their OpenCL device is a CPU or a GPU)
        assertTrue(r.out().startsWith("not compared, unavailable: nogpu: " + NoGpuProvider.REASON
                + "\ncomparing reference, twin, "), r::toString);
        assertTrue(Pattern.compile("(?m)^comparing reference, twin, (\\w+, )*cpu(, \\w+)* on 2 random networks")
                .matcher(r.out()).find(), r::toString);
        // baselines first: twin (the reference under another name) agrees with the reference exactly
        assertTrue(Pattern.compile("(?m)^twin +reference +0\\.0000 +\\S+  ok$").matcher(r.out()).find(), r::toString);
        assertTrue(Pattern.compile("(?m)^cpu +reference +0\\.\\d{4} +\\S+  ok$").matcher(r.out()).find(), r::toString);
        assertTrue(Pattern.compile("(?m)^cpu +twin +0\\.\\d{4} +\\S+  ok$").matcher(r.out()).find(), r::toString);
        assertTrue(r.out().contains("every pair within the tolerance"), r::toString);
    }

    @Test
    void jmhRunsABenchmarkInThisJvm(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("jmh.json");
        Cli.Result r = Cli.run("jmh", "GemmBenchmark.gemm", "-p", "n=32", "-p", "transpose=TN", "-f", "0", "-wi", "0",
                "-i", "1", "-r", "100ms", "-rf", "json", "-rff", json.toString());
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        java.util.List<String> available = new java.util.ArrayList<>(dev.nabla.Backends.names());
        available.remove("nogpu");
        assertTrue(r.out().contains("not benchmarked, unavailable: nogpu: " + NoGpuProvider.REASON + "\nbackends: "
                + String.join(", ", available)), r::toString);
        String results = Files.readString(json);
        assertTrue(results.contains("\"benchmark\" : \"dev.nabla.bench.jmh.GemmBenchmark.gemm\""), results);
        assertTrue(results.contains("\"backend\" : \"cpu\""), results);
        assertTrue(results.contains("\"backend\" : \"twin\""), results);
        assertTrue(results.contains("gc.alloc.rate.norm"), "the GC profiler ran:\n" + results);
    }

    @Test
    void helpAndVersion() {
        Cli.Result r = Cli.run("--help");
        assertEquals(ExitCodes.OK, r.exit());
        for (String c : List.of("devices", "train", "bench", "parity", "jmh")) {
            assertTrue(r.out().contains("\n  " + c + " "), r::toString);
        }
        for (String[] args : new String[][]{{"--version"}, {"train", "-V"}, {"devices", "--version"}}) {
            Cli.Result v = Cli.run(args);
            assertEquals(ExitCodes.OK, v.exit());
            assertTrue(v.out().startsWith("nabla ") && v.out().contains(" on Java "), v::toString);
        }
    }

    private static int pixelsOf(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }
}
