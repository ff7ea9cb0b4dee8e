package dev.nabla.bench.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar as users run it, in forked JVMs: through the launcher script {@code ./nabla} (which must not build
 * here: NABLA_NO_BUILD) and with {@code java -jar}. Proves the services of every backend module were merged, the JMH
 * benchmark list and forks work from the jar, and errors stay one line without a stack trace.
 */
class ShadedJarIT {
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";
    private static Path jar;
    private static Path root;

    record Run(int exit, String out, List<String> errLines) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + String.join("\n", errLines);
        }
    }

    @BeforeAll
    static void findJar() {
        jar = Path.of(System.getProperty("nabla.jar", "target/nabla.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " was built by `package`");
        root = jar.getParent().getParent().getParent();   // <root>/benchmarks/target/nabla.jar
        assertTrue(Files.isExecutable(root.resolve("nabla")), "the launcher is at the root: " + root);
    }

    private static Run java(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(System.getProperty("nabla.jvm.flags",
                "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED").trim().split("\\s+")));
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(Arrays.asList(args));
        return exec(dir, cmd, false);
    }

    private static Run launcher(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("nabla").toString()));
        cmd.addAll(Arrays.asList(args));
        return exec(dir, cmd, true);
    }

    private static Run exec(Path dir, List<String> cmd, boolean viaLauncher) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("NABLA_BACKEND");
        pb.environment().put("NABLA_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in 300 s");
        }
        List<String> errLines = new ArrayList<>(Files.readAllLines(err));
        if (!viaLauncher) {
            errLines.remove(INCUBATOR_WARNING);   // the JVM's own line on JDK 17-25; the launcher filters it
            // Aparapi's native library prints this once per process where OpenCL exists; the launcher filters it
            errLines.removeIf(l -> l.startsWith("WARNING: Aparapi is running on an untested OpenCL platform version: "));
        }
        return new Run(p.exitValue(), Files.readString(out), errLines);
    }

    @Test
    void theLauncherRunsTheJarAndKeepsAnErrorToOneLine(@TempDir Path dir) throws Exception {
        Run ok = launcher(dir, "devices");
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.out().contains("  cpu "), ok::toString);
        assertEquals(List.of(), ok.errLines(), "nothing on stderr, not even the incubator warning");

        Run bad = launcher(dir, "train", "--backend", "nope");
        assertEquals(1, bad.exit(), bad::toString);
        assertEquals(1, bad.errLines().size(), bad::toString);
        assertTrue(bad.errLines().get(0).startsWith("nabla train: unknown backend 'nope'; found "), bad::toString);
    }

    @Test
    void devicesFromTheJarSeesEveryBackendModule(@TempDir Path dir) throws Exception {
        Run r = java(dir, "devices");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Backends (available first, highest priority first):\n"), r::toString);
        for (String module : new String[]{"opencl", "aparapi", "cpu"}) {   // every backend module is in the jar
            assertTrue(java.util.regex.Pattern.compile("(?m)^  " + module + " +(available|unavailable) ")
                    .matcher(r.out()).find(), module + " missing from:\n" + r);
        }
        assertTrue(r.out().contains("jdk.incubator.vector present"), r::toString);
        assertEquals(List.of(), r.errLines(), r::toString);
    }

    @Test
    void trainEndsWithTheTestAccuracy(@TempDir Path dir) throws Exception {
        Run r = java(dir, "train", "--epochs", "1", "--limit", "1000");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("\nepoch 1/1 ["), r::toString);
        assertTrue(r.out().contains("\ntest accuracy "), r::toString);
    }

    @Test
    void aBadArgumentIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Run r = java(dir, "bench", "--sizes", "big");
        assertEquals(2, r.exit(), r::toString);
        assertEquals(List.of("nabla bench: Invalid value for option '--sizes' (N): 'big' is not an int "
                + "(see 'nabla bench --help')"), r.errLines());
    }

    @Test
    void benchWritesItsFilesUnderTargetByDefault(@TempDir Path dir) throws Exception {
        Run r = java(dir, "bench", "--quick", "--sizes", "64", "--batch", "16");
        assertEquals(0, r.exit(), r::toString);
        Path out = dir.resolve("target/nabla-bench");
        for (String f : List.of("bench.json", "bench.md", "gemm.png", "training-step.png")) {
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        }
        assertNotNull(ImageIO.read(out.resolve("gemm.png").toFile()));
    }

    @Test
    void parityRuns(@TempDir Path dir) throws Exception {
        Run r = java(dir, "parity", "--networks", "1");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("every pair within the tolerance"), r::toString);
    }

    @Test
    void jmhForksABenchmarkJvmWithTheVectorModule(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("jmh.json");
        Run r = java(dir, "jmh", "TrainingStepBenchmark.step$", "-p", "batch=64", "-f", "1", "-wi", "1", "-w",
                "300ms", "-i", "1", "-r", "300ms", "-rf", "json", "-rff", json.toString());
        assertEquals(0, r.exit(), r::toString);
        String results = Files.readString(json);
        assertTrue(results.contains("\"benchmark\" : \"dev.nabla.bench.jmh.TrainingStepBenchmark.step\""), results);
        assertTrue(results.contains("\"jdk.incubator.vector\""), "the fork got the JVM flags:\n" + results);
        assertTrue(results.contains("\"backend\" : \"cpu\""), results);
        assertTrue(results.contains("gc.alloc.rate.norm"), results);
    }
}
