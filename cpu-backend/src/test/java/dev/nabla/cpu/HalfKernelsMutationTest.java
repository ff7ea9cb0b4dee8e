package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each path's {@link HalfKernels} ({@link TiledHalfKernels} on the plain path, {@link VectorHalfKernels} on the Vector
 * path, and the tiled route on the Vector codec) against an oracle that shares none of their tiling: every element
 * decoded with {@link HalfFloats}, the path's float kernel run once over the whole array, every result encoded with
 * {@link HalfFloats}. CpuHalfKernelsTest compares VectorHalfKernels with the tiled route, which it also hands FLOAT16
 * to; this test judges the tiled route itself (tile edges at {@link TiledHalfKernels#TILE}, row and element ranges
 * that start past 0, the untouched elements outside them) and the column sums against float32 row-by-row sums with
 * their float64 fallback for columns that overflow. Written for issue 18's PIT part {@code cpu-halves}.
 */
class HalfKernelsMutationTest {
    private static final int TILE = TiledHalfKernels.TILE;

    /** The kernels under test and the float kernels of the same path (the oracle's). */
    private record Path(HalfKernels kernels, FloatKernels fk) { }

    private static Path path(String name) {
        if (name.equals("SCALAR")) {
            FloatKernels fk = new ScalarFloatKernels(new Parallel(1));
            return new Path(new TiledHalfKernels(new ScalarHalfCodec(), fk), fk);
        }
        assumeTrue(CpuPath.vectorModulePresent(), name + " needs --add-modules jdk.incubator.vector");
        FloatKernels fk = new VectorFloatKernels(new Parallel(1));
        HalfKernels tiled = new TiledHalfKernels(new VectorHalfCodec(), fk);
        return new Path(name.equals("VECTOR_TILED") ? tiled : new VectorHalfKernels(tiled), fk);
    }

    /** Every 16-bit pattern in shuffled order, repeated up to {@code length}. */
    private static short[] patterns(int length, long seed) {
        short[] all = new short[1 << 16];
        for (int p = 0; p < all.length; p++) {
            all[p] = (short) p;
        }
        Random r = new Random(seed);
        for (int p = all.length - 1; p > 0; p--) {
            int q = r.nextInt(p + 1);
            short t = all[p];
            all[p] = all[q];
            all[q] = t;
        }
        short[] out = new short[length];
        for (int i = 0; i < length; i++) {
            out[i] = all[i % all.length];
        }
        return out;
    }

    private static float[] decode(DType dtype, short[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = HalfFloats.toFloat(dtype, x[i]);
        }
        return f;
    }

    private static short[] encode(DType dtype, float[] f) {
        short[] x = new short[f.length];
        for (int i = 0; i < f.length; i++) {
            x[i] = HalfFloats.fromFloat(dtype, f[i]);
        }
        return x;
    }

    /** Same bits, except that FLOAT16's two quiet NaNs count as one (see CpuHalfKernelsTest#assertSameBits). */
    private static void assertSameBits(String what, short[] want, short[] got) {
        assertEquals(want.length, got.length, what + ": lengths");
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i] && !((want[i] & 0x7fff) == 0x7e00 && (got[i] & 0x7fff) == 0x7e00)) {
                assertEquals(String.format("0x%04X", want[i] & 0xffff), String.format("0x%04X", got[i] & 0xffff),
                        what + ": element " + i);
            }
        }
    }

    static Stream<Arguments> biasCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String path : new String[] {"SCALAR", "VECTOR_TILED", "VECTOR"}) {
            for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
                for (UnaryOp act : new UnaryOp[] {UnaryOp.IDENTITY, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU}) {
                    for (int cols : new int[] {5, TILE, 2 * TILE + 37}) {
                        b.add(Arguments.of(path, dtype, act, cols));
                    }
                }
            }
        }
        return b.build();
    }

    /** Rows [1, rows − 1) of a z whose rows 0 and rows − 1 must stay as they were. */
    @ParameterizedTest(name = "{0} {1} {2} cols={3}")
    @MethodSource("biasCases")
    void biasActivationOverRowsMatchesTheWholeArrayOracle(String name, DType dtype, UnaryOp act, int cols) {
        Path p = path(name);
        int rows = Math.max(4, (1 << 16) / cols + 3);
        short[] z = patterns(rows * cols, 21);
        short[] bias = patterns(cols, 22);
        float[] zf = decode(dtype, z);
        float[] of = new float[zf.length];
        p.fk().biasActivation(act, zf, decode(dtype, bias), of, cols, 1, rows - 1);
        short[] want = encode(dtype, of);
        short[] untouched = new short[rows * cols];
        Arrays.fill(untouched, (short) 0x1234);
        System.arraycopy(untouched, 0, want, 0, cols);
        System.arraycopy(untouched, 0, want, (rows - 1) * cols, cols);
        short[] got = untouched.clone();
        p.kernels().biasActivation(dtype, act, z, bias, got, cols, 1, rows - 1);
        assertSameBits(name + " " + dtype + " " + act + " cols=" + cols, want, got);
    }

    static Stream<Arguments> backwardCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String path : new String[] {"SCALAR", "VECTOR_TILED", "VECTOR"}) {
            for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
                for (UnaryOp g : new UnaryOp[] {UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, UnaryOp.SIGMOID_GRAD_FROM_OUTPUT,
                    UnaryOp.TANH_GRAD_FROM_OUTPUT, UnaryOp.RELU_GRAD_FROM_OUTPUT}) {
                    b.add(Arguments.of(path, dtype, g));
                }
            }
        }
        return b.build();
    }

    /** The range [3, n − 5) of n = 2¹⁶ + TILE + 9 elements: tiles that start past 0 and a partial last tile. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("backwardCases")
    void activationBackwardOverARangeMatchesTheWholeArrayOracle(String name, DType dtype, UnaryOp g) {
        Path p = path(name);
        int n = (1 << 16) + TILE + 9;
        int from = 3;
        int to = n - 5;
        short[] a = patterns(n, 23);
        short[] d = patterns(n, 24);
        float[] of = new float[n];
        p.fk().activationBackward(g, decode(dtype, a), decode(dtype, d), of, from, to);
        short[] want = encode(dtype, of);
        short[] got = new short[n];
        Arrays.fill(got, (short) 0x4321);
        for (int i = 0; i < n; i++) {
            if (i < from || i >= to) {
                want[i] = (short) 0x4321;
            }
        }
        p.kernels().activationBackward(dtype, g, a, d, got, from, to);
        assertSameBits(name + " " + dtype + " " + g, want, got);
    }

    static Stream<Arguments> sumCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String path : new String[] {"SCALAR", "VECTOR_TILED", "VECTOR"}) {
            for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
                for (int[] rcf : new int[][] {{1, 3, 0}, {5, 2 * TILE + 37, 0}, {5, 2 * TILE + 37, TILE + 3},
                    {40, 13, 2}}) {
                    b.add(Arguments.of(path, dtype, rcf[0], rcf[1], rcf[2]));
                }
            }
        }
        return b.build();
    }

    /**
     * Columns [from, cols): float32 sums added row after row, and where that is not finite the float64 sum rounded
     * once. Column 0 (when in range) sums to a finite value only in float64 on BFLOAT16 (3·10³⁸ + 3·10³⁸ − 3·10³⁸),
     * column 1 holds +∞ and −∞ (NaN either way), column 2 overflows for good; the rest are random finite values.
     */
    @ParameterizedTest(name = "{0} {1} {2}×{3} from {4}")
    @MethodSource("sumCases")
    void sumColumnsMatchesRowByRowFloatSumsWithTheirFallback(String name, DType dtype, int rows, int cols, int from) {
        Path p = path(name);
        Random r = new Random(25);
        short[] x = new short[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = HalfFloats.fromFloat(dtype, (float) ((r.nextDouble() - 0.5) * 20));
        }
        float huge = dtype == DType.BFLOAT16 ? 3e38f : 60000f;
        if (rows >= 3 && cols >= 3) {
            x[0] = HalfFloats.fromFloat(dtype, huge);
            x[cols] = HalfFloats.fromFloat(dtype, huge);
            x[2 * cols] = HalfFloats.fromFloat(dtype, -huge);
            x[1] = HalfFloats.fromFloat(dtype, Float.POSITIVE_INFINITY);
            x[cols + 1] = HalfFloats.fromFloat(dtype, Float.NEGATIVE_INFINITY);
            for (int row = 0; row < rows; row++) {
                x[row * cols + 2] = HalfFloats.fromFloat(dtype, huge);
            }
        }
        float[] want = new float[cols];
        Arrays.fill(want, -7f);
        for (int j = from; j < cols; j++) {
            float s = 0;
            double sd = 0;
            for (int row = 0; row < rows; row++) {
                float v = HalfFloats.toFloat(dtype, x[row * cols + j]);
                s += v;
                sd += v;
            }
            want[j] = Float.isFinite(s) ? s : (float) sd;
        }
        float[] got = new float[cols];
        Arrays.fill(got, -7f);
        p.kernels().sumColumns(dtype, x, rows, cols, got, from, cols);
        for (int j = 0; j < cols; j++) {
            if (Float.isNaN(want[j]) && Float.isNaN(got[j])) {
                continue;                               // which NaN ∞ − ∞ gives is the CPU's (sign), not the kernel's
            }
            assertEquals(Float.floatToRawIntBits(want[j]), Float.floatToRawIntBits(got[j]),
                    name + " " + dtype + " " + rows + "×" + cols + " column " + j + ": " + want[j] + " vs " + got[j]);
        }
    }
}
