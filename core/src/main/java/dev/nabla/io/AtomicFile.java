package dev.nabla.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old file or the complete new one, never a torn write: the bytes
 * go to a temporary file in the same directory, are forced to the device, and the temporary file is then moved
 * over the target (atomically where the file system can; the temporary file is deleted on any failure).
 */
final class AtomicFile {
    private AtomicFile() {
    }

    /** Writes a file through an {@link Output}. */
    interface Body {
        void writeTo(Output out) throws IOException;
    }

    /** A buffered, little-endian channel writer: {@link #ensure(int)} room, then put into {@link #buffer()}. */
    static final class Output {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BoundedFile.CHUNK).order(ByteOrder.LITTLE_ENDIAN);

        private Output(FileChannel channel) {
            this.channel = channel;
        }

        /** The buffer to put into; at least {@code bytes} free after {@link #ensure(int)}. */
        ByteBuffer buffer() {
            return buffer;
        }

        /** Makes room for {@code bytes} (≤ {@link BoundedFile#CHUNK}) in the buffer, flushing it if needed. */
        void ensure(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
        }

        void write(byte[] bytes) throws IOException {
            int done = 0;
            while (done < bytes.length) {
                ensure(1);
                int n = Math.min(buffer.remaining(), bytes.length - done);
                buffer.put(bytes, done, n);
                done += n;
            }
        }

        private void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }
    }

    static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        FileChannel channel = null;
        Path tmp = null;
        // not Files.createTempFile: its 0600 permissions would end up on the weights file
        for (int attempt = 0; channel == null; attempt++) {
            tmp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(System.nanoTime()) + "-"
                    + ProcessHandle.current().pid() + ".tmp");
            try {
                channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) {
                    throw e;
                }
            }
        }
        boolean moved = false;
        try {
            try (FileChannel c = channel) {
                Output out = new Output(c);
                body.writeTo(out);
                out.flush();
                c.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
