package dev.nabla;

import dev.nabla.contract.HostData;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Tensor#readInto} and {@link Tensor#writeFrom} (the allocation-free host paths DataParallel reuses its arrays
 * through) against {@link Tensor#toFloatArray}/{@link Tensor#toDoubleArray} and {@link Backend#fromArray}: the same
 * values, element by element, through views too, counted as transfers; and the typed errors for a wrong dtype, a
 * wrong length, a null array.
 */
class TensorHostArraysTest {

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void readIntoGivesWhatToArrayGives() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true);
             Tensor f = b.fromArray(floats(HostData.uniform(1, 12, -2, 2)), 3, 4);
             Tensor d = b.fromArray(HostData.uniform(2, 12, -2, 2), 3, 4)) {
            float[] fi = new float[12];
            f.readInto(fi);
            assertArrayEquals(f.toFloatArray(), fi, 0f, "FLOAT32");
            double[] di = new double[12];
            d.readInto(di);
            assertArrayEquals(d.toDoubleArray(), di, 0.0, "FLOAT64");
            float[] rows = new float[4];
            f.sliceRows(1, 2).readInto(rows);                 // a view at an offset is staged, not misread
            assertArrayEquals(f.sliceRows(1, 2).toFloatArray(), rows, 0f, "row 1 of the FLOAT32 tensor");
        }
    }

    @Test
    void writeFromGivesWhatFromArrayGives() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true);
             Tensor f = b.zeros(3, 4);
             Tensor d = b.fromArray(new double[12], 3, 4)) {
            float[] fv = floats(HostData.uniform(3, 12, -2, 2));
            assertSame(f, f.writeFrom(fv));
            assertArrayEquals(fv, f.toFloatArray(), 0f, "FLOAT32");
            double[] dv = HostData.uniform(4, 12, -2, 2);
            d.writeFrom(dv);
            assertArrayEquals(dv, d.toDoubleArray(), 0.0, "FLOAT64");
            fv[0] = 99f;                                       // the tensor holds a copy, not the array
            assertEquals(fv[1], f.toFloatArray()[1], 0f);
            assertTrue(f.toFloatArray()[0] != 99f, "the array was copied when written");

            float[] row = {7f, 8f, 9f, 10f};
            f.sliceRows(2, 3).writeFrom(row);                  // through a view: only row 2 changes
            float[] want = f.toFloatArray();
            float[] before = floats(HostData.uniform(3, 12, -2, 2));
            for (int i = 0; i < 12; i++) {
                assertEquals(i >= 8 ? row[i - 8] : before[i], want[i], 0f, "element " + i);
            }
        }
    }

    @Test
    void transfersAreCounted() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true); Tensor f = b.zeros(2, 3)) {
            long down = b.stats().deviceToHostBytes();
            long up = b.stats().hostToDeviceBytes();
            f.readInto(new float[6]);
            f.writeFrom(new float[6]);
            assertEquals(down + 24, b.stats().deviceToHostBytes(), "read 6 floats");
            assertEquals(up + 24, b.stats().hostToDeviceBytes(), "wrote 6 floats");
        }
    }

    @Test
    void wrongDtypeLengthOrNullIsRefusedNamingTheCall() {
        try (Backend b = Backend.wrap(new ReferenceBackend(), true);
             Tensor f = b.zeros(2, 3);
             Tensor d = b.fromArray(new double[6], 2, 3)) {
            var e = assertThrows(DTypeMismatchException.class, () -> f.readInto(new double[6]));
            assertTrue(e.getMessage().startsWith("readInto: tensor 2×3 is FLOAT32 but a double[] holds FLOAT64"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("[" + b.name() + "]"), e.getMessage());
            assertThrows(DTypeMismatchException.class, () -> d.writeFrom(new float[6]));
            var s = assertThrows(ShapeMismatchException.class, () -> f.writeFrom(new float[5]));
            assertTrue(s.getMessage().startsWith("writeFrom: tensor 2×3 has 6 elements but the float[] holds 5"),
                    s.getMessage());
            assertThrows(ShapeMismatchException.class, () -> d.readInto(new double[7]));
            var n = assertThrows(InvalidArgumentException.class, () -> f.readInto((float[]) null));
            assertTrue(n.getMessage().startsWith("readInto: the float[] is null"), n.getMessage());
            f.close();
            assertThrows(TensorClosedException.class, () -> f.readInto(new float[6]));
        }
    }
}
