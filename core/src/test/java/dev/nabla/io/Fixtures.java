package dev.nabla.io;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The committed fixtures (core/src/test/resources/dev/nabla/io, made by make_fixtures.py) and the formulas that
 * script used, recomputed here; plus assertions that compare raw bits.
 */
final class Fixtures {
    /** The float32 bit patterns of make_fixtures.py: NaN payloads, a signaling NaN, ±0, subnormal, max, ±inf, 1. */
    static final int[] F32_BITS = {0x7FC12345, 0xFFC00001, 0x7F800001, 0x80000000, 0x00000000, 0x00000001, 0x7F7FFFFF,
            0x7F800000, 0xFF800000, 0x3F800000};
    static final long[] F64_BITS = {0x7FF8000000012345L, 0xFFF8000000000001L, 0x7FF0000000000001L,
            0x8000000000000000L, 0x0000000000000000L, 0x0000000000000001L, 0x7FEFFFFFFFFFFFFFL, 0x7FF0000000000000L,
            0xFFF0000000000000L, 0x3FF0000000000000L};

    private Fixtures() {
    }

    static Path path(String name) {
        URL url = Fixtures.class.getResource(name);
        assertNotNull(url, "fixture " + name + " is missing (run make_fixtures.py)");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** value[k] = k/8 − 1, the fixtures' float ramp. */
    static double[] ramp(int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = k / 8.0 - 1;
        }
        return v;
    }

    static void assertValues(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
        }
    }

    static void assertBits(int[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Integer.toHexString(expected[i]), Integer.toHexString(Float.floatToRawIntBits(actual[i])),
                    what + ": bits of element " + i);
        }
    }

    static void assertBits(long[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Long.toHexString(expected[i]), Long.toHexString(Double.doubleToRawLongBits(actual[i])),
                    what + ": bits of element " + i);
        }
    }

    /** The message of a thrown exception contains every part. */
    static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            if (!e.getMessage().contains(p)) {
                fail("message '" + e.getMessage() + "' should contain '" + p + "'");
            }
        }
    }
}
