package dev.nabla.cpu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM without {@code --add-modules jdk.incubator.vector} runs the cpu backend's plain path, about 11× slower on
 * matmul: it must say so once, naming the flag, however many cpu backends start; and say nothing when the plain path
 * was asked for, or when the module is there.
 */
class VectorModuleWarningTest {
    private static final String FLAG = "--add-modules jdk.incubator.vector";

    @Test
    void withoutTheModuleOneWarningNamesTheFlag() throws IOException, InterruptedException {
        Run run = run(List.of());
        assertTrue(run.out.contains("path=SCALAR"), run.out);
        List<String> warnings = warnings(run.err);
        assertEquals(1, warnings.size(), "one WARNING for three cpu backends started:\n" + run.err);
        assertTrue(warnings.get(0).contains(FLAG), "the WARNING names the flag: " + warnings.get(0));
    }

    @Test
    void askingForThePlainPathIsQuiet() throws IOException, InterruptedException {
        Run run = run(List.of("-D" + CpuPath.VECTOR_PROPERTY + "=false"));
        assertTrue(run.out.contains("path=SCALAR"), run.out);
        assertEquals("", run.err, "standard error when the plain path was asked for");
    }

    @Test
    void withTheModuleNothingIsSaid() throws IOException, InterruptedException {
        Run run = run(List.of("--add-modules", "jdk.incubator.vector"));
        assertTrue(run.out.contains("path=VECTOR"), run.out);
        List<String> warnings = warnings(run.err);
        warnings.removeIf(w -> w.startsWith("WARNING: Using incubator modules"));   // the JVM's own line
        assertEquals(List.of(), warnings, "standard error on the Vector API path:\n" + run.err);
    }

    private record Run(String out, String err) {
    }

    /** Lines a System.Logger (java.util.logging's SimpleFormatter) or the JVM prints at WARNING. */
    private static List<String> warnings(String err) {
        List<String> found = new ArrayList<>();
        for (String line : err.split("\n")) {
            if (line.startsWith("WARNING")) {
                found.add(line);
            }
        }
        return found;
    }

    private static Run run(List<String> flags) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), VectorModuleWarningMain.class.getName()));
        Path err = Files.createTempFile("nabla-vector-warning", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            pb.environment().remove("NABLA_BACKEND");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM did not finish");
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), "the child JVM failed:\n" + out + stderr);
            assertTrue(out.contains("matmul=[7.0, 10.0, 15.0, 22.0]"), out);
            return new Run(out, stderr);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
