package dev.nabla.aparapi;

import dev.nabla.contract.NoSkipOnCi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A program that has nabla-gpu on its class path but only uses {@code cpu} hears nothing from Aparapi: discovery,
 * {@code Backends.report()} and {@code Backends.best()} probe the aparapi provider, and Aparapi's native platform
 * listing would print "WARNING: Aparapi is running on an untested OpenCL platform version" on standard error (PoCL
 * reports OpenCL 3.0, which Aparapi has not tested).
 */
@ExtendWith(NoSkipOnCi.class)
class QuietUnlessChosenTest {

    @Test
    void aProgramUsingCpuPrintsNothingOnStandardErrorThoughItProbesAparapi() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the plain cpu path, asked for: the JVM's own "Using incubator modules" line would muddy the check
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dnabla.backend=cpu", "-Dnabla.cpu.vector=false"));
        if (Runtime.version().feature() >= 22) {
            // as README tells JDK 22+ users: without it the JVM itself warns when JOCL loads its native library
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add(CpuOnlyMain.class.getName());
        Path err = Files.createTempFile("nabla-cpu-only", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            pb.environment().remove("NABLA_BACKEND");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the cpu-only program did not finish");
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), "the cpu-only program failed:\n" + out + stderr);
            assertTrue(out.contains("matmul=[7.0, 10.0, 15.0, 22.0]"), out);
            assertTrue(out.contains("best=cpu"), out);
            assertTrue(out.contains("aparapi.available="), "the aparapi provider was probed:\n" + out);
            if (!NoSkipOnCi.onCi()) {
                assumeTrue(out.contains("aparapi.available=true"),
                        "no OpenCL device for Aparapi here, so its native listing would stay silent anyway:\n" + out);
            }
            assertTrue(out.contains("aparapi.available=true"), "CI=true: aparapi must be available:\n" + out);
            assertEquals("", stderr, "standard error of a program that only uses cpu");
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void theQuietCensusDescribesTheDeviceAparapiChooses() {
        AparapiDevices.Choice aparapi = AparapiDevices.choose();
        OpenClCensus.Choice census = OpenClCensus.choose();
        if (!NoSkipOnCi.onCi()) {
            assumeTrue(aparapi.device() != null, "no OpenCL device for Aparapi here: " + aparapi.problem());
        }
        assertTrue(census.device() != null, "the census found no device where Aparapi found "
                + AparapiDevices.describe(aparapi.device()) + ": " + census.problem());
        assertEquals(AparapiDevices.describe(aparapi.device()), census.device().describe(),
                "the probe describes the device the backend will use");
        assertEquals(AparapiDevices.list().size(), countCensus(), "as many devices, in the same order");
    }

    private static int countCensus() {
        int n = 0;
        for (int i = 0; ; i++) {
            System.setProperty(AparapiDevices.DEVICE_PROPERTY, String.valueOf(i));
            try {
                if (OpenClCensus.choose().device() == null) {
                    return n;
                }
                assertEquals(AparapiDevices.describe(AparapiDevices.choose().device()),
                        OpenClCensus.choose().device().describe(), "device " + i);
                n++;
            } finally {
                System.clearProperty(AparapiDevices.DEVICE_PROPERTY);
            }
        }
    }
}
