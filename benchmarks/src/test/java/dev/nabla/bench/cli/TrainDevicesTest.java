package dev.nabla.bench.cli;

import dev.nabla.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nabla train --devices}: data-parallel training over several backends from the command line, its errors,
 * and a brief in-JVM run of the DataParallel JMH benchmark (the pattern of {@link CliSmokeTest}; no measurement).
 */
class TrainDevicesTest {
    private static final Pattern ACCURACY = Pattern.compile("(?m)^test accuracy (\\d+\\.\\d\\d)% \\((\\d+)/(\\d+)\\) "
            + "after 1 epoch; training [\\d.]+ s \\([\\d.]+ s per epoch, [\\d,]+ examples/s\\) on (\\S+);");

    private static Matcher accuracy(Cli.Result r) {
        Matcher m = ACCURACY.matcher(r.out());
        assertTrue(m.find(), r::toString);
        return m;
    }

    @Test
    void twoCpuReplicasTrainAndSayWhatTheyRanOn() {
        Cli.Result r = Cli.run("train", "--devices", "cpu,cpu", "--epochs", "1", "--limit", "2000", "--batch", "63");
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        assertTrue(r.out().contains("devices: 2 replicas, each batch split over them (data-parallel):\n  0: cpu ("),
                r::toString);
        assertTrue(r.out().contains("\n  1: cpu ("), r::toString);
        Matcher m = accuracy(r);
        assertEquals("cpu+cpu", m.group(4), r::toString);
        // one epoch on at most 2,000 images (the last batch smaller): far above the 10% of guessing
        assertTrue(Double.parseDouble(m.group(1)) > 40, r::toString);
    }

    @Test
    void oneReplicaTrainsExactlyAsTheBackendAlone() {
        // one replica is Network.trainStep bit for bit, on a cpu backend with every core like the shared one
        Cli.Result alone = Cli.run("train", "--backend", "cpu", "--epochs", "1", "--limit", "600");
        Cli.Result dp = Cli.run("train", "--devices", "cpu", "--epochs", "1", "--limit", "600");
        assertEquals(ExitCodes.OK, alone.exit(), alone::toString);
        assertEquals(ExitCodes.OK, dp.exit(), dp::toString);
        Matcher a = accuracy(alone);
        Matcher d = accuracy(dp);
        assertEquals(a.group(2) + "/" + a.group(3), d.group(2) + "/" + d.group(3), () -> alone + "\n" + dp);
    }

    @Test
    void indicesMeanTheLinesOfNablaDevices() {
        String first = Backends.report().entries().get(0).name();
        Cli.Result r = Cli.run("train", "--devices", "99", "--epochs", "1", "--limit", "100");
        assertEquals(ExitCodes.USAGE, r.exit(), r::toString);
        assertTrue(r.err().startsWith("nabla train: --devices: index 99 does not exist; 'nabla devices' lists 0 "
                + first), r::toString);
        Cli.Result ok = Cli.run("devices");
        assertTrue(Pattern.compile("Backends \\(available first, highest priority first\\):\n  " + Pattern.quote(first)
                + " ").matcher(ok.out()).find(), ok::toString);
    }

    @Test
    void badDeviceListsAreOneLineErrors() {
        assertError(Cli.run("train", "--devices", "cpu", "--backend", "cpu"), ExitCodes.USAGE,
                "nabla train: --backend and --devices exclude each other");
        assertError(Cli.run("train", "--devices", "cpu,cpu", "--model", "residual"), ExitCodes.USAGE,
                "nabla train: --devices trains the dense model only, not --model residual");
        assertError(Cli.run("train", "--devices", "cpu,,cpu"), ExitCodes.USAGE,
                "nabla train: --devices: an empty item in the list");
        assertError(Cli.run("train", "--devices", "cpu,nogpu"), ExitCodes.FAILURE,
                "nabla train: backend nogpu is unavailable: ");
        assertError(Cli.run("train", "--devices", "tpu"), ExitCodes.FAILURE,
                "nabla train: unknown backend 'tpu' (--devices); found ");
    }

    private static void assertError(Cli.Result r, int exit, String start) {
        assertEquals(exit, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line on stderr:\n" + r);
        assertTrue(r.errLines().get(0).startsWith(start), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void theDataParallelBenchmarkRunsBriefly(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("jmh.json");
        Cli.Result r = Cli.run("jmh", "DataParallelBenchmark.step", "-p", "replicas=2", "-p", "batch=8", "-p",
                "hidden=16", "-f", "0", "-wi", "0", "-i", "1", "-r", "100ms", "-rf", "json", "-rff", json.toString());
        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        String results = Files.readString(json);
        assertTrue(results.contains("\"benchmark\" : \"dev.nabla.bench.jmh.DataParallelBenchmark.step\""), results);
        assertTrue(results.contains("\"replicas\" : \"2\""), results);
    }
}
