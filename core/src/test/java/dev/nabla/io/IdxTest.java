package dev.nabla.io;

import dev.nabla.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.nabla.io.IdxBytes.gzip;
import static dev.nabla.io.IdxBytes.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idx.read: the header, the body and the gzip layer are each checked, and each failure names the file. */
class IdxTest {
    private static final byte[] SIX = {0, 1, 2, (byte) 200, (byte) 254, (byte) 255};

    private static IdxArray read(byte[] bytes) throws IOException {
        return Idx.read("f.gz", new ByteArrayInputStream(bytes));
    }

    private static String error(byte[] bytes) {
        return assertThrows(IdxFormatException.class, () -> read(bytes)).getMessage();
    }

    @Test
    void readsGzippedAndPlainFilesAlike() throws IOException {
        for (byte[] file : new byte[][]{idx(new int[]{3, 2}, SIX), gzip(idx(new int[]{3, 2}, SIX))}) {
            IdxArray f = read(file);
            assertEquals("f.gz", f.name());
            assertArrayEquals(new int[]{3, 2}, f.dimensions());
            assertEquals(2, f.rank());
            assertEquals(3, f.count());
            assertEquals(2, f.itemSize());
            assertEquals(6, f.size());
            assertEquals("3×2", f.shape());
            assertEquals("IdxArray[f.gz: 3×2]", f.toString());
            assertArrayEquals(new int[]{0, 1, 2, 200, 254, 255}, f.toInts(), "unsigned values");
            for (int i = 0; i < SIX.length; i++) {
                assertEquals(SIX[i] & 0xff, f.get(i), "value " + i);
            }
        }
    }

    @Test
    void readsFilesFromPathsAndClosesStreams(@TempDir Path dir) throws IOException {
        Path plain = Files.write(dir.resolve("a"), idx(new int[]{2, 1, 3}, SIX));
        Path gz = Files.write(dir.resolve("a.gz"), gzip(idx(new int[]{2, 1, 3}, SIX)));
        for (Path p : new Path[]{plain, gz}) {
            IdxArray f = Idx.read(p);
            assertEquals(p.toString(), f.name());
            assertEquals(3, f.itemSize());
            assertArrayEquals(new int[]{0, 1, 2, 200, 254, 255}, f.toInts());
        }
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(new byte[]{1, 2, 3, 4}) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        assertThrows(IdxFormatException.class, () -> Idx.read("s", in));
        assertTrue(closed[0], "the stream is closed after a failure too");
    }

    @Test
    void theArrayIsImmutable() throws IOException {
        IdxArray f = read(idx(new int[]{3, 2}, SIX));
        f.dimensions()[0] = 7;
        f.toInts()[0] = 7;
        f.toUnitFloats()[0] = 7;
        assertArrayEquals(new int[]{3, 2}, f.dimensions());
        assertEquals(0, f.get(0));
    }

    @Test
    void unitFloatsAreTheBytesOver255() throws IOException {
        float[] expected = new float[SIX.length];
        for (int i = 0; i < SIX.length; i++) {
            expected[i] = (SIX[i] & 0xff) / 255f;
        }
        float[] got = read(idx(new int[]{6}, SIX)).toUnitFloats();
        assertArrayEquals(expected, got);
        assertEquals(0f, got[0]);
        assertEquals(1f, got[5], "255 is exactly white");
    }

    @Test
    void rejectsAWrongMagicNamingTheBytes() {
        byte[] file = idx(new int[]{6}, SIX);
        file[2] = 0x0d; // float data: not read here
        String m = error(gzip(file));
        assertEquals("idx f.gz: not an IDX file of unsigned bytes (magic 00 00 0d 01; expected 00 00 08 and 1 or more "
                + "dimensions)", m);
        assertTrue(error("not an idx file".getBytes()).startsWith("idx f.gz: not an IDX file of unsigned bytes (magic "
                + "6e 6f 74 20;"));
        assertTrue(error(idx(new int[0], new byte[0])).contains("(magic 00 00 08 00;"), "no dimensions");
    }

    @Test
    void rejectsATruncatedBody() {
        byte[] file = idx(new int[]{3, 2}, SIX);
        String m = error(gzip(Arrays.copyOf(file, file.length - 2)));
        assertEquals("idx f.gz: truncated: the header announces 3×2 = 6 values, the file holds 4", m);
    }

    @Test
    void aHeaderThatAnnouncesAGigabyteCostsOnlyWhatTheFileHolds() throws IOException {
        // 2³⁰ values announced, 6 present: the parser fails on the data, and the buffer it reads into stays small
        assertEquals("idx f.gz: truncated: the header announces 32768×32768 = 1073741824 values, the file holds 6",
                error(idx(new int[]{1 << 15, 1 << 15}, SIX)));
        int[] largest = {0};
        InputStream six = new ByteArrayInputStream(SIX) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                largest[0] = Math.max(largest[0], b.length);
                return super.read(b, off, len);
            }
        };
        assertArrayEquals(SIX, Idx.readValues(six, 1 << 30));
        assertTrue(largest[0] <= 1 << 16, "read into a buffer of " + largest[0] + " bytes");
        byte[] big = IdxBytes.ramp(300_000);                       // several doublings
        assertArrayEquals(big, Idx.readValues(new ByteArrayInputStream(big), big.length));
        assertArrayEquals(Arrays.copyOf(big, 70_000), Idx.readValues(new ByteArrayInputStream(big), 70_000),
                "stops at the count");
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] file = idx(new int[]{2, 2}, SIX);   // 6 bytes for a 2×2 header
        assertEquals("idx f.gz: longer than the 2×2 its header announces", error(file));
        assertEquals("idx f.gz: longer than the 2×2 its header announces", error(gzip(file)));
    }

    @Test
    void rejectsATruncatedHeader() {
        assertEquals("idx f.gz: truncated: shorter than an IDX header", error(gzip(new byte[]{0, 0})));
        assertEquals("idx f.gz: truncated: shorter than an IDX header", error(new byte[0]));
        assertEquals("idx f.gz: truncated in the header (dimension 1)",
                error(Arrays.copyOf(idx(new int[]{3, 2}, SIX), 9)));
    }

    @Test
    void rejectsDimensionsAndSizesOverTheLimitsBeforeReadingTheData() {
        byte[] file = idx(new int[]{2, 3}, SIX);
        file[8] = (byte) 0x80;                                     // dimension 1 = 0x80000003
        assertEquals("idx f.gz: dimension 1 is 2147483651, over 2³¹ − 1", error(file));
        int max = Integer.MAX_VALUE;
        assertEquals("idx f.gz: 65536×65536 is too large to load: 4294967296 values, more than 2147483639",
                error(idx(new int[]{65536, 65536}, SIX)));
        assertEquals("idx f.gz: " + max + "×" + max + "×" + max + "×" + max + " is too large to load: more than "
                + "2147483639 values per item", error(idx(new int[]{max, max, max, max}, SIX)), "no long overflow");
        assertEquals("idx f.gz: 0×65536×65536 is too large to load: more than 2147483639 values per item",
                error(idx(new int[]{0, 65536, 65536}, new byte[0])), "no items, but an item would not fit");
    }

    @Test
    void aFileWithNoItemsIsRead() throws IOException {
        IdxArray f = read(gzip(idx(new int[]{0, 28, 28}, new byte[0])));
        assertEquals(0, f.count());
        assertEquals(784, f.itemSize());
        assertEquals(0, f.size());
    }

    @Test
    void rejectsCorruptGzip() {
        byte[] gz = gzip(idx(new int[]{3, 2}, SIX));
        String m = error(Arrays.copyOf(gz, gz.length / 2));
        assertTrue(m.startsWith("idx f.gz: corrupt gzip data ("), m);
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;                               // the CRC-32 in the trailer
        m = error(badCrc);
        assertTrue(m.startsWith("idx f.gz: corrupt gzip data ("), m);
        m = error(Arrays.copyOf(gz, 5));
        assertTrue(m.startsWith("idx f.gz: corrupt gzip header ("), m);
    }

    @Test
    void aMissingFileAndNullArgumentsAreTheirOwnErrors(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> Idx.read(dir.resolve("none.gz")));
        assertEquals("Idx.read: file is null",
                assertThrows(InvalidArgumentException.class, () -> Idx.read(null)).getMessage());
        assertEquals("Idx.read: stream is null",
                assertThrows(InvalidArgumentException.class, () -> Idx.read("s", null)).getMessage());
    }
}
