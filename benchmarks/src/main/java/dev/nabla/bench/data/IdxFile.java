package dev.nabla.bench.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file (the format of MNIST and Fashion-MNIST), gzipped or not: a big-endian header
 * {@code 0x00 0x00 type ndim}, then ndim 32-bit big-endian dimensions, then the unsigned bytes, row-major.
 * Only type 0x08 (unsigned byte) is read. The whole file is checked: the header, and that the body holds exactly
 * the product of the dimensions.
 *
 * @param name       the file's name, for messages
 * @param dimensions the sizes, outermost first (e.g. 60000, 28, 28)
 * @param data       the values, row-major, as unsigned bytes stored in Java bytes
 */
public record IdxFile(String name, int[] dimensions, byte[] data) {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** Reads and checks the whole stream (closing it); it may be gzipped, which is detected from its first bytes. */
    public static IdxFile read(String name, InputStream raw) {
        try (InputStream in = maybeGunzip(name, new BufferedInputStream(raw))) {
            int zero = in.read() << 8 | in.read();
            int type = in.read();
            int ndim = in.read();
            if (ndim < 0) {
                throw new DataFileException(name + ": truncated: shorter than an IDX header");
            }
            if (zero != 0 || type != UNSIGNED_BYTE || ndim < 1 || ndim > 4) {
                throw new DataFileException(String.format("%s: not an IDX file of unsigned bytes (magic %02x %02x %02x "
                        + "%02x; expected 00 00 08 01..04)", name, zero >> 8, zero & 0xff, type, ndim));
            }
            int[] dims = new int[ndim];
            long count = 1;
            for (int d = 0; d < ndim; d++) {
                byte[] b = in.readNBytes(4);
                if (b.length < 4) {
                    throw new DataFileException(name + ": truncated in the header (dimension " + d + ")");
                }
                long v = (b[0] & 0xffL) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
                if (v > Integer.MAX_VALUE) {
                    throw new DataFileException(name + ": dimension " + d + " is " + v + ", too large");
                }
                dims[d] = (int) v;
                count *= v;
            }
            if (count > MAX_ELEMENTS) {
                throw new DataFileException(name + ": " + Arrays.toString(dims) + " is too large to load");
            }
            byte[] data = in.readNBytes((int) count);
            if (data.length < count) {
                throw new DataFileException(name + ": truncated: the header announces " + shape(dims) + " = " + count
                        + " values, the file holds " + data.length);
            }
            if (in.read() != -1) {
                throw new DataFileException(name + ": longer than the " + shape(dims) + " its header announces");
            }
            return new IdxFile(name, dims, data);
        } catch (EOFException | ZipException e) {
            throw new DataFileException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DataFileException(name + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static InputStream maybeGunzip(String name, BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new GZIPInputStream(in, 1 << 16);
            } catch (ZipException | EOFException e) {
                throw new DataFileException(name + ": corrupt gzip header (" + e.getMessage() + ")", e);
            }
        }
        return in;
    }

    private static String shape(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d : dims) {
            sb.append(sb.length() == 0 ? "" : "×").append(d);
        }
        return sb.toString();
    }

    /** The sizes as text, e.g. {@code 60000×28×28}. */
    public String shape() {
        return shape(dimensions);
    }

    /** The number of items: the first dimension. */
    public int count() {
        return dimensions[0];
    }
}
