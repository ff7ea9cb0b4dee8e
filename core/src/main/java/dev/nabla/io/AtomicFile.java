package dev.nabla.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old file or the complete new one, never a torn write: the bytes
 * go to a temporary file in the same directory, are forced to the device, and the temporary file is then moved
 * over the target (atomically where the file system can; the temporary file is deleted on any failure).
 * Symbolic links are followed: the file a link points to is replaced, the link itself stays ({@link #write}).
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

    /** Link hops followed before giving up, as Linux's path resolution does (ELOOP after 40). */
    static final int MAX_LINK_HOPS = 40;
    /** {@code .nabla-XXXXXXXX.tmp}: 19 characters whatever the target's name, so it fits wherever a name fits. */
    private static final String TMP_PREFIX = ".nabla-";
    private static final String TMP_SUFFIX = ".tmp";

    /**
     * Writes {@code target} atomically. The target must name a file: the root, an existing directory, a missing
     * parent directory or a parent that is not a directory are {@link IOException}s naming the path, thrown before
     * anything is written. A symbolic link is followed (through every hop): the file it points to is replaced, in
     * its own directory, and the link stays. The temporary file has a short random name of its own
     * ({@code .nabla-1f2e3d4c.tmp}), so it fits whenever the target's name does.
     */
    static void write(Path target, Body body) throws IOException {
        Path absolute = followLinks(target.toAbsolutePath());
        Path name = absolute.getFileName();
        Path dir = absolute.getParent();
        if (name == null || dir == null) {
            throw new FileSystemException(absolute.toString(), null, "is the root directory, not a file to write");
        }
        if (Files.isDirectory(absolute)) {
            throw new FileSystemException(absolute.toString(), null, "is a directory, not a file to write");
        }
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "the directory to write " + name + " into does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString() + " (the parent of " + name + ") is not a directory");
        }
        FileChannel channel = null;
        Path tmp = null;
        // not Files.createTempFile: its 0600 permissions would end up on the weights file
        for (int attempt = 0; channel == null; attempt++) {
            tmp = dir.resolve(TMP_PREFIX + String.format("%08x", ThreadLocalRandom.current().nextInt()) + TMP_SUFFIX);
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

    /**
     * The file {@code path} stands for once every symbolic link in its last element is followed (a relative link is
     * relative to the link's directory); a dangling link gives the path its last hop names, which is then created.
     */
    static Path followLinks(Path path) throws IOException {
        Path p = path;
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINK_HOPS) {
                throw new FileSystemException(path.toString(), null, "more than " + MAX_LINK_HOPS
                        + " levels of symbolic links");
            }
            Path link = Files.readSymbolicLink(p);
            Path parent = p.getParent();
            p = link.isAbsolute() || parent == null ? link : parent.resolve(link);
        }
        return p;
    }
}
