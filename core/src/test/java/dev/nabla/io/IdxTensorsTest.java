package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.BackendStats;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.nabla.io.IdxBytes.gzip;
import static dev.nabla.io.IdxBytes.idx;
import static dev.nabla.io.IdxBytes.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Idx.images and Idx.labels on the reference backend, from small generated files, gzipped and not. */
class IdxTensorsTest {
    private Backend be;
    private Scope scope;

    @BeforeEach
    void open() {
        be = Backend.wrap(new ReferenceBackend());
        scope = be.scope();
    }

    @AfterEach
    void close() {
        scope.close();
        be.close();
    }

    /** The file, once plain and once gzipped. */
    private static Path[] both(Path dir, String name, byte[] idx) throws IOException {
        return new Path[]{Files.write(dir.resolve(name), idx), Files.write(dir.resolve(name + ".gz"), gzip(idx))};
    }

    @Test
    void imagesAreOneFloatRowPerImageScaledBy1Over255(@TempDir Path dir) throws IOException {
        int n = 5;
        byte[] pixels = ramp(n * 3 * 4 * 20);                      // 5 images of 3×4×20: every byte value, and more
        int features = pixels.length / n;
        for (Path p : both(dir, "images", idx(new int[]{n, 3, 4, 20}, pixels))) {
            BackendStats before = be.stats();
            Tensor x = Idx.images(p, be);
            BackendStats after = be.stats();
            assertEquals(1, after.tensorsCreated() - before.tensorsCreated(), "one tensor");
            assertEquals(4L * pixels.length, after.hostToDeviceBytes() - before.hostToDeviceBytes(), "uploaded once");
            assertEquals(DType.FLOAT32, x.dtype(), p.toString());
            assertEquals(n, x.rows());
            assertEquals(features, x.cols());
            float[] got = x.toFloatArray();
            for (int i = 0; i < pixels.length; i++) {
                assertEquals((pixels[i] & 0xff) / 255f, got[i], "pixel " + i + " of " + p);
            }
        }
        Tensor square = Idx.images(both(dir, "two-d", idx(new int[]{3, 2}, ramp(6)))[1], be);
        assertEquals("3×2", square.shape().toString(), "N × d1 stays N × d1");
    }

    @Test
    void labelsAreAnInt32Column(@TempDir Path dir) throws IOException {
        byte[] y = {9, 0, 3, (byte) 255, 7};
        for (Path p : both(dir, "labels", idx(new int[]{5}, y))) {
            Tensor t = Idx.labels(p, be);
            assertEquals(DType.INT32, t.dtype(), p.toString());
            assertEquals("5×1", t.shape().toString());
            assertArrayEquals(new int[]{9, 0, 3, 255, 7}, t.toIntArray(), "unsigned bytes");
        }
    }

    @Test
    void aFileOfTheWrongRankIsAnErrorNamingTheCallAndTheFile(@TempDir Path dir) throws IOException {
        Path labels = both(dir, "labels", idx(new int[]{6}, ramp(6)))[1];
        Path images = both(dir, "images", idx(new int[]{1, 2, 3}, ramp(6)))[0];
        assertEquals("Idx.images: " + labels + ": expected images (N × d1 × …, 2 or more dimensions), found 6",
                assertThrows(IdxFormatException.class, () -> Idx.images(labels, be)).getMessage());
        assertEquals("Idx.labels: " + images + ": expected labels (one dimension N), found 1×2×3",
                assertThrows(IdxFormatException.class, () -> Idx.labels(images, be)).getMessage());
    }

    @Test
    void formatErrorsNameTheFile(@TempDir Path dir) throws IOException {
        byte[] gz = gzip(idx(new int[]{4, 2, 2}, ramp(16)));
        Path cut = Files.write(dir.resolve("cut.gz"), java.util.Arrays.copyOf(gz, gz.length - 12));
        String m = assertThrows(IdxFormatException.class, () -> Idx.images(cut, be)).getMessage();
        assertEquals("idx " + cut + ": corrupt gzip data (", m.substring(0, m.indexOf('(') + 1));
        assertEquals(0, be.stats().tensorsCreated(), "nothing was allocated on the backend");
    }

    @Test
    void nullArgumentsAreNamed(@TempDir Path dir) {
        Path p = dir.resolve("x");
        assertEquals("Idx.images: backend is null",
                assertThrows(InvalidArgumentException.class, () -> Idx.images(p, null)).getMessage());
        assertEquals("Idx.labels: file is null",
                assertThrows(InvalidArgumentException.class, () -> Idx.labels(null, be)).getMessage());
    }
}
