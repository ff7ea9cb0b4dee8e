package dev.nabla.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A weights file opened for reading, whose size is known before anything is read: every read names its byte range,
 * and callers check that range against {@link #size()} before they allocate. Values are read through a buffer of at
 * most 64 KiB (no larger than what is read), so no length taken from the file sizes a buffer here unchecked.
 * Errors name the format and the file.
 */
final class BoundedFile implements AutoCloseable {
    /** The most bytes moved per read of values. */
    static final int CHUNK = 1 << 16;

    private final String format;
    private final Path path;
    private final FileChannel channel;
    private final long size;

    private BoundedFile(String format, Path path, FileChannel channel, long size) {
        this.format = format;
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    static BoundedFile open(String format, Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new BoundedFile(format, path, channel, channel.size());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The file's size in bytes when it was opened. */
    long size() {
        return size;
    }

    Path path() {
        return path;
    }

    /** An error at byte {@code offset} of this file. */
    WeightsFormatException errorAt(long offset, String what) {
        return error("byte " + offset, what);
    }

    /** An error at {@code where} (a byte offset or a tensor) of this file. */
    WeightsFormatException error(String where, String what) {
        return new WeightsFormatException(format + " " + path + ": " + where + ": " + what);
    }

    /** Exactly {@code length} bytes from {@code offset}; the caller has checked the range against {@link #size()}. */
    byte[] readBytes(long offset, int length) throws IOException {
        checkRange(offset, length);
        byte[] out = new byte[length];
        ByteBuffer target = ByteBuffer.wrap(out);
        readFully(offset, target);
        return out;
    }

    /** Receives consecutive chunks of a byte range; each chunk holds whole elements and has the requested order. */
    interface ChunkSink {
        /** {@code chunk} holds elements {@code [firstElement, firstElement + chunk.remaining() / itemSize)}. */
        void accept(ByteBuffer chunk, int firstElement);
    }

    /**
     * Streams {@code count} elements of {@code itemSize} bytes starting at {@code offset} through {@code sink} in
     * chunks of at most {@link #CHUNK} bytes. The caller has checked the range against {@link #size()}.
     */
    void readElements(long offset, int count, int itemSize, ByteOrder order, ChunkSink sink) throws IOException {
        long length = (long) count * itemSize;
        checkRange(offset, length);
        int perChunk = Math.min(CHUNK / itemSize, count);
        if (perChunk == 0) {
            return;                                            // nothing to read (and no buffer for it)
        }
        ByteBuffer buffer = ByteBuffer.allocate(perChunk * itemSize).order(order);
        for (int first = 0; first < count; first += perChunk) {
            int n = Math.min(perChunk, count - first);
            buffer.clear().limit(n * itemSize);
            readFully(offset + (long) first * itemSize, buffer);
            buffer.flip();
            sink.accept(buffer, first);
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            // a caller skipped its validation: a bug in Nabla, not in the file
            throw new IllegalStateException("read of " + length + " bytes at " + offset + " outside " + path + " ("
                    + size + " bytes)");
        }
    }

    /** Fills {@code target} from {@code offset}; a file that ends early (it shrank since it was opened) is an error. */
    private void readFully(long offset, ByteBuffer target) throws IOException {
        long position = offset;
        while (target.hasRemaining()) {
            int n = channel.read(target, position);
            if (n < 0) {
                throw errorAt(position, "the file ends here, " + target.remaining() + " bytes short of what its"
                        + " header promised (" + size + " bytes when opened; was it truncated while being read?)");
            }
            position += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
