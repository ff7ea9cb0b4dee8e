package dev.nabla.bench.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where the data files come from: a directory, or the subset bundled in this jar. */
public interface DataSource {

    /** What to call this source in messages, e.g. the directory. */
    String description();

    /** Whether a file of this name (or the name + ".gz") is there. */
    boolean has(String name);

    /** Reads the IDX file {@code name}, preferring {@code name.gz}. */
    IdxFile read(String name);

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
            public IdxFile read(String name) {
                Path file = Files.isRegularFile(dir.resolve(name + ".gz")) ? dir.resolve(name + ".gz") : dir.resolve(name);
                try {
                    return IdxFile.read(file.toString(), Files.newInputStream(file));
                } catch (NoSuchFileException e) {
                    throw new DataFileException(dir.resolve(name + ".gz") + ": no such file");
                } catch (IOException e) {
                    throw new DataFileException(file + ": cannot be read: " + e.getMessage(), e);
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
            public IdxFile read(String name) {
                String resource = folder + "/" + name + ".gz";
                InputStream in = DataSource.class.getResourceAsStream(resource);
                if (in == null) {
                    throw new DataFileException("the bundled resource " + resource + " is missing from the jar");
                }
                return IdxFile.read(description + "/" + name + ".gz", in);
            }
        };
    }
}
