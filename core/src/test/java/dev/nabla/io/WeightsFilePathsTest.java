package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.NablaException;
import dev.nabla.Scope;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a weights file is written: a path that names no file (the root, a directory, a missing or non-directory
 * parent) is a typed {@link IOException} naming the path before anything is written; a name as long as the file
 * system allows still works (the temporary file's name is short); a symbolic link is followed and stays a link; a
 * closed network is named as the user's call.
 */
class WeightsFilePathsTest {
    @TempDir
    Path dir;
    private Backend be;
    private Scope scope;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
        scope = be.scope();
    }

    @AfterEach
    void stop() {
        scope.close();
        be.close();
    }

    private Network net(long seed) {
        return Network.builder().input(3).dense(4, Activation.TANH).dense(2, Activation.SIGMOID).loss(Loss.MSE)
                .seed(seed).build(be);
    }

    private static <T extends Throwable> T assertFails(Class<T> type, org.junit.jupiter.api.function.Executable call,
                                                        String... parts) {
        T e = assertThrows(type, call);
        assertEquals(type, e.getClass(), () -> "threw " + e);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
        return e;
    }

    /** Nothing but the expected entries in {@code dir}: no temporary file left behind. */
    private void assertOnly(String... names) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(names), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** The weights {@code file} holds, loaded into a fresh network of the same shape, equal to {@code net}'s. */
    private void assertHolds(Path file, Network net) throws IOException {
        try (Network loaded = net(99)) {
            Safetensors.load(loaded, file);
            for (int l = 0; l < 2; l++) {
                assertArrayEquals(net.weights(l), loaded.weights(l), "W" + l);
                assertArrayEquals(net.biases(l), loaded.biases(l), "b" + l);
            }
        }
    }

    @Test
    void theRootIsNotAFile() {
        try (Network n = net(1)) {
            assertFails(FileSystemException.class, () -> Safetensors.save(n, Path.of("/")),
                    "/: is the root directory, not a file to write");
            assertFails(FileSystemException.class, () -> Npy.write(be.zeros(2, 2), Path.of("/")), "root directory");
        }
    }

    @Test
    void aDirectoryIsNotAFileAndStaysAsItWas() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("weights"));
        Path full = Files.createDirectory(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "kept");
        try (Network n = net(1)) {
            assertFails(FileSystemException.class, () -> Safetensors.save(n, sub),
                    sub + ": is a directory, not a file to write");
            assertFails(FileSystemException.class, () -> Safetensors.save(n, full), "is a directory");
            assertFails(FileSystemException.class, () -> Safetensors.save(n, dir.resolve(".")), "is a directory");
        }
        assertTrue(Files.isDirectory(sub));
        assertEquals("kept", Files.readString(full.resolve("keep.txt")));
        assertOnly("full", "weights");
    }

    @Test
    void aMissingOrNonDirectoryParentIsNamed() throws IOException {
        Path missing = dir.resolve("no-such-dir");
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        try (Network n = net(1)) {
            assertFails(NoSuchFileException.class, () -> Safetensors.save(n, missing.resolve("m.safetensors")),
                    missing + ": the directory to write m.safetensors into does not exist");
            assertFails(NotDirectoryException.class, () -> Safetensors.save(n, file.resolve("m.safetensors")),
                    file + " (the parent of m.safetensors) is not a directory");
        }
        assertOnly("plain.txt");
    }

    /** 255 bytes is the longest name ext4, tmpfs, XFS and Btrfs accept: the temporary file must not need more. */
    @Test
    void theLongestNameTheFileSystemAcceptsCanBeWritten() throws IOException {
        for (int length : new int[]{243, 255}) {
            String name = "w".repeat(length - ".safetensors".length()) + ".safetensors";
            Path target = dir.resolve(name);
            Files.writeString(target, "the file system accepts this name");
            Files.delete(target);
            try (Network n = net(length)) {
                Safetensors.save(n, target);
                assertHolds(target, n);
            }
            Files.delete(target);
        }
        assertOnly();
    }

    @Test
    void aSymbolicLinkIsFollowedAndStaysALink() throws IOException {
        Path real = dir.resolve("real.safetensors");
        Path absolute = dir.resolve("absolute.safetensors");
        Path relative = dir.resolve("relative.safetensors");
        Path chain = dir.resolve("chain.safetensors");
        try (Network first = net(1); Network second = net(2); Network third = net(3)) {
            Safetensors.save(first, real);
            Files.createSymbolicLink(absolute, real);
            Files.createSymbolicLink(relative, Path.of("real.safetensors"));
            Files.createSymbolicLink(chain, Path.of("relative.safetensors"));

            Safetensors.save(second, absolute);
            assertTrue(Files.isSymbolicLink(absolute), "the link stays a link");
            assertEquals(real, Files.readSymbolicLink(absolute));
            assertHolds(real, second);

            Safetensors.save(third, chain);
            assertTrue(Files.isSymbolicLink(chain) && Files.isSymbolicLink(relative), "both links stay links");
            assertHolds(real, third);
            assertHolds(absolute, third);
        }
        assertOnly("absolute.safetensors", "chain.safetensors", "real.safetensors", "relative.safetensors");
    }

    @Test
    void aDanglingLinkCreatesTheFileItNames() throws IOException {
        Path link = dir.resolve("link.safetensors");
        Files.createSymbolicLink(link, Path.of("target.safetensors"));
        try (Network n = net(4)) {
            Safetensors.save(n, link);
            assertTrue(Files.isSymbolicLink(link));
            assertHolds(dir.resolve("target.safetensors"), n);
        }
        assertOnly("link.safetensors", "target.safetensors");
    }

    @Test
    void aLinkLoopIsAnError() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Files.createSymbolicLink(a, Path.of("b"));
        Files.createSymbolicLink(b, Path.of("a"));
        try (Network n = net(5)) {
            assertFails(FileSystemException.class, () -> Safetensors.save(n, a), "levels of symbolic links");
        }
        assertFalse(Files.exists(a));
        assertOnly("a", "b");
    }

    @Test
    void aClosedNetworkIsNamedAsTheUsersCall() throws IOException {
        Path file = dir.resolve("m.safetensors");
        try (Network n = net(6)) {
            Safetensors.save(n, file);
        }
        Network closed = net(7);
        closed.close();
        assertFails(NablaException.class, () -> Safetensors.save(closed, file),
                "Safetensors.save: the network is closed [reference]");
        assertFails(NablaException.class, () -> Safetensors.load(closed, file),
                "Safetensors.load: the network is closed [reference]");
        assertOnly("m.safetensors");
    }
}
