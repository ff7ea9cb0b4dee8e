package dev.nabla.bench.data;

import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.io.IdxArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The full set is checked where it is installed; on CI ({@code CI=true}) it must be, so that check never skips. */
@ExtendWith(NoSkipOnCi.class)
class FashionMnistTest {

    @Test
    void theBundledSubsetHasFiftyTrainingAndTwentyTestImagesPerClass() {
        FashionMnist.Split s = FashionMnist.load(FashionMnist.bundled(), true);
        assertEquals(500, s.train().count());
        assertEquals(200, s.test().count());
        assertEquals(784, s.train().features());
        int[] train = new int[10];
        int[] test = new int[10];
        for (int l : s.train().labels()) {
            train[l]++;
        }
        for (int l : s.test().labels()) {
            test[l]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(50, train[c], "training images of class " + c);
            assertEquals(20, test[c], "test images of class " + c);
        }
        float max = 0;
        for (float p : s.train().pixels()) {
            max = Math.max(max, p);
        }
        assertEquals(1f, max, "pixels are scaled by 1/255 and some are white");
    }

    @Test
    void theBundledSubsetIsTheStartOfTheRealSetWhenThatIsInstalled() {
        assumeTrue(
                FashionMnist.FILES.stream().allMatch(DataSource.directory(FashionMnist.DEFAULT_DIR)::has),
                "Fashion-MNIST is not installed in " + FashionMnist.DEFAULT_DIR);
        IdxArray real = DataSource.directory(FashionMnist.DEFAULT_DIR).read(FashionMnist.TEST_LABELS);
        IdxArray sub = FashionMnist.bundled().read(FashionMnist.TEST_LABELS);
        // the subset takes, in file order, the first 20 test images of each class
        int[] taken = new int[10];
        int j = 0;
        for (int i = 0; i < real.count() && j < sub.count(); i++) {
            int label = real.get(i);
            if (taken[label] < 20) {
                taken[label]++;
                assertEquals(label, sub.get(j++), "label " + j + " of the subset");
            }
        }
        assertEquals(200, j);
    }

    @Test
    void aDirectoryIsReadAndItsMissingFilesAreNamed(@TempDir Path dir) throws IOException {
        IdxFiles.writeTinySet(dir, 7, 3);
        FashionMnist.Split s = FashionMnist.load(dir);
        assertEquals(7, s.train().count());
        assertEquals(3, s.test().count());
        assertEquals(4, s.train().features());
        assertFalse(s.bundled());
        assertArrayEquals(new int[]{0, 1, 2}, s.test().labels());

        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        String m = assertThrows(DataFileException.class, () -> FashionMnist.load(dir)).getMessage();
        assertEquals(dir + ": missing t10k-labels-idx1-ubyte.gz", m);
    }

    @Test
    void aMissingDirectoryIsAnError(@TempDir Path dir) {
        String m = assertThrows(DataFileException.class, () -> FashionMnist.load(dir.resolve("nope"))).getMessage();
        assertTrue(m.startsWith(dir.resolve("nope") + ": no such directory"), m);
    }

    @Test
    void uncompressedFilesAreReadToo(@TempDir Path dir) throws IOException {
        IdxFiles.writeTinySet(dir, 5, 2);
        for (String f : FashionMnist.FILES) {
            byte[] gz = Files.readAllBytes(dir.resolve(f + ".gz"));
            Files.write(dir.resolve(f), new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))
                    .readAllBytes());
            Files.delete(dir.resolve(f + ".gz"));
        }
        assertEquals(5, FashionMnist.load(dir).train().count());
    }

    @Test
    void limitKeepsTheFirstImages() {
        LabeledImages test = FashionMnist.load(FashionMnist.bundled(), true).test();
        LabeledImages first = test.limit(3);
        assertEquals(3, first.count());
        assertArrayEquals(java.util.Arrays.copyOf(test.labels(), 3), first.labels());
        assertArrayEquals(java.util.Arrays.copyOf(test.pixels(), 3 * 784), first.pixels());
        assertTrue(test.limit(1000) == test);
    }
}
