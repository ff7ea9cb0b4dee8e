package dev.nabla.bench.data;

import dev.nabla.io.Idx;
import dev.nabla.io.IdxArray;
import dev.nabla.io.IdxFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where the data files come from: a directory, or the subset bundled in this jar. Files are parsed by core's
 * {@link Idx}; every failure, its format errors included, is a {@link DataFileException} carrying the same message.
 */
public interface DataSource {

    /** What to call this source in messages, e.g. the directory. */
    String description();

    /** Whether a file of this name (or the name + ".gz") is there. */
    boolean has(String name);

    /** Reads the IDX file {@code name}, preferring {@code name.gz}. */
    IdxArray read(String name);

    /** A directory holding the files, gzipped ({@code name.gz}) or not. */
    static DataSource directory(Path dir) {
        return new DataSource() {
            @Override
            public String description() {
                return dir.toString();
            }

            @Override
            public boolean has(String name) {
                return Files.isRegularFile(dir.resolve(name + ".gz")) || Files.isRegularFile(dir.resolve(name));
            }

            @Override
            public IdxArray read(String name) {
                Path file = Files.isRegularFile(dir.resolve(name + ".gz")) ? dir.resolve(name + ".gz") : dir.resolve(name);
                try {
                    return Idx.read(file);
                } catch (NoSuchFileException e) {
                    throw new DataFileException(dir.resolve(name + ".gz") + ": no such file");
                } catch (IOException e) {
                    throw new DataFileException(file + ": cannot be read: " + e.getMessage(), e);
                } catch (IdxFormatException e) {
                    throw new DataFileException(e.getMessage(), e);
                }
            }
        };
    }

    /** Gzipped files bundled as class-path resources under {@code folder}. */
    static DataSource bundled(String folder, String description) {
        return new DataSource() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public boolean has(String name) {
                return DataSource.class.getResource(folder + "/" + name + ".gz") != null;
            }

            @Override
            public IdxArray read(String name) {
                String resource = folder + "/" + name + ".gz";
                InputStream in = DataSource.class.getResourceAsStream(resource);
                if (in == null) {
                    throw new DataFileException("the bundled resource " + resource + " is missing from the jar");
                }
                String file = description + "/" + name + ".gz";
                try {
                    return Idx.read(file, in);
                } catch (IOException e) {
                    throw new DataFileException(file + ": cannot be read: " + e.getMessage(), e);
                } catch (IdxFormatException e) {
                    throw new DataFileException(e.getMessage(), e);
                }
            }
        };
    }
}
