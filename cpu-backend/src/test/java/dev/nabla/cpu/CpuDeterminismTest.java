package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The cpu backend's results are the same bits whatever the thread count, and an element's value does not depend on
 * where in a vector, chunk or row it fell (loop remainders run the same formula as loop bodies). Compared once the
 * kernels are compiled: while the JIT warms up, the Vector API's exp/log/tanh run as Java fallbacks whose last bit
 * may differ from the compiled SVML stubs (see VectorFloatKernels).
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
            for (DType dtype : DType.values()) {
                for (int threads = 1; threads <= 4; threads++) {
                    results(x, p, dtype, threads);
                }
            }
        }
        for (DType dtype : DType.values()) {
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
        for (DType dtype : DType.values()) {
            try (Backend be = Backend.wrap(new CpuBackend(CpuPath.VECTOR, 2)); Scope s = be.scope()) {
                double[] x = HostData.uniform(3, 37, -9, 9);
                double[] whole = be.fromArray(x, 1, 37, dtype).sigmoid().toDoubleArray();
                for (int start = 1; start < 9; start++) {        // the same values, shifted by 1..8 places
                    double[] shifted = new double[37 + start];
                    System.arraycopy(x, 0, shifted, start, 37);
                    double[] got = be.fromArray(shifted, 1, shifted.length, dtype).sigmoid().toDoubleArray();
                    assertArrayEquals(whole, Arrays.copyOfRange(got, start, got.length), dtype + " shifted by " + start);
                }
                double[] t = HostData.uniform(4, 37, 0, 1);
                double[] terms = be.fromArray(x, 1, 37, dtype).sigmoid().toDoubleArray();
                Tensor f = be.fromArray(terms, 37, 1, dtype);
                Tensor tt = be.fromArray(t, 37, 1, dtype);
                Tensor out = be.zeros(37, 1, dtype);
                be.ops().binary(BinaryOp.BINARY_CROSS_ENTROPY, f, tt, dev.nabla.spi.Broadcast.NONE, out);
                double[] rowWise = out.toDoubleArray();
                Tensor f2 = be.fromArray(terms, 1, 37, dtype);
                Tensor t2 = be.fromArray(t, 1, 37, dtype);
                Tensor out2 = be.zeros(1, 37, dtype);
                be.ops().binary(BinaryOp.BINARY_CROSS_ENTROPY, f2, t2, dev.nabla.spi.Broadcast.NONE, out2);
                assertArrayEquals(rowWise, out2.toDoubleArray(), "37×1 and 1×37 give the same elements");
                be.ops().unary(UnaryOp.TANH, 0, f2, out2);
            }
        }
    }
}
