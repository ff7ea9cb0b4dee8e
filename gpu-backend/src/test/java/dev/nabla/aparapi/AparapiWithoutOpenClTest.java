package dev.nabla.aparapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JVMs with no OpenCL driver ({@code OCL_ICD_VENDORS} pointing at an empty directory): the condition under which
 * Aparapi silently runs every kernel on its Java thread pool. The backend must report itself unavailable with the
 * reason and refuse to start; opted in, it runs on the thread pool and says so, under the name {@code aparapi-jtp}.
 */
class AparapiWithoutOpenClTest {

    @Test
    void withoutAnOpenClDriverTheBackendIsUnavailableWhereAparapiFallsBackSilently(@TempDir Path emptyVendors)
            throws IOException, InterruptedException {
        Map<String, String> out = runWithoutOpenCl(emptyVendors, false);
        assertEquals("false", out.get("probe.available"), "probe: " + out);
        assertTrue(out.get("probe.detail").startsWith("no OpenCL platform found"), out.get("probe.detail"));
        assertTrue(out.get("probe.detail").contains("silently run its kernels on a Java thread pool"),
                out.get("probe.detail"));
        assertTrue(out.get("create").startsWith("BackendUnavailableException: backend aparapi is unavailable"),
                out.get("create"));
        assertEquals("true isRunningCL=false", out.get("aparapi.silentJavaRun"),
                "plain Aparapi ran the untranslatable kernel as Java without an error: " + out);
    }

    @Test
    void optedInItRunsOnTheThreadPoolAndSaysSo(@TempDir Path emptyVendors) throws IOException, InterruptedException {
        Map<String, String> out = runWithoutOpenCl(emptyVendors, true);
        assertEquals("true", out.get("probe.available"), "probe: " + out);
        assertTrue(out.get("probe.detail").startsWith("Java thread pool, NOT OpenCL, as aparapi-jtp"),
                out.get("probe.detail"));
        assertTrue(out.get("report").contains("Java thread pool, NOT OpenCL"), out.get("report"));
        assertEquals("started", out.get("create"));
        assertEquals("aparapi-jtp", out.get("compute.name"));
        assertTrue(out.get("description").contains("Java thread pool, NOT OpenCL"), out.get("description"));
        assertEquals("[4.0, 5.0, 10.0, 11.0]", out.get("matmul"), "the thread-pool kernels compute: " + out);
        assertEquals("[5.0, 7.0, 9.0]", out.get("sumColumns"), "column sums on the thread pool");
        float[] soft = parse(out.get("softmax"));
        double e1 = Math.exp(-2), e2 = Math.exp(-1), s = e1 + e2 + 1;
        double[] expected = {e1 / s, e2 / s, 1 / s, e1 / s, e2 / s, 1 / s};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], soft[i], 1e-6, "softmax on the thread pool, element " + i);
        }
    }

    private static float[] parse(String list) {
        String[] parts = list.substring(1, list.length() - 1).split(", ");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Float.parseFloat(parts[i]);
        }
        return v;
    }

    /** Runs {@link WithoutOpenClMain} with this test's class path and no ICD; returns its key=value lines. */
    private static Map<String, String> runWithoutOpenCl(Path emptyVendors, boolean allowThreadPool)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        if (allowThreadPool) {
            cmd.add("-D" + AparapiBackend.ALLOW_THREAD_POOL_PROPERTY + "=true");
        }
        cmd.add(WithoutOpenClMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OCL_ICD_VENDORS", emptyVendors.toString());
        pb.environment().remove("NABLA_BACKEND");
        pb.environment().remove(AparapiDevices.DEVICE_ENV);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the JVM without OpenCL did not finish");
        assertEquals(0, p.exitValue(), "the JVM without OpenCL failed:\n" + text);
        Map<String, String> out = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.matches("^[a-zA-Z.]+=.*")) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertTrue(out.containsKey("aparapi.silentJavaRun"), "every finding printed:\n" + text);
        return out;
    }
}
