package dev.nabla.bench.cli;

import dev.nabla.bench.data.FashionMnist;
import dev.nabla.bench.data.IdxFiles;
import dev.nabla.bench.fakes.NoGpuProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every user error is one line on stderr, naming the command, with a non-zero exit code and no stack trace. */
class CliErrorsTest {

    private static void oneLine(Cli.Result r, int exit, String expectedLine) {
        assertEquals(exit, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line on stderr:\n" + r);
        assertEquals(expectedLine, r.errLines().get(0), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void anUnknownOptionSuggestsTheRightOne() {
        oneLine(Cli.run("train", "--epocs", "2"), ExitCodes.USAGE,
                "nabla train: Unknown options: '--epocs', '2'; did you mean --epochs? (see 'nabla train --help')");
    }

    @Test
    void anUnknownCommand() {
        Cli.Result r = Cli.run("trian");
        assertEquals(ExitCodes.USAGE, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("nabla: Unmatched argument at index 0: 'trian'; did you mean train"), r::toString);
    }

    @Test
    void badValues() {
        oneLine(Cli.run("train", "--epochs", "x"), ExitCodes.USAGE,
                "nabla train: Invalid value for option '--epochs': 'x' is not an int (see 'nabla train --help')");
        oneLine(Cli.run("train", "--epochs", "0"), ExitCodes.USAGE, "nabla train: --epochs must be at least 1, got 0");
        oneLine(Cli.run("train", "--lr", "-1"), ExitCodes.USAGE,
                "nabla train: --lr must be a finite number > 0, got -1.0");
        oneLine(Cli.run("train", "--optimizer", "lbfgs"), ExitCodes.USAGE,
                "nabla train: Invalid value for option '--optimizer': expected one of [SGD, ADAM] (case-insensitive) "
                        + "but was 'lbfgs' (see 'nabla train --help')");
        oneLine(Cli.run("bench", "--sizes", "64,-3"), ExitCodes.USAGE, "nabla bench: --sizes must be at least 1, got -3");
        oneLine(Cli.run("parity", "--networks", "0"), ExitCodes.USAGE,
                "nabla parity: --networks must be at least 1, got 0");
    }

    @Test
    void anUnknownBackendListsTheKnownOnes() {
        Cli.Result r = Cli.run("train", "--backend", "tpu");
        assertEquals(ExitCodes.FAILURE, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        // the test class path adds two providers (dev.nabla.bench.fakes): nogpu (unavailable) and twin
        assertTrue(r.err().startsWith("nabla train: unknown backend 'tpu'; found "
                + String.join(", ", dev.nabla.Backends.names())), r::toString);
        assertTrue(r.err().strip().endsWith("(see 'nabla devices')"), r::toString);
        Cli.Result b = Cli.run("bench", "-b", "tpu", "--quick");
        assertEquals(ExitCodes.FAILURE, b.exit(), b::toString);
        assertTrue(b.err().startsWith("nabla bench: unknown backend 'tpu'"), b::toString);
        assertEquals("", b.out(), "nothing measured");
    }

    @Test
    void anUnavailableBackendSaysWhy() {
        oneLine(Cli.run("train", "--backend", "nogpu"), ExitCodes.FAILURE, "nabla train: backend nogpu is unavailable: "
                + NoGpuProvider.REASON + " (see 'nabla devices')");
        oneLine(Cli.run("bench", "-b", "cpu,NoGPU", "--quick"), ExitCodes.FAILURE, "nabla bench: backend nogpu is "
                + "unavailable: " + NoGpuProvider.REASON + " (see 'nabla devices')");
        oneLine(Cli.run("jmh", "-p", "backend=nogpu"), ExitCodes.FAILURE, "nabla jmh: backend nogpu is unavailable: "
                + NoGpuProvider.REASON + " (see 'nabla devices')");
    }

    @Test
    void aMissingDataDirectory(@TempDir Path tmp) {
        oneLine(Cli.run("train", "--data", tmp.resolve("none").toString()), ExitCodes.FAILURE,
                "nabla train: " + tmp.resolve("none") + ": no such directory (it should hold the four Fashion-MNIST "
                        + "IDX files, e.g. train-images-idx3-ubyte.gz)");
    }

    @Test
    void aDirectoryWithoutTheFiles(@TempDir Path tmp) {
        oneLine(Cli.run("train", "--data", tmp.toString()), ExitCodes.FAILURE, "nabla train: " + tmp
                + ": missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                + "t10k-labels-idx1-ubyte.gz");
    }

    @Test
    void aCorruptDataFile(@TempDir Path tmp) throws IOException {
        IdxFiles.writeTinySet(tmp, 4, 2);
        Path images = tmp.resolve(FashionMnist.TRAIN_IMAGES + ".gz");
        byte[] gz = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(gz, gz.length - 12));   // cut into the deflate stream and trailer
        Cli.Result r = Cli.run("train", "--data", tmp.toString());
        assertEquals(ExitCodes.FAILURE, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("nabla train: idx " + images + ": corrupt gzip data"), r::toString);

        Files.write(images, "not an idx file".getBytes());
        oneLine(Cli.run("train", "--data", tmp.toString()), ExitCodes.FAILURE, "nabla train: idx " + images
                + ": not an IDX file of unsigned bytes (magic 6e 6f 74 20; expected 00 00 08 and 1 or more "
                + "dimensions)");
    }

    @Test
    void labelsThatDoNotMatchTheImages(@TempDir Path tmp) throws IOException {
        IdxFiles.writeTinySet(tmp, 4, 2);
        Files.write(tmp.resolve(FashionMnist.TEST_LABELS + ".gz"),
                IdxFiles.gzip(IdxFiles.idx(new int[]{3}, new byte[]{1, 2, 3})));
        oneLine(Cli.run("train", "--data", tmp.toString()), ExitCodes.FAILURE, "nabla train: "
                + tmp.resolve(FashionMnist.TEST_IMAGES + ".gz") + " holds 2 images but "
                + tmp.resolve(FashionMnist.TEST_LABELS + ".gz") + " holds 3 labels");
    }

    /**
     * {@code nabla train --hidden 600000} died of a raw OutOfMemoryError and a 16-line stack trace. 784 × 2,700,000
     * weights fit one cpu buffer (2³¹ − 9 elements) but not this JVM's heap: one line, naming the call, the shape,
     * the backend and the way out (-Xmx).
     */
    @Test
    void aNetworkTheHeapCannotHoldIsOneLine() {
        long hostArray = 784L * 2_700_000 * Double.BYTES;                 // randn draws the weights as doubles first
        assumeTrue(Runtime.getRuntime().maxMemory() < hostArray / 2, "this JVM's heap ("
                + Runtime.getRuntime().maxMemory() + " bytes) is too large to run out");
        Cli.Result r = Cli.run("train", "--backend", "cpu", "--limit", "10", "--epochs", "1", "--hidden", "2700000");
        assertEquals(ExitCodes.FAILURE, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line on stderr:\n" + r);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("nabla train: network: cannot allocate 784×2700000 FLOAT32: its host array of "
                + "2116800000 doubles (16934400000 bytes) does not fit in the Java heap (max "), r::toString);
        assertTrue(line.endsWith(" MiB; raise it with -Xmx) [cpu]"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void parityNeedsTwoBackends() {
        Cli.Result r = Cli.run("parity", "--no-reference", "-b", "cpu");
        assertEquals(ExitCodes.FAILURE, r.exit(), r::toString);
        assertEquals("nabla parity: parity needs two backends to compare; found [cpu] (and --no-reference leaves out "
                + "the float64 reference)", r.errLines().get(0));
    }

    @Test
    void badJmhOptions() {
        oneLine(Cli.run("jmh", "-zz"), ExitCodes.USAGE,
                "nabla jmh: bad JMH option: z is not a recognized option (see 'nabla jmh -h')");
    }

    @Test
    void noCommandPrintsTheUsageAndFails() {
        Cli.Result r = Cli.run();
        assertEquals(ExitCodes.USAGE, r.exit());
        assertTrue(r.err().startsWith("Usage: nabla [-hV] [COMMAND]"), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void oneLineKeepsTheFirstLineOfAMultiLineMessage() {
        assertEquals("backend x is unavailable: no GPU", ErrorReporting.oneLine("backend x is unavailable: no GPU\n"
                + "Nabla backends (highest priority first):\n  cpu ..."));
    }
}
