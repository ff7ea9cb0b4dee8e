package dev.nabla.bench.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

import static dev.nabla.bench.data.IdxFiles.gzip;
import static dev.nabla.bench.data.IdxFiles.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxFileTest {
    private static final byte[] SIX = {0, 1, 2, (byte) 200, (byte) 254, (byte) 255};

    private static IdxFile read(byte[] bytes) {
        return IdxFile.read("f.gz", new ByteArrayInputStream(bytes));
    }

    private static String error(byte[] bytes) {
        return assertThrows(DataFileException.class, () -> read(bytes)).getMessage();
    }

    @Test
    void readsGzippedAndPlainFilesAlike() {
        for (byte[] file : new byte[][]{idx(new int[]{3, 2}, SIX), gzip(idx(new int[]{3, 2}, SIX))}) {
            IdxFile f = read(file);
            assertArrayEquals(new int[]{3, 2}, f.dimensions());
            assertArrayEquals(SIX, f.data());
            assertEquals(3, f.count());
            assertEquals("3×2", f.shape());
        }
    }

    @Test
    void rejectsAWrongMagicNamingTheBytes() {
        byte[] file = idx(new int[]{6}, SIX);
        file[2] = 0x0d; // float data: not ours
        String m = error(gzip(file));
        assertTrue(m.startsWith("f.gz: not an IDX file of unsigned bytes (magic 00 00 0d 01"), m);
    }

    @Test
    void rejectsATruncatedBody() {
        byte[] file = idx(new int[]{3, 2}, SIX);
        String m = error(gzip(Arrays.copyOf(file, file.length - 2)));
        assertEquals("f.gz: truncated: the header announces 3×2 = 6 values, the file holds 4", m);
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] file = idx(new int[]{2, 2}, SIX);   // 6 bytes for a 2×2 header
        assertEquals("f.gz: longer than the 2×2 its header announces", error(file));
    }

    @Test
    void rejectsATruncatedHeader() {
        assertEquals("f.gz: truncated: shorter than an IDX header", error(gzip(new byte[]{0, 0})));
        assertEquals("f.gz: truncated in the header (dimension 1)", error(Arrays.copyOf(idx(new int[]{3, 2}, SIX), 9)));
    }

    @Test
    void rejectsCorruptGzip() {
        byte[] gz = gzip(idx(new int[]{3, 2}, SIX));
        String m = error(Arrays.copyOf(gz, gz.length / 2));
        assertTrue(m.startsWith("f.gz: corrupt gzip data"), m);
    }

    @Test
    void labelsOutsideTheClassesAndCountMismatchesAreErrors() {
        IdxFile images = read(idx(new int[]{2, 1, 3}, SIX));
        IdxFile labels = read(idx(new int[]{2}, new byte[]{1, 12}));
        String m = assertThrows(DataFileException.class, () -> LabeledImages.of("t", images, labels, 10)).getMessage();
        assertEquals("f.gz: label 12 of item 1 is not a class in [0, 10)", m);
        IdxFile three = read(idx(new int[]{3}, new byte[]{1, 2, 3}));
        m = assertThrows(DataFileException.class, () -> LabeledImages.of("t", images, three, 10)).getMessage();
        assertEquals("f.gz holds 2 images but f.gz holds 3 labels", m);
    }

    @Test
    void pixelsAreScaledToTheUnitInterval() {
        LabeledImages set = LabeledImages.of("t", read(idx(new int[]{2, 1, 3}, SIX)),
                read(idx(new int[]{2}, new byte[]{4, 9})), 10);
        assertArrayEquals(new float[]{0, 1 / 255f, 2 / 255f, 200 / 255f, 254 / 255f, 1}, set.pixels());
        assertArrayEquals(new int[]{4, 9}, set.labels());
        assertEquals(3, set.features());
    }
}
