package dev.nabla.bench.data;

import dev.nabla.io.Idx;
import dev.nabla.io.IdxArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.nabla.bench.data.IdxFiles.gzip;
import static dev.nabla.bench.data.IdxFiles.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** LabeledImages from IDX files (parsed by core's Idx, tested in core), and DataSource's errors. */
class LabeledImagesTest {
    private static final byte[] SIX = {0, 1, 2, (byte) 200, (byte) 254, (byte) 255};

    private static IdxArray read(byte[] bytes) throws IOException {
        return Idx.read("f.gz", new ByteArrayInputStream(bytes));
    }

    @Test
    void labelsOutsideTheClassesAndCountMismatchesAreErrors() throws IOException {
        IdxArray images = read(idx(new int[]{2, 1, 3}, SIX));
        IdxArray labels = read(idx(new int[]{2}, new byte[]{1, 12}));
        String m = assertThrows(DataFileException.class, () -> LabeledImages.of("t", images, labels, 10)).getMessage();
        assertEquals("f.gz: label 12 of item 1 is not a class in [0, 10)", m);
        IdxArray three = read(idx(new int[]{3}, new byte[]{1, 2, 3}));
        m = assertThrows(DataFileException.class, () -> LabeledImages.of("t", images, three, 10)).getMessage();
        assertEquals("f.gz holds 2 images but f.gz holds 3 labels", m);
        m = assertThrows(DataFileException.class, () -> LabeledImages.of("t", three, three, 10)).getMessage();
        assertEquals("f.gz: expected images (count×rows×cols), found 3", m);
    }

    @Test
    void pixelsAreScaledToTheUnitInterval() throws IOException {
        LabeledImages set = LabeledImages.of("t", read(idx(new int[]{2, 1, 3}, SIX)),
                read(idx(new int[]{2}, new byte[]{4, 9})), 10);
        assertArrayEquals(new float[]{0, 1 / 255f, 2 / 255f, 200 / 255f, 254 / 255f, 1}, set.pixels());
        assertArrayEquals(new int[]{4, 9}, set.labels());
        assertEquals(2, set.count());
        assertEquals(3, set.features());
    }

    @Test
    void coreFormatErrorsBecomeDataFileErrorsWithTheSameMessage(@TempDir Path dir) throws IOException {
        byte[] file = idx(new int[]{3, 2}, SIX);
        Files.write(dir.resolve("x.gz"), gzip(java.util.Arrays.copyOf(file, file.length - 2)));
        String m = assertThrows(DataFileException.class, () -> DataSource.directory(dir).read("x")).getMessage();
        assertEquals("idx " + dir.resolve("x.gz") + ": truncated: the header announces 3×2 = 6 values, the file "
                + "holds 4", m);
        m = assertThrows(DataFileException.class, () -> DataSource.directory(dir).read("y")).getMessage();
        assertEquals(dir.resolve("y.gz") + ": no such file", m);
    }
}
