package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link VectorHalfKernels} against its oracle, the composition the backend ran before: {@link TiledHalfKernels} over
 * the Vector API codec and float kernels (decode a tile, run the float kernel, encode), bit for bit. The inputs are
 * every one of the 65,536 16-bit patterns (NaNs, ±∞, subnormals, ±0 included) in shuffled order, at widths that leave
 * remainders, in aliased and separate outputs, so every lane of the in-register codec (BFLOAT16 pairs), the formulas,
 * the float tile of σ/tanh(z + b), the remainder path and the in-place column sums is compared with the old route.
 * (FLOAT16's fused ops, which VectorHalfKernels hands to the tiled route, are compared with themselves: this checks
 * only that hand-over; the contract suites check them against float64.)
 */
class CpuHalfKernelsTest {
    private static final int PATTERNS = 1 << 16;

    private static HalfKernels[] kernelsAndOracle() {
        assumeTrue(CpuPath.vectorModulePresent(), "VectorHalfKernels needs --add-modules jdk.incubator.vector");
        HalfKernels oracle = new TiledHalfKernels(new VectorHalfCodec(), new VectorFloatKernels(new Parallel(1)));
        return new HalfKernels[] {new VectorHalfKernels(oracle), oracle};
    }

    /** Every 16-bit pattern once, shuffled by {@code seed}, then repeated up to {@code length}. */
    private static short[] patterns(int length, long seed) {
        short[] all = new short[PATTERNS];
        for (int p = 0; p < PATTERNS; p++) {
            all[p] = (short) p;
        }
        Random r = new Random(seed);
        for (int p = PATTERNS - 1; p > 0; p--) {
            int q = r.nextInt(p + 1);
            short t = all[p];
            all[p] = all[q];
            all[q] = t;
        }
        short[] out = new short[length];
        for (int i = 0; i < length; i++) {
            out[i] = all[i % PATTERNS];
        }
        return out;
    }

    /**
     * Element by element, the same bits, except that FLOAT16's two quiet NaNs (0x7E00, 0xFE00: HalfFloats keeps a
     * NaN's sign) count as one. Java does not say which sign a NaN made by an operation carries (NaN·NaN, 0·∞); on
     * x86 it depends on the operand order the compiler picked: the same float kernel, run twice on the same input,
     * gave 0xFE00 once and 0x7E00 once here, as the JIT moved it from one tier to the next. BFLOAT16 encodes every
     * NaN as 0x7FC0.
     */
    private static void assertSameBits(String what, short[] want, short[] got) {
        assertEquals(want.length, got.length, what + ": lengths");
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i] && !((want[i] & 0x7fff) == 0x7e00 && (got[i] & 0x7fff) == 0x7e00)) {
                assertEquals(String.format("0x%04X", want[i] & 0xffff), String.format("0x%04X", got[i] & 0xffff),
                        what + ": element " + i);
            }
        }
    }

    static Stream<Arguments> activationsAndWidths() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            for (UnaryOp act : new UnaryOp[] {UnaryOp.IDENTITY, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.RELU}) {
                for (int cols : new int[] {1, 7, 64, 1000, 2049, 4099}) {
                    b.add(Arguments.of(dtype, act, cols));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} cols={2}")
    @MethodSource("activationsAndWidths")
    void biasActivationHasTheBitsOfDecodeFloatKernelEncode(DType dtype, UnaryOp act, int cols) {
        HalfKernels[] ko = kernelsAndOracle();
        int rows = (PATTERNS + cols - 1) / cols + 1;          // z covers every pattern
        short[] z = patterns(rows * cols, 1);
        short[] bias = patterns(cols, 2);
        short[] want = new short[rows * cols];
        short[] got = new short[rows * cols];
        ko[1].biasActivation(dtype, act, z, bias, want, cols, 0, rows);
        ko[0].biasActivation(dtype, act, z, bias, got, cols, 0, rows);
        assertSameBits(dtype + " " + act + " bias", want, got);

        short[] inPlace = z.clone();                            // out = z
        ko[0].biasActivation(dtype, act, inPlace, bias, inPlace, cols, 0, rows);
        assertSameBits(dtype + " " + act + " bias, out = z", want, inPlace);

        short[] z1 = java.util.Arrays.copyOfRange(z, 3 * cols, 4 * cols);   // out = bias: one row
        short[] wantRow = new short[cols];
        ko[1].biasActivation(dtype, act, z1, bias, wantRow, cols, 0, 1);
        short[] b = bias.clone();
        ko[0].biasActivation(dtype, act, z1, b, b, cols, 0, 1);
        assertSameBits(dtype + " " + act + " bias, out = bias", wantRow, b);
    }

    static Stream<Arguments> derivativesAndRanges() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            for (UnaryOp g : new UnaryOp[] {UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, UnaryOp.SIGMOID_GRAD_FROM_OUTPUT,
                UnaryOp.TANH_GRAD_FROM_OUTPUT, UnaryOp.RELU_GRAD_FROM_OUTPUT}) {
                for (int from : new int[] {0, 3}) {
                    b.add(Arguments.of(dtype, g, from));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} from={2}")
    @MethodSource("derivativesAndRanges")
    void activationBackwardHasTheBitsOfDecodeFloatKernelEncode(DType dtype, UnaryOp g, int from) {
        HalfKernels[] ko = kernelsAndOracle();
        int n = 2 * PATTERNS + 13;                               // a remainder after the whole vectors
        short[] a = patterns(n, 3);
        short[] d = patterns(n, 4);
        short[] want = new short[n];
        short[] got = new short[n];
        ko[1].activationBackward(dtype, g, a, d, want, from, n);
        ko[0].activationBackward(dtype, g, a, d, got, from, n);
        assertSameBits(dtype + " " + g, want, got);

        short[] outIsA = a.clone();
        ko[0].activationBackward(dtype, g, outIsA, d, outIsA, from, n);
        short[] outIsD = d.clone();
        ko[0].activationBackward(dtype, g, a, outIsD, outIsD, from, n);
        for (int i = 0; i < from; i++) {                          // outside the range: untouched inputs
            want[i] = a[i];
        }
        assertSameBits(dtype + " " + g + ", out = a", want, outIsA);
        for (int i = 0; i < from; i++) {
            want[i] = d[i];
        }
        assertSameBits(dtype + " " + g + ", out = d", want, outIsD);
    }

    static Stream<Arguments> sumShapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            for (int[] rc : new int[][] {{1, 5}, {300, 7}, {64, 1000}, {17, 4099}}) {
                b.add(Arguments.of(dtype, rc[0], rc[1]));
            }
        }
        return b.build();
    }

    /** Random finite patterns (most columns finite, so the float32 sums are compared) and, in a second run, all. */
    @ParameterizedTest(name = "{0} {1}×{2}")
    @MethodSource("sumShapes")
    void sumColumnsHasTheBitsOfDecodeAxpy(DType dtype, int rows, int cols) {
        HalfKernels[] ko = kernelsAndOracle();
        short[] finite = new short[rows * cols];
        Random r = new Random(5);
        for (int i = 0; i < finite.length; i++) {
            finite[i] = HalfFloats.fromFloat(dtype, (float) ((r.nextDouble() - 0.5) * 16));
        }
        for (short[] x : new short[][] {finite, patterns(rows * cols, 6)}) {
            for (int[] range : new int[][] {{0, cols}, {cols / 3, cols}}) {
                float[] want = new float[cols];
                float[] got = new float[cols];
                ko[1].sumColumns(dtype, x, rows, cols, want, range[0], range[1]);
                java.util.Arrays.fill(got, Float.NaN);            // poisoned: every column in range is written
                java.util.Arrays.fill(got, 0, range[0], 0f);
                ko[0].sumColumns(dtype, x, rows, cols, got, range[0], range[1]);
                for (int j = 0; j < cols; j++) {
                    assertEquals(Float.floatToRawIntBits(want[j]), Float.floatToRawIntBits(got[j]),
                            dtype + " " + rows + "×" + cols + " column " + j + ": " + want[j] + " vs " + got[j]);
                }
            }
        }
    }
}
