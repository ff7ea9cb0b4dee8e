package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * IDX files, the format of MNIST and Fashion-MNIST, gzipped or not: {@link #images} and {@link #labels} load them
 * as tensors, {@link #read} as an {@link IdxArray} on the host.
 *
 * <pre>
 * byte 0     0x00 0x00
 * byte 2     the type of the values: only 0x08, unsigned byte, is read
 * byte 3     n, the number of dimensions (1 or more)
 * byte 4     n dimensions, 32-bit big-endian, outermost first
 * then       the product of the dimensions in unsigned bytes, row-major, and nothing after them
 * </pre>
 *
 * A file that starts with gzip's magic (1f 8b) is decompressed as it is read. The whole file is checked, each
 * failure an {@link IdxFormatException} that names the file: the magic; a header that ends early; a dimension over
 * 2³¹ − 1, or more than 2³¹ − 9 values (or values per item) in all, both refused before any data is read; a body
 * shorter or longer than the header announces; corrupt gzip data. The values are read in growing chunks, so what
 * is allocated never exceeds twice what the file actually holds, whatever its header announces.
 */
public final class Idx {
    static final String FORMAT = "idx";
    private static final int UNSIGNED_BYTE = 0x08;
    /** The first chunk of values read; later chunks double, up to what the header announces. */
    private static final int FIRST_CHUNK = 1 << 16;

    private Idx() {
    }

    /**
     * An IDX file of images as a FLOAT32 N × (d1·d2·…) tensor on {@code backend}, one image a row: a file of
     * dimensions N × d1 × d2 × … (2 or more dimensions), each pixel byte b becoming {@code b / 255f}, in [0, 1].
     * The file is read on the host and uploaded once.
     *
     * @param file    the IDX file, gzipped or not (e.g. {@code t10k-images-idx3-ubyte.gz})
     * @param backend the backend to create the tensor on
     * @return a new N × (d1·d2·…) FLOAT32 tensor the caller owns (or its scope)
     * @throws IOException when the file cannot be opened or read
     * @throws IdxFormatException when it is not a valid IDX file of unsigned bytes with 2 or more dimensions
     */
    public static Tensor images(Path file, Backend backend) throws IOException {
        checkArguments("Idx.images", file, backend);
        IdxArray a = read(file);
        if (a.rank() < 2) {
            throw new IdxFormatException("Idx.images: " + file + ": expected images (N × d1 × …, 2 or more "
                    + "dimensions), found " + a.shape());
        }
        return backend.fromArray(a.toUnitFloats(), a.count(), a.itemSize());
    }

    /**
     * An IDX file of labels as an INT32 N × 1 tensor on {@code backend}, one label a row: a file of one dimension N,
     * each byte becoming its unsigned value, in [0, 255]. The file is read on the host and uploaded once.
     *
     * @param file    the IDX file, gzipped or not (e.g. {@code t10k-labels-idx1-ubyte.gz})
     * @param backend the backend to create the tensor on
     * @return a new N × 1 INT32 tensor the caller owns (or its scope)
     * @throws IOException when the file cannot be opened or read
     * @throws IdxFormatException when it is not a valid IDX file of unsigned bytes with one dimension
     */
    public static Tensor labels(Path file, Backend backend) throws IOException {
        checkArguments("Idx.labels", file, backend);
        IdxArray a = read(file);
        if (a.rank() != 1) {
            throw new IdxFormatException("Idx.labels: " + file + ": expected labels (one dimension N), found "
                    + a.shape());
        }
        return backend.fromArray(a.toInts(), a.count(), 1);
    }

    /**
     * The whole IDX file {@code file}, checked, on the host.
     *
     * @param file the IDX file, gzipped or not
     * @return its dimensions and values, named by {@code file.toString()}
     * @throws IOException when the file cannot be opened or read ({@link java.nio.file.NoSuchFileException} when it
     *                     is not there)
     * @throws IdxFormatException when it is not a valid IDX file of unsigned bytes
     */
    public static IdxArray read(Path file) throws IOException {
        if (file == null) {
            throw new InvalidArgumentException("Idx.read: file is null");
        }
        return read(file.toString(), Files.newInputStream(file));
    }

    /**
     * The whole IDX stream {@code in}, checked, on the host; the stream is closed, also on failure. For files that
     * are not on a file system, e.g. class-path resources.
     *
     * @param name what to call the stream in messages and {@link IdxArray#name()}, e.g. the resource's name
     * @param in   the stream, gzipped or not (detected from its first two bytes)
     * @return its dimensions and values
     * @throws IOException when the stream cannot be read
     * @throws IdxFormatException when it is not a valid IDX file of unsigned bytes
     */
    public static IdxArray read(String name, InputStream in) throws IOException {
        if (name == null || in == null) {
            if (in != null) {
                in.close();
            }
            throw new InvalidArgumentException("Idx.read: " + (name == null ? "name" : "stream") + " is null");
        }
        try (InputStream raw = in; InputStream body = maybeGunzip(name, new BufferedInputStream(raw))) {
            return parse(name, body);
        } catch (EOFException | ZipException e) {
            // only the gzip decompressor throws these: the plain path reads with read(), which returns -1 at the end
            throw error(name, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }

    private static IdxArray parse(String name, InputStream in) throws IOException {
        int zero0 = in.read();
        int zero1 = in.read();
        int type = in.read();
        int rank = in.read();
        if (rank < 0) {
            throw error(name, "truncated: shorter than an IDX header");
        }
        if (zero0 != 0 || zero1 != 0 || type != UNSIGNED_BYTE || rank < 1) {
            throw error(name, String.format("not an IDX file of unsigned bytes (magic %02x %02x %02x %02x; expected "
                    + "00 00 08 and 1 or more dimensions)", zero0, zero1, type, rank));
        }
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) {
                throw error(name, "truncated in the header (dimension " + d + ")");
            }
            long v = (b[0] & 0xffL) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
            if (v > Integer.MAX_VALUE) {
                throw error(name, "dimension " + d + " is " + v + ", over 2³¹ − 1");
            }
            dims[d] = (int) v;
        }
        long count = checkedSize(name, dims);
        byte[] data = readValues(in, (int) count);
        if (data.length < count) {
            throw error(name, "truncated: the header announces " + IdxArray.shape(dims) + " = " + count
                    + " values, the file holds " + data.length);
        }
        if (in.read() != -1) {
            throw error(name, "longer than the " + IdxArray.shape(dims) + " its header announces");
        }
        return new IdxArray(name, dims, data);
    }

    /**
     * The number of values, refused when it (or the values per item, which matter even when there are no items) is
     * over what one Java array holds. The product is bounded at each step, so it cannot overflow a long.
     */
    private static long checkedSize(String name, int[] dims) {
        long perItem = 1;
        for (int d = 1; d < dims.length; d++) {
            perItem *= dims[d];
            if (perItem > Elements.MAX_ARRAY) {
                throw error(name, IdxArray.shape(dims) + " is too large to load: more than " + Elements.MAX_ARRAY
                        + " values per item");
            }
        }
        long count = dims[0] * perItem;
        if (count > Elements.MAX_ARRAY) {
            throw error(name, IdxArray.shape(dims) + " is too large to load: " + count + " values, more than "
                    + Elements.MAX_ARRAY);
        }
        return count;
    }

    /**
     * Up to {@code count} bytes: fewer when the stream ends first. The buffer starts small and doubles, so a header
     * that announces more than the file holds costs no more than twice what it does hold.
     */
    static byte[] readValues(InputStream in, int count) throws IOException {
        byte[] out = new byte[Math.min(count, FIRST_CHUNK)];
        int n = 0;
        while (n < count) {
            if (n == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(count, 2L * out.length));
            }
            int r = in.read(out, n, out.length - n);
            if (r < 0) {
                return Arrays.copyOf(out, n);
            }
            n += r;
        }
        return out;
    }

    private static InputStream maybeGunzip(String name, BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new GZIPInputStream(in, FIRST_CHUNK);
            } catch (ZipException | EOFException e) {
                throw error(name, "corrupt gzip header (" + e.getMessage() + ")", e);
            }
        }
        return in;
    }

    private static void checkArguments(String call, Path file, Backend backend) {
        if (file == null || backend == null) {
            throw new InvalidArgumentException(call + ": " + (file == null ? "file" : "backend") + " is null");
        }
    }

    private static IdxFormatException error(String name, String what) {
        return new IdxFormatException(FORMAT + " " + name + ": " + what);
    }

    private static IdxFormatException error(String name, String what, Throwable cause) {
        return new IdxFormatException(FORMAT + " " + name + ": " + what, cause);
    }
}
