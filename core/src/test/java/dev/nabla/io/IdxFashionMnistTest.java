package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real Fashion-MNIST test set, where {@code apt-get install dataset-fashion-mnist} (scripts/setup.sh) put it.
 * On CI ({@code CI=true}) the files must be there: this test fails rather than skips.
 */
@ExtendWith(NoSkipOnCi.class)
class IdxFashionMnistTest {
    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
    static final Path IMAGES = DIR.resolve("t10k-images-idx3-ubyte.gz");
    static final Path LABELS = DIR.resolve("t10k-labels-idx1-ubyte.gz");

    @Test
    void theTestSetLoadsAs10000RowsOf784PixelsAndALabelColumn() throws IOException {
        assumeTrue(Files.isRegularFile(IMAGES) && Files.isRegularFile(LABELS),
                "Fashion-MNIST is not installed in " + DIR + " (apt-get install dataset-fashion-mnist)");
        try (Backend be = Backend.wrap(new ReferenceBackend()); Scope scope = be.scope()) {
            Tensor x = Idx.images(IMAGES, be);
            Tensor y = Idx.labels(LABELS, be);
            assertEquals(DType.FLOAT32, x.dtype());
            assertEquals("10000×784", x.shape().toString());
            assertEquals(DType.INT32, y.dtype());
            assertEquals("10000×1", y.shape().toString());

            // the oracle: the same files decoded here with the JDK alone, after the 16- and 8-byte headers
            byte[] pixels = body(IMAGES, 16);
            byte[] labels = body(LABELS, 8);
            assertEquals(10000 * 784, pixels.length);
            float[] got = x.toFloatArray();
            for (int i = 0; i < pixels.length; i++) {
                if ((pixels[i] & 0xff) / 255f != got[i]) {
                    assertEquals((pixels[i] & 0xff) / 255f, got[i], "pixel " + i % 784 + " of image " + i / 784);
                }
            }
            int[] perClass = new int[10];
            int[] gotLabels = y.toIntArray();
            for (int i = 0; i < labels.length; i++) {
                assertEquals(labels[i] & 0xff, gotLabels[i], "label " + i);
                perClass[gotLabels[i]]++;
            }
            for (int c = 0; c < 10; c++) {
                assertEquals(1000, perClass[c], "the test set holds 1000 images of class " + c);
            }
        }
    }

    /** The file's bytes after {@code header} bytes, read independently of Idx. */
    private static byte[] body(Path gz, int header) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
            in.skipNBytes(header);
            return in.readAllBytes();
        }
    }
}
