package dev.nabla.bench.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds IDX files for tests, byte by byte as the format says. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /** An IDX file of unsigned bytes: 00 00 08 ndim, the dimensions, the data. */
    public static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    public static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write(raw);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a tiny Fashion-MNIST-shaped data set into dir: n training and m test images of 2×2 pixels. */
    public static void writeTinySet(Path dir, int n, int m) throws IOException {
        write(dir, FashionMnist.TRAIN_IMAGES, new int[]{n, 2, 2}, n * 4);
        write(dir, FashionMnist.TRAIN_LABELS, new int[]{n}, n);
        write(dir, FashionMnist.TEST_IMAGES, new int[]{m, 2, 2}, m * 4);
        write(dir, FashionMnist.TEST_LABELS, new int[]{m}, m);
    }

    private static void write(Path dir, String name, int[] dims, int size) throws IOException {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i % 10);
        }
        Files.write(dir.resolve(name + ".gz"), gzip(idx(dims, data)));
    }
}
