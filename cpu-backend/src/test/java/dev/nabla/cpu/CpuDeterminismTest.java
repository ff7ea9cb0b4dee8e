package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cpu backend's results are the same bits whatever the thread count, and an element's value does not depend on
 * where in a vector, chunk or row it fell (loop remainders run the same formula as loop bodies), nor on how often
 * it ran or which JIT tier ran it: exp, log and tanh are FloatMath's polynomials, the same bits in the interpreter,
 * C1 and C2.
 */
class CpuDeterminismTest {
    private static final int N = 200_003;   // several parallel chunks, and no multiple of any vector width

    @Test
    void elementwiseOpsAndSumsDoNotDependOnTheThreadCount() {
        double[] x = HostData.uniform(1, N, -30, 30);
        double[] p = HostData.uniform(2, N, 0.001, 1);
        // Compile the kernels first, with the very calls compared below at every thread count, so that no call
        // below runs a Java fallback or a recompilation's first tier (Temurin 25 recompiled mid-test when the
        // warm-up used smaller inputs and one thread count: a last-bit difference in exp or tanh, 1 run in 3).
        for (int round = 0; round < 25; round++) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int threads = 1; threads <= 4; threads++) {
                    results(x, p, dtype, threads);
                }
            }
        }
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            String[] first = null;
            for (int threads = 1; threads <= 4; threads++) {
                String[] got = results(x, p, dtype, threads);
                if (first == null) {
                    first = got;
                } else {
                    assertArrayEquals(first, got, dtype + " on " + threads + " threads");
                }
            }
        }
    }

    /** σ, tanh, exp, log, Σ and Σ log σ of the inputs on a fresh backend of {@code threads} threads, as hashes. */
    private static String[] results(double[] x, double[] p, DType dtype, int threads) {
        try (Backend be = Backend.wrap(new CpuBackend(CpuPath.VECTOR, threads)); Scope s = be.scope()) {
            Tensor tx = be.fromArray(x, 1, N, dtype);
            Tensor tp = be.fromArray(p, 1, N, dtype);
            return new String[]{                              // hashes: a failure must not print 200,000 numbers
                    hash(tx.sigmoid()), hash(tx.tanh()), hash(tx.scale(0.1).exp()), hash(tp.log()),
                    Double.toString(tx.sum().item()), Double.toString(tx.sigmoid().log().sum().item())};
        }
    }

    private static String hash(Tensor t) {
        return Integer.toHexString(Arrays.hashCode(t.toDoubleArray()));
    }

    @Test
    void anElementsValueDoesNotDependOnItsPositionInALoop() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            try (Backend be = Backend.wrap(new CpuBackend(CpuPath.VECTOR, 2)); Scope s = be.scope()) {
                double[] x = HostData.uniform(3, 37, -9, 9);
                for (UnaryOp op : new UnaryOp[]{UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.EXP, UnaryOp.LOG}) {
                    double[] in = op == UnaryOp.LOG ? Arrays.stream(x).map(Math::abs).toArray() : x;
                    double[] whole = unary(be, op, in, dtype);
                    for (int start = 1; start < 9; start++) {    // the same values, shifted by 1..8 places
                        double[] shifted = new double[37 + start];
                        System.arraycopy(in, 0, shifted, start, 37);
                        double[] got = unary(be, op, shifted, dtype);
                        assertArrayEquals(whole, Arrays.copyOfRange(got, start, got.length),
                                op + " " + dtype + " shifted by " + start);
                    }
                }
                double[] f = unary(be, UnaryOp.SIGMOID, x, dtype);
                double[] t = HostData.uniform(4, 37, 0, 1);
                for (BinaryOp op : new BinaryOp[]{BinaryOp.BINARY_CROSS_ENTROPY, BinaryOp.CROSS_ENTROPY}) {
                    double[] flat = binary(be, op, f, 1, 37, t, 1, 37, Broadcast.NONE, dtype);
                    // ROW: 3 rows, each f, against t as a row: every row (vector body + remainder) is the flat result
                    double[] rows = new double[3 * 37];
                    for (int r = 0; r < 3; r++) {
                        System.arraycopy(f, 0, rows, r * 37, 37);
                    }
                    double[] byRow = binary(be, op, rows, 3, 37, t, 1, 37, Broadcast.ROW, dtype);
                    for (int r = 0; r < 3; r++) {
                        assertArrayEquals(flat, Arrays.copyOfRange(byRow, r * 37, r * 37 + 37),
                                op + " " + dtype + " ROW broadcast, row " + r);
                    }
                    // COLUMN: 37 rows of 11 copies of f[r], against t as a column: row r is 11 copies of flat[r]
                    double[] cols = new double[37 * 11];
                    for (int r = 0; r < 37; r++) {
                        Arrays.fill(cols, r * 11, r * 11 + 11, f[r]);
                    }
                    double[] byColumn = binary(be, op, cols, 37, 11, t, 37, 1, Broadcast.COLUMN, dtype);
                    for (int r = 0; r < 37; r++) {
                        double[] want = new double[11];
                        Arrays.fill(want, flat[r]);
                        assertArrayEquals(want, Arrays.copyOfRange(byColumn, r * 11, r * 11 + 11),
                                op + " " + dtype + " COLUMN broadcast, row " + r);
                    }
                }
            }
        }
    }

    private static double[] unary(Backend be, UnaryOp op, double[] x, DType dtype) {
        Tensor in = be.fromArray(x, 1, x.length, dtype);
        Tensor out = be.zeros(1, x.length, dtype);
        be.ops().unary(op, 0, in, out);
        return out.toDoubleArray();
    }

    private static double[] binary(Backend be, BinaryOp op, double[] a, int rows, int cols, double[] b, int bRows,
                                   int bCols, Broadcast broadcast, DType dtype) {
        Tensor out = be.zeros(rows, cols, dtype);
        be.ops().binary(op, be.fromArray(a, rows, cols, dtype), be.fromArray(b, bRows, bCols, dtype), broadcast, out);
        return out.toDoubleArray();
    }

    /**
     * The same calls give the same bits however often they run: a fresh JVM computes exp, log, tanh, σ, softmax and
     * the gradients of networks with tanh, sigmoid and softmax layers 300 times, across the JIT's warm-up, and every
     * call must equal the first (the Vector API's lanewise EXP/TANH changed their last bit once C2 compiled them).
     */
    @Test
    void repeatedCallsAcrossTheJitWarmUpGiveTheSameBits() throws Exception {
        List<String> out = runProbe(List.of(), "repeat", "300");
        assertTrue(out.contains("IDENTICAL 300"), () -> "a fresh JVM's 300 calls: " + String.join("\n", out));
    }

    /** A JVM that only interprets (-Xint) computes the same bits as this one with the kernels compiled by C2. */
    @Test
    void theInterpreterAndC2GiveTheSameBits() throws Exception {
        Map<String, long[]> mine = KernelBitsProbe.results();
        for (int call = 0; call < 200; call++) {                 // compile the kernels (C2), checking as it goes
            KernelBitsProbe.assertSameBits(mine, KernelBitsProbe.results(), "call " + (call + 2) + " in this JVM");
        }
        mine = KernelBitsProbe.results();
        Map<String, long[]> interpreted = KernelBitsProbe.fromLines(runProbe(List.of("-Xint"), "once"));
        KernelBitsProbe.assertSameBits(mine, interpreted, "-Xint JVM against this C2-compiled one");
    }

    /** Runs KernelBitsProbe in a child JVM with the given flags and returns its output lines. */
    private static List<String> runProbe(List<String> flags, String... args) throws Exception {
        List<String> cmd = KernelBitsProbe.javaCommand(flags.toArray(String[]::new));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("kernel-bits-probe", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("the child JVM did not finish in 10 minutes: " + cmd);
            }
            List<String> lines = Files.readAllLines(log);
            assertEquals(0, p.exitValue(), () -> "child JVM " + cmd + " failed:\n" + String.join("\n", lines));
            return lines;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
