package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each path's {@link HalfCodec} against {@link HalfFloats} (itself proven against an independent reference in core's
 * HalfFloatsTest), bit for bit: every one of the 65,536 patterns decoded, and every 61st float of all 2³² patterns
 * encoded, at run lengths that leave a remainder for the scalar tail and at odd offsets.
 */
class HalfCodecTest {

    private static HalfCodec codec(String path) {
        if (path.equals("VECTOR")) {
            assumeTrue(CpuPath.vectorModulePresent(), "the VECTOR codec needs --add-modules jdk.incubator.vector");
            return new VectorHalfCodec();
        }
        return new ScalarHalfCodec();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"VECTOR, BFLOAT16", "VECTOR, FLOAT16", "SCALAR, BFLOAT16", "SCALAR, FLOAT16"})
    void decodesEveryPatternExactly(String path, DType dtype) {
        HalfCodec c = codec(path);
        short[] all = new short[65536 + 3];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) (i - 3);
        }
        float[] out = new float[all.length + 5];
        c.decode(dtype, all, 3, out, 5, 65536);              // odd offsets
        for (int p = 0; p < 65536; p++) {
            float want = HalfFloats.toFloat(dtype, (short) p);
            if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(out[5 + p])) {
                fail(path + " " + dtype + String.format(" 0x%04X", p) + " decodes to " + want + ", got " + out[5 + p]);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"VECTOR, BFLOAT16", "VECTOR, FLOAT16", "SCALAR, BFLOAT16", "SCALAR, FLOAT16"})
    void encodesADenseSweepOfFloatsAsHalfFloats(String path, DType dtype) {
        HalfCodec c = codec(path);
        int run = 4099;                                       // not a multiple of any vector length
        float[] in = new float[run + 1];
        short[] out = new short[run + 2];
        long b = 0;
        while (b <= 0xffffffffL) {
            int n = 0;
            for (; n < run && b <= 0xffffffffL; n++, b += 61) {
                in[1 + n] = Float.intBitsToFloat((int) b);
            }
            c.encode(dtype, in, 1, out, 2, n);
            for (int k = 0; k < n; k++) {
                short want = HalfFloats.fromFloat(dtype, in[1 + k]);
                if (want != out[2 + k]) {
                    assertEquals(String.format("0x%04X", want & 0xffff), String.format("0x%04X", out[2 + k] & 0xffff),
                            path + " " + dtype + " encoding " + in[1 + k] + String.format(" (0x%08X)",
                                    Float.floatToRawIntBits(in[1 + k])));
                }
            }
        }
    }
}
