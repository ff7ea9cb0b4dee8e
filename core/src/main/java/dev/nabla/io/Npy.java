package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Single tensors as NumPy {@code .npy} files ({@code numpy.save}/{@code numpy.load}).
 *
 * <pre>
 * byte 0     "\x93NUMPY"
 * byte 6     version major, minor: 1.0, 2.0 or 3.0
 * byte 8     header length H: u16 little-endian (1.0) or u32 little-endian (2.0, 3.0)
 * byte 10|12 H bytes of header, a Python dict literal ({@link NpyHeader}); latin-1, UTF-8 in 3.0
 * then       the values: product(shape) × itemsize bytes, C (row-major) or Fortran (column-major) order
 * </pre>
 *
 * Reading checks the magic, the version, H ≤ {@link #MAX_HEADER_BYTES} and H against the file, the header
 * dictionary, the dtype ({@link NpyDescr}: float32/float64 in either byte order, integers as INT32), the
 * shape (rank ≤ 64, dimensions ≤ 2³¹ − 1, at most 2³¹ − 9 elements) and that the data fills the rest of the file
 * exactly (a short file and trailing bytes are both errors), all before the values are allocated. Integers wider
 * than INT32 ({@code u4}, {@code i8}, {@code u8}) are range checked as they are read: a value that does not fit is
 * an error naming the element and the value. Fortran order is converted to row-major. Writing produces version 1.0,
 * little-endian, C order, header aligned to 64 bytes, as {@code numpy.save} does.
 */
public final class Npy {
    /** NumPy's own default limit on the header length when it reads (numpy.lib.format). */
    public static final int MAX_HEADER_BYTES = 10_000;
    static final String FORMAT = "npy";
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    /**
     * Writes {@code t} as a 2-D array (rows, cols) of {@code '<f4'}, {@code '<f8'} or (INT32) {@code '<i4'}.
     *
     * @param t    the tensor to write (copied to the host)
     * @param file the file to write, replaced atomically
     * @throws IOException when the file cannot be written
     */
    public static void write(Tensor t, Path file) throws IOException {
        if (t == null || file == null) {
            throw new InvalidArgumentException("Npy.write: " + (t == null ? "tensor" : "file") + " is null");
        }
        write(HostTensor.of(t), file);
    }

    /**
     * Writes {@code t} with its own shape (any rank) as {@code '<f2'}, {@code '<f4'}, {@code '<f8'} or {@code '<i4'}
     * (BFLOAT16, which NumPy has no dtype for, is refused with an {@link InvalidArgumentException}), C order,
     * atomically, as {@link Safetensors} writes: the path must name a file, and a symbolic link is followed (the link stays).
     *
     * @param t    the host array to write
     * @param file the file to write, replaced atomically
     * @throws IOException when the file cannot be written
     */
    public static void write(HostTensor t, Path file) throws IOException {
        if (t == null || file == null) {
            throw new InvalidArgumentException("Npy.write: " + (t == null ? "tensor" : "file") + " is null");
        }
        if (NpyDescr.forWriting(t.dtype()) == null) {
            throw new InvalidArgumentException("Npy.write: " + t.dtype() + " " + java.util.Arrays.toString(t.shape())
                    + " has no .npy dtype (NumPy has no bfloat16); save it with Safetensors (BF16), or cast it to "
                    + "FLOAT32 first (exact) to write '<f4'");
        }
        byte[] v1 = NpyHeader.encode(t.dtype(), t.shape(), 10);
        boolean version1 = v1.length <= 0xFFFF;
        byte[] header = version1 ? v1 : NpyHeader.encode(t.dtype(), t.shape(), 12);
        AtomicFile.write(file, out -> {
            out.ensure(12);
            ByteBuffer b = out.buffer();
            b.put(MAGIC).put((byte) (version1 ? 1 : 2)).put((byte) 0);
            if (version1) {
                b.putShort((short) header.length);
            } else {
                b.putInt(header.length);
            }
            out.write(header);
            Elements.write(out, t);
        });
    }

    /**
     * The array in {@code file} as a tensor on {@code backend}: shape (r, c) becomes r × c, (n) a 1 × n row, ()
     * a 1 × 1 tensor; float32 files give FLOAT32 tensors, float64 files FLOAT64 and integer files INT32 (64-bit
     * and unsigned 32-bit integers range checked).
     *
     * @param backend the backend to create the tensor on
     * @param file the file to read
     * @return a new tensor the caller owns
     * @throws IOException when the file cannot be read
     */
    public static Tensor read(Backend backend, Path file) throws IOException {
        if (backend == null) {
            throw new InvalidArgumentException("Npy.read: backend is null");
        }
        return readHost(file).toTensor(backend);
    }

    /**
     * The array in {@code file} with its own shape, values row-major: bit for bit for float32, float64 and int32
     * files; other integer widths as INT32, exactly (a value outside the int range is an error naming it).
     *
     * @param file the file to read
     * @return the array
     * @throws IOException when the file cannot be read
     */
    public static HostTensor readHost(Path file) throws IOException {
        if (file == null) {
            throw new InvalidArgumentException("Npy.readHost: file is null");
        }
        try (BoundedFile f = BoundedFile.open(FORMAT, file)) {
            return read(f);
        }
    }

    private static HostTensor read(BoundedFile f) throws IOException {
        long size = f.size();
        if (size < 10) {
            throw f.errorAt(0, "the file has " + size + " bytes, fewer than a .npy preamble");
        }
        byte[] start = f.readBytes(0, 8);
        for (int i = 0; i < MAGIC.length; i++) {
            if (start[i] != MAGIC[i]) {
                throw f.errorAt(i, "not a .npy file: it does not start with \\x93NUMPY");
            }
        }
        int major = start[6] & 0xFF;
        int minor = start[7] & 0xFF;
        if ((major != 1 && major != 2 && major != 3) || minor != 0) {
            throw f.errorAt(6, "format version " + major + "." + minor + " is not one of 1.0, 2.0, 3.0");
        }
        int preamble = major == 1 ? 10 : 12;
        if (size < preamble) {
            throw f.errorAt(8, "the file ends inside the header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.wrap(f.readBytes(8, preamble - 8)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lengthBytes.getShort() & 0xFFFFL : lengthBytes.getInt() & 0xFFFFFFFFL;
        if (headerLength > MAX_HEADER_BYTES) {
            throw f.errorAt(8, "header length " + headerLength + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLength > size - preamble) {
            throw f.errorAt(8, "header length " + headerLength + " runs past the end of the file (" + size + " bytes)");
        }
        byte[] raw = f.readBytes(preamble, (int) headerLength);
        String text = decode(f, raw, major == 3, preamble);
        NpyHeader header = NpyHeader.parse(text, (index, what) ->
                f.errorAt(preamble + byteLength(text, index, major == 3), "header: " + what));

        NpyDescr descr = NpyDescr.parse(header.descr());
        if (descr == null) {
            throw f.errorAt(preamble, "header: " + NpyDescr.rejection(header.descr()));
        }
        long elements = HostTensor.elements(header.shape());
        String shape = shapeText(header.shape());
        if (elements < 0 || elements > Elements.MAX_ARRAY) {
            throw f.errorAt(preamble, "shape " + shape + " has more elements than a Java array holds ("
                    + Elements.MAX_ARRAY + ")");
        }
        long dataStart = preamble + headerLength;
        long expected = elements * descr.size();
        if (size - dataStart != expected) {
            throw f.errorAt(dataStart, "'" + descr.text() + "' " + shape + " needs " + expected + " bytes of data,"
                    + " the file holds " + (size - dataStart) + " after the header"
                    + (size - dataStart < expected ? " (truncated)" : " (trailing bytes are not allowed)"));
        }
        HostTensor values = descr.isFloat()
                ? Elements.read(f, dataStart, header.shape(), descr.target(), descr.order())
                : IntegerElements.read(f, dataStart, header.shape(), header.fortranOrder(), descr.integerLayout(),
                        offset -> "byte " + offset);
        return header.fortranOrder() ? FortranOrder.toRowMajor(values) : values;
    }

    /** The header text: latin-1 (versions 1 and 2, never fails) or strict UTF-8 (version 3). */
    private static String decode(BoundedFile f, byte[] raw, boolean utf8, int preamble) {
        if (!utf8) {
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw f.errorAt(preamble, "the header is not valid UTF-8");
        }
    }

    /** Bytes taken by the first {@code index} characters of the header. */
    private static long byteLength(String text, int index, boolean utf8) {
        int end = Math.min(index, text.length());
        return utf8 ? text.substring(0, end).getBytes(StandardCharsets.UTF_8).length : end;
    }

    private static String shapeText(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
